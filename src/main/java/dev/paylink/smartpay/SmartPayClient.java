package dev.paylink.smartpay;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.paylink.smartml.Sleeper;
import dev.paylink.smartpay.Result.Failure;
import dev.paylink.smartpay.Result.Missing;
import dev.paylink.smartpay.Result.Ok;
import dev.paylink.smartpay.Result.Refused;
import dev.paylink.smartpay.Retrier.Again;
import dev.paylink.smartpay.Retrier.Done;
import dev.paylink.smartpay.Retrier.Try;
import dev.paylink.smartpay.SmartPaySettings.Auth;
import dev.paylink.smartpay.SmartPayJson.Lenient;
import dev.paylink.smartpay.Transport.Answer;
import dev.paylink.smartpay.Transport.Broken;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Looks payment links up at SmartPay: {@code GET /payment-links/{id}} and, if configured, the authoritative
 * {@code GET /payment/status/{latestTransactionId}}. Plain Java, thread-safe, never throws for HTTP, I/O or JSON trouble.
 *
 * <p>Both calls are GETs and safe to repeat: 429, 408, 500, 502, 503, 504, transport failures and unreadable 2xx bodies
 * are tried up to {@code attempts} times (backoff doubling, Retry-After honoured). 401/403 with OAuth2 renew the token
 * once and repeat the call once. Headers are sent on every call exactly as the provider documents them.
 */
public final class SmartPayClient implements PaymentLinkProvider {

    private static final Logger LOG = LoggerFactory.getLogger(SmartPayClient.class);

    private final SmartPaySettings settings;
    private final String base;
    private final ObjectMapper mapper = SmartPayJson.mapper();
    private final Transport transport;
    private final Retrier retrier;
    /** BASIC only. */
    private final String basicHeader;
    /** OAUTH2 only. */
    private final OAuth2Tokens tokens;

    public SmartPayClient(SmartPaySettings settings) {
        this(settings, Clock.systemUTC(), Sleeper.system());
    }

    public SmartPayClient(SmartPaySettings settings, Clock clock, Sleeper sleeper) {
        this.settings = validate(settings);
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(sleeper, "sleeper");
        String url = settings.url().toString();
        this.base = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        this.transport = new Transport(settings.connectTimeout(), settings.readTimeout());
        this.retrier = new Retrier(settings.attempts(), settings.backoff(), clock, sleeper);
        if (settings.auth() == Auth.BASIC) {
            this.basicHeader = "Basic " + Base64.getEncoder().encodeToString(
                    (settings.merchantKey() + ":" + settings.authenticationKey()).getBytes(StandardCharsets.UTF_8));
            this.tokens = null;
        } else {
            this.basicHeader = null;
            this.tokens = new OAuth2Tokens(settings, transport, retrier, mapper, clock);
        }
    }

    /**
     * @throws IllegalArgumentException for a null or blank id (nothing is sent)
     */
    @Override
    public LinkLookup lookup(String paymentLinkId) {
        if (paymentLinkId == null || paymentLinkId.isBlank()) {
            throw new IllegalArgumentException("a payment link id is needed");
        }
        Result<PaymentLinkDetails> fetched = get("/payment-links/" + PathSegment.encode(paymentLinkId), PaymentLinkDetails.class,
                "link " + paymentLinkId);
        if (!(fetched instanceof Ok<PaymentLinkDetails> ok)) {
            return toLookup(paymentLinkId, fetched);
        }
        PaymentLinkDetails details = ok.value();
        if (PaymentLinkDetails.isBlank(details.id())) {
            details = details.withId(paymentLinkId);
        } else if (!details.id().equals(paymentLinkId)) {
            String message = "SmartPay answered with link " + details.id() + " when asked for " + paymentLinkId;
            LOG.warn("{}", message);
            return new LinkLookup.Failed(message);
        }
        PaymentStatusDetails status = null;
        String transactionId = details.latestTransactionId();
        if (settings.fetchPaymentStatus() && !PaymentLinkDetails.isBlank(transactionId)) {
            Result<PaymentStatusDetails> statusResult = get("/payment/status/" + PathSegment.encode(transactionId),
                    PaymentStatusDetails.class, "transaction " + transactionId + " of link " + paymentLinkId);
            if (statusResult instanceof Ok<PaymentStatusDetails> statusOk) {
                status = statusOk.value();
                if (PaymentLinkDetails.isBlank(status.paymentStatus())) {
                    LOG.warn("SmartPay payment status of transaction {} (link {}) has no paymentStatus; keeping latestTransactionStatus {}",
                            transactionId, paymentLinkId, details.latestTransactionStatus());
                } else if (status.paymentLinkId() != null && !status.paymentLinkId().equals(paymentLinkId)) {
                    LOG.warn("SmartPay payment status of transaction {} names link {}, not {}; keeping latestTransactionStatus {}",
                            transactionId, status.paymentLinkId(), paymentLinkId, details.latestTransactionStatus());
                    status = null;
                }
            } else if (statusResult instanceof Refused<PaymentStatusDetails> refused) {
                return new LinkLookup.AuthFailed(refused.httpStatus(), refused.message());
            } else {
                LOG.warn("SmartPay payment status of transaction {} (link {}) not available, keeping latestTransactionStatus {}: {}",
                        transactionId, paymentLinkId, details.latestTransactionStatus(), message(statusResult));
            }
        }
        return new LinkLookup.Found(details.toSnapshot(status));
    }

    private static LinkLookup toLookup(String paymentLinkId, Result<?> result) {
        if (result instanceof Missing<?> missing) {
            return new LinkLookup.NotFound(missing.message());
        }
        if (result instanceof Refused<?> refused) {
            return new LinkLookup.AuthFailed(refused.httpStatus(), refused.message());
        }
        String message = message(result);
        LOG.warn("SmartPay lookup of link {} failed: {}", paymentLinkId, message);
        return new LinkLookup.Failed(message);
    }

