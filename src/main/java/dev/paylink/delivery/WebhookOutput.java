package dev.paylink.delivery;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The domain of the {@code webhook} output; the call itself is the route {@code output-webhook}
 * ({@code routes/output-webhook.camel.yaml}, camel-http). {@link #prepare} resolves the delivery's endpoint
 * ({@link WebhookEndpoints}) and signs the payload ({@link WebhookSignature}, fresh at every try; with the old and the new
 * secret while the endpoint's secret is rotated); {@link #classify} reads the answer into the {@link RouteOutput} contract.
 *
 * <table>
 *   <caption>What one try comes to</caption>
 *   <tr><td>2xx</td><td>delivered</td></tr>
 *   <tr><td>408, 429, 5xx</td><td>retry, with the receiver's {@code Retry-After} (seconds or HTTP date) when it sent one</td></tr>
 *   <tr><td>connect failure, timeout, I/O error</td><td>the route throws: retry (receivers drop repeats by event id)</td></tr>
 *   <tr><td>3xx</td><td>failed, naming the {@code Location}: redirects are not followed, the URL is wrong</td></tr>
 *   <tr><td>other 4xx</td><td>failed {@code "HTTP 400: <first 200 characters of the body>"}</td></tr>
 * </table>
 *
 * <p>Receivers must expect the same event more than once and drop repeats by {@code Paylink-Event-Id};
 * {@code Paylink-Attempt-Id} is new at every try. User info in an endpoint's URL ({@code https://user:pass@host/...}) is
 * sent as HTTP Basic authentication. The secret and the signature are never logged; URLs are logged masked ({@link Urls}).
 */
public final class WebhookOutput {

    public static final String NAME = "webhook";
    public static final String HEADER_SIGNATURE = "Paylink-Signature";
    public static final String HEADER_EVENT_ID = "Paylink-Event-Id";
    public static final String HEADER_EVENT_TYPE = "Paylink-Event-Type";
    /** A new random id at every try: a receiver can tell a retry from a duplicate of the same try in its logs. */
    public static final String HEADER_ATTEMPT_ID = "Paylink-Attempt-Id";
    /** The try's number, 1 for the first (again 1 after a replay). */
    public static final String HEADER_ATTEMPT = "Paylink-Attempt";
    /** Set by {@link #prepare}, read by the route: the URL without user info and query, the query, the headers' values. */
    public static final String URL = "paylinkWebhookUrl";
    public static final String QUERY = "paylinkWebhookQuery";
    public static final String SIGNATURE = "paylinkWebhookSignature";
    public static final String ATTEMPT_ID = "paylinkWebhookAttemptId";
    public static final String AUTHORIZATION = "paylinkWebhookAuthorization";
    private static final String STARTED = "paylinkWebhookStarted";
    private static final String ENDPOINT = "paylinkWebhookEndpoint";
    /** Characters of the receiver's answer quoted in an error. */
    static final int BODY_EXCERPT_CHARS = 200;
    /** Bytes of the receiver's answer read at most. */
    static final int MAX_ANSWER_BYTES = 4096;

    private static final Logger LOG = LoggerFactory.getLogger(WebhookOutput.class);

    private final WebhookEndpoints endpoints;
    private final Clock clock;
    /** Endpoints whose previous secret expired and were told so, once each. */
    private final Set<String> rotationOver = ConcurrentHashMap.newKeySet();

    /** @param clock the signing clock, also used for a rotation's end */
    public WebhookOutput(WebhookEndpoints endpoints, Clock clock) {
        this.endpoints = Objects.requireNonNull(endpoints, "endpoints");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** A target as a log line may show it: {@code name (masked URL)}. */
    public String describe(String target) {
        return endpoints.describe(target);
    }

    /**
     * Resolves the endpoint of the delivery's target and signs the body (the event's JSON) now. Sets the properties the
     * route sends with ({@link #URL}, {@link #QUERY}, {@link #SIGNATURE}, {@link #ATTEMPT_ID}, {@link #AUTHORIZATION}), or
     * marks the delivery failed ({@link RouteOutput#OUTCOME}) when it cannot be sent safely at all.
     */
    public void prepare(Exchange exchange) {
        String target = exchange.getProperty(RouteOutput.TARGET, String.class);
        String payload = exchange.getMessage().getBody(String.class);
        String eventId = exchange.getProperty(RouteOutput.EVENT_ID, String.class);
        String eventType = exchange.getProperty(RouteOutput.EVENT_TYPE, String.class);
        Object id = exchange.getProperty(RouteOutput.DELIVERY_ID);
        WebhookEndpoint endpoint;
        URI url;
        try {
            endpoint = endpoints.resolve(target);
            url = WebhookEndpoint.uri(endpoint.url());
        } catch (IllegalArgumentException e) {
            refuse(exchange, e.getMessage());
            return;
        }
        if (payload == null) {
            refuse(exchange, "delivery " + id + " has no payload");
            return;
        }
        if (blank(eventId) || blank(eventType)) {
            // receivers drop repeats by event id: a call without one cannot be made safe
            refuse(exchange, "delivery " + id + " has no event id or type");
            return;
        }
        if (eventId.chars().anyMatch(Character::isISOControl) || eventType.chars().anyMatch(Character::isISOControl)) {
            refuse(exchange, "delivery " + id + ": the event id or type cannot be sent as an HTTP header (control character)");
            return;
        }
        Instant now = clock.instant();
        announceRotationOver(endpoint, now);
        // signed at each try: a receiver's tolerance window starts now, not when the event was made
        exchange.setProperty(SIGNATURE, WebhookSignature.headerSignedWithEach(endpoint.secrets(now), now.getEpochSecond(), payload));
        exchange.setProperty(ATTEMPT_ID, UUID.randomUUID().toString());
        exchange.setProperty(URL, url.getScheme() + "://" + url.getHost() + (url.getPort() == -1 ? "" : ":" + url.getPort())
                + (url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath()));
        exchange.setProperty(QUERY, url.getRawQuery());
        if (url.getRawUserInfo() != null) {
            exchange.setProperty(AUTHORIZATION, "Basic " + Base64.getEncoder().encodeToString(url.getUserInfo().getBytes(StandardCharsets.UTF_8)));
        }
        exchange.setProperty(ENDPOINT, endpoint);
        exchange.setProperty(STARTED, System.nanoTime());
    }

    /** The receiver's answer (camel-http with {@code throwExceptionOnFailure=false}) in the {@link RouteOutput} contract. */
    public void classify(Exchange exchange) {
        int status = exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, 0, Integer.class);
        String detail;
        if (status >= 200 && status < 300) {
            detail = "HTTP " + status;
        } else if (status >= 300 && status < 400) {
            String location = exchange.getMessage().getHeader("Location", String.class);
            detail = "HTTP " + status + ": redirect to " + (location == null ? "nowhere" : Urls.masked(location)) + " not followed; configure the final URL";
            exchange.setProperty(RouteOutput.OUTCOME, RouteOutput.FAILED);
        } else {
            detail = "HTTP " + status + excerpt(exchange);
            boolean retry = status == 408 || status == 429 || status >= 500;
            exchange.setProperty(RouteOutput.OUTCOME, retry ? RouteOutput.RETRY : RouteOutput.FAILED);
            if (retry) {
                exchange.setProperty(RouteOutput.RETRY_AFTER, exchange.getMessage().getHeader("Retry-After", String.class));
            }
        }
        exchange.setProperty(RouteOutput.DETAIL, detail);
        Long started = exchange.getProperty(STARTED, Long.class);
        LOG.debug("webhook POST to {} event {} {} (delivery {}, try {}, attempt id {}): {} in {} ms", exchange.getProperty(ENDPOINT),
                exchange.getProperty(RouteOutput.EVENT_TYPE), exchange.getProperty(RouteOutput.EVENT_ID), exchange.getProperty(RouteOutput.DELIVERY_ID),
                exchange.getProperty(RouteOutput.ATTEMPT), exchange.getProperty(ATTEMPT_ID), detail,
                started == null ? "?" : TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
    }

    private static void refuse(Exchange exchange, String why) {
        exchange.setProperty(RouteOutput.OUTCOME, RouteOutput.FAILED);
        exchange.setProperty(RouteOutput.DETAIL, why);
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    private void announceRotationOver(WebhookEndpoint endpoint, Instant now) {
        if (endpoint.previousSecret() != null && !endpoint.rotating(now) && rotationOver.add(endpoint.name())) {
            LOG.info("webhook endpoint {}: the previous secret was used until {}; calls now carry only the new secret's signature. "
                    + "Remove its previous-secret from the configuration.", endpoint.name(), endpoint.previousSecretUntil());
        }
    }

    /** {@code ": <first 200 characters>"} of the answer, control characters as spaces; empty for an empty answer. */
    private static String excerpt(Exchange exchange) {
        byte[] body;
        Object answer = exchange.getMessage().getBody();
        try {
            if (answer instanceof InputStream in) {
                // only the start is ever quoted: the rest is not read into memory
                body = in.readNBytes(MAX_ANSWER_BYTES);
            } else {
                body = answer == null ? new byte[0] : exchange.getMessage().getBody(byte[].class);
            }
        } catch (IOException e) {
            return "";
        }
        if (body == null || body.length == 0) {
            return "";
        }
        String text = new String(body, 0, Math.min(body.length, MAX_ANSWER_BYTES), StandardCharsets.UTF_8);
        if (text.length() > BODY_EXCERPT_CHARS) {
            int end = BODY_EXCERPT_CHARS;
            if (Character.isHighSurrogate(text.charAt(end - 1))) {
                end--;
            }
            text = text.substring(0, end);
        }
        StringBuilder out = new StringBuilder(text.length());
        text.codePoints().forEach(c -> out.appendCodePoint(Character.isISOControl(c) ? ' ' : c));
        String printable = out.toString().strip();
        return printable.isEmpty() ? "" : ": " + printable;
    }
}
