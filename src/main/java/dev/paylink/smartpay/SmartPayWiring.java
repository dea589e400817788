package dev.paylink.smartpay;

import dev.paylink.smartpay.SmartPaySettings.Auth;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import org.apache.camel.CamelContext;
import org.apache.camel.Processor;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.http.common.HttpHeaderFilterStrategy;

/**
 * Binds the beans of routes/smartpay.camel.yaml: {@code smartPayLookups} (what the answers mean for a link),
 * {@code smartPayHttp} (each request's Authorization, answer, retry wait), {@code smartPayRetryWait} (the error
 * handler's onExceptionOccurred), {@code smartPayHeaders} (camel-http's header filter) and, with OAuth2, {@code smartPayTokens} (the cached token, fetched through
 * {@code direct:smartpay-token}).
 */
public final class SmartPayWiring {

    private SmartPayWiring() {
    }

    /**
     * @throws IllegalArgumentException or NullPointerException for settings no request could be made with (nothing bound)
     */
    public static void bind(CamelContext camel, SmartPaySettings settings, Clock clock) {
        validate(settings);
        Objects.requireNonNull(clock, "clock");
        OAuth2Tokens tokens = null;
        if (settings.auth() == Auth.OAUTH2) {
            tokens = new OAuth2Tokens(settings, clock);
            ProducerTemplate template = camel.createProducerTemplate();
            tokens.fetchWith(() -> template.requestBody("direct:smartpay-token", null, Result.class));
            camel.getRegistry().bind("smartPayTokens", tokens);
        }
        SmartPayHttp http = new SmartPayHttp(settings, tokens, clock);
        camel.getRegistry().bind("smartPayHttp", http);
        camel.getRegistry().bind("smartPayRetryWait", (Processor) http::retryWait);
        camel.getRegistry().bind("smartPayLookups", new SmartPayLookups(settings));
        camel.getRegistry().bind("smartPayHeaders", headers());
    }

    /**
     * camel-http's usual header filter, except that Content-Type goes out on a GET too: SmartPay documents it on every
     * call, and camel-http otherwise sends it only with a body.
     */
    private static HttpHeaderFilterStrategy headers() {
        HttpHeaderFilterStrategy headers = new HttpHeaderFilterStrategy();
        headers.getOutFilter().remove("content-type");
        return headers;
    }

    static SmartPaySettings validate(SmartPaySettings s) {
        Objects.requireNonNull(s, "settings");
        URI url = Objects.requireNonNull(s.url(), "url");
        requireHttp(url, "url");
        Objects.requireNonNull(s.auth(), "auth");
        if (s.auth() == Auth.BASIC) {
            requireText(s.merchantKey(), "merchantKey");
            requireText(s.authenticationKey(), "authenticationKey");
        } else {
            requireText(s.clientId(), "clientId");
            requireText(s.clientSecret(), "clientSecret");
            requireHttp(Objects.requireNonNull(s.tokenUrl(), "tokenUrl"), "tokenUrl");
        }
        requireHeaderValue(s.origin(), "origin");
        requireHeaderValue(s.userAgent(), "userAgent");
        requirePositive(s.connectTimeout(), "connectTimeout");
        requirePositive(s.readTimeout(), "readTimeout");
        if (s.attempts() < 1) {
            throw new IllegalArgumentException("attempts must be at least 1: " + s.attempts());
        }
        Objects.requireNonNull(s.backoff(), "backoff");
        if (s.backoff().isNegative()) {
            throw new IllegalArgumentException("backoff must not be negative: " + s.backoff());
        }
        return s;
    }

    private static void requireHttp(URI url, String name) {
        if (url.getScheme() == null || !(url.getScheme().equalsIgnoreCase("https") || url.getScheme().equalsIgnoreCase("http"))
                || url.getHost() == null) {
            throw new IllegalArgumentException(name + " must be an absolute http(s) URL: " + url);
        }
        if (url.getRawQuery() != null || url.getRawFragment() != null) {
            throw new IllegalArgumentException(name + " must have no query or fragment: " + url);
        }
    }

    private static void requireText(String value, String name) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + " is required for this auth scheme");
        }
    }

    /** Sent as a header on every call: CR, LF and other control characters are refused at start, not per call. */
    private static void requireHeaderValue(String value, String name) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + " is required");
        }
        if (value.chars().anyMatch(c -> c < 0x20 && c != '\t' || c == 0x7f)) {
            throw new IllegalArgumentException(name + " cannot be sent as a header: it holds a control character");
        }
    }

    private static void requirePositive(Duration duration, String name) {
        Objects.requireNonNull(duration, name);
        if (duration.isZero() || duration.isNegative()) {
            throw new IllegalArgumentException(name + " must be positive: " + duration);
        }
    }
}