    private static String message(Result<?> result) {
        if (result instanceof Missing<?> m) {
            return m.message();
        }
        if (result instanceof Refused<?> r) {
            return r.message();
        }
        if (result instanceof Failure<?> f) {
            return f.message();
        }
        return String.valueOf(result);
    }

    /** One GET with retries, the one token renewal, and lenient parsing. */
    private <T> Result<T> get(String path, Class<T> type, String subject) {
        URI uri = URI.create(base + path);
        String what = "GET " + uri.getRawPath();
        boolean[] renewed = {false};
        return retrier.run(what, attempt -> {
            Result<Credential> credential = credential(null);
            if (!(credential instanceof Ok<Credential> ok)) {
                return new Done<>(credential.cast());
            }
            Transport.Exchange exchange = transport.send(request(uri, ok.value().header()));
            if (tokens != null && !renewed[0] && exchange instanceof Answer answer && isAuthRefusal(answer.status())) {
                renewed[0] = true;
                LOG.warn("SmartPay {} -> HTTP {} ({}); fetching a new OAuth2 token and trying once more",
                        what, answer.status(), ErrorBody.parse(mapper, answer.body()).describe());
                credential = credential(ok.value().token());
                if (!(credential instanceof Ok<Credential> renewedOk)) {
                    return new Done<>(credential.cast());
                }
                exchange = transport.send(request(uri, renewedOk.value().header()));
            }
            return interpret(what, subject, exchange, type);
        }, Failure::new);
    }

    private <T> Try<Result<T>> interpret(String what, String subject, Transport.Exchange exchange, Class<T> type) {
        if (exchange instanceof Broken broken) {
            return new Again<>(broken.message(), null);
        }
        Answer answer = (Answer) exchange;
        int status = answer.status();
        if (status / 100 == 2) {
            try {
                Lenient<T> read = SmartPayJson.read(mapper, answer.body(), type);
                if (!read.dropped().isEmpty()) {
                    LOG.warn("SmartPay {} for {}: ignored fields that did not fit: {}", what, subject, read.dropped());
                }
                return new Done<>(new Ok<>(read.value()));
            } catch (IOException | RuntimeException e) {
                return new Again<>("HTTP " + status + " with an unreadable body (" + SmartPayJson.firstLine(Transport.describe(e))
                        + ")", null);
            }
        }
        ErrorBody error = ErrorBody.parse(mapper, answer.body());
        String described = "HTTP " + status + " for " + subject + ": " + error.describe();
        if (status == 404) {
            LOG.warn("SmartPay {} -> {}", what, described);
            return new Done<>(new Missing<>(described));
        }
        if (isAuthRefusal(status)) {
            LOG.warn("SmartPay {} -> {}; credentials refused", what, described);
            return new Done<>(new Refused<>(status, "SmartPay refused our credentials (" + settings.auth() + "): " + described));
        }
        if (isRetryable(status)) {
            return new Again<>(described, answer.headers());
        }
        if (status / 100 == 3) {
            String location = answer.headers().firstValue("Location").orElse("nowhere");
            LOG.warn("SmartPay {} -> HTTP {} to {}; redirects are not followed, check the configured url {}",
                    what, status, location, settings.url());
            return new Done<>(new Failure<>("HTTP " + status + " redirect to " + location + " for " + subject
                    + " (not followed; check the configured SmartPay url)"));
        }
        LOG.warn("SmartPay {} -> {}", what, described);
        return new Done<>(new Failure<>(described));
    }

    static boolean isRetryable(int status) {
        return status == 408 || status == 429 || status == 500 || status == 502 || status == 503 || status == 504;
    }

    private static boolean isAuthRefusal(int status) {
        return status == 401 || status == 403;
    }

    /**
     * Headers exactly as SmartPay documents them, GET included. JDK 17's HttpClient restricts only Connection,
     * Content-Length, Expect, Host and Upgrade: Origin and User-Agent are set as given (checked by the tests).
     */
    private HttpRequest request(URI uri, String authorization) {
        return HttpRequest.newBuilder(uri)
                .timeout(settings.readTimeout())
                .header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .header("Accept-Language", "en-US")
                .header("Origin", settings.origin())
                .header("User-Agent", settings.userAgent())
                .header("Authorization", authorization)
                .GET()
                .build();
    }

    private Result<Credential> credential(OAuth2Tokens.Token rejected) {
        if (tokens == null) {
            return new Ok<>(new Credential(basicHeader, null));
        }
        Result<OAuth2Tokens.Token> token = rejected == null ? tokens.current() : tokens.renew(rejected);
        if (token instanceof Ok<OAuth2Tokens.Token> ok) {
            return new Ok<>(new Credential(ok.value().header(), ok.value()));
        }
        return token.cast();
    }

    /** An Authorization value; never printed. */
    private record Credential(String header, OAuth2Tokens.Token token) {
        @Override
        public String toString() {
            return "Credential[<hidden>]";
        }
    }

    private static SmartPaySettings validate(SmartPaySettings s) {
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
        requireText(s.origin(), "origin");
        requireText(s.userAgent(), "userAgent");
        // the builder refuses CR/LF and other bytes a header cannot carry: fail at start-up, not per call
        HttpRequest.newBuilder(url).header("Origin", s.origin()).header("User-Agent", s.userAgent());
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

    private static void requirePositive(Duration duration, String name) {
        Objects.requireNonNull(duration, name);
        if (duration.isZero() || duration.isNegative()) {
            throw new IllegalArgumentException(name + " must be positive: " + duration);
        }
    }
}
