package dev.paylink.delivery;

import dev.paylink.delivery.DeliveryResult.Delivered;
import dev.paylink.delivery.DeliveryResult.Failed;
import dev.paylink.delivery.DeliveryResult.Retry;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers an event by POSTing its JSON to the URL of the endpoint its target names ({@link WebhookEndpoints}), signed with
 * {@link WebhookSignature} (fresh at every try; with the old and the new secret while the endpoint's secret is rotated).
 * One try per call; retrying, backoff, the dead-letter folder and the WARN line of a failed try belong to the
 * {@link Dispatcher}. Plain Java, thread-safe, never throws for the receiver's trouble.
 *
 * <table>
 *   <caption>What one try comes to</caption>
 *   <tr><td>2xx</td><td>{@link Delivered} {@code "HTTP 204"}</td></tr>
 *   <tr><td>408, 429, 5xx, connect failure, timeout, I/O error</td>
 *       <td>{@link Retry}, with the receiver's {@code Retry-After} (seconds or HTTP date) when it sent one</td></tr>
 *   <tr><td>3xx</td><td>{@link Failed} naming the {@code Location}: redirects are not followed, the URL is wrong</td></tr>
 *   <tr><td>other 4xx</td><td>{@link Failed} {@code "HTTP 400: <first 200 characters of the body>"}</td></tr>
 * </table>
 *
 * <p>Receivers must expect the same event more than once (a lost answer means another try) and drop repeats by
 * {@code Paylink-Event-Id}; {@code Paylink-Attempt-Id} is new at every try. User info in an endpoint's URL
 * ({@code https://user:pass@host/...}) is sent as HTTP Basic authentication. The secret and the signature are never
 * logged; URLs are logged masked ({@link Urls}).
 */
public final class WebhookOutput implements Output {

    public static final String NAME = "webhook";
    public static final String HEADER_SIGNATURE = "Paylink-Signature";
    public static final String HEADER_EVENT_ID = "Paylink-Event-Id";
    public static final String HEADER_EVENT_TYPE = "Paylink-Event-Type";
    /** A new random id at every try: a receiver can tell a retry from a duplicate of the same try in its logs. */
    public static final String HEADER_ATTEMPT_ID = "Paylink-Attempt-Id";
    /** The try's number, 1 for the first (again 1 after a replay). */
    public static final String HEADER_ATTEMPT = "Paylink-Attempt";
    static final String CONTENT_TYPE = "application/json; charset=UTF-8";
    static final String USER_AGENT = "paylink-routes";
    /** Characters of the receiver's answer quoted in an error. */
    static final int BODY_EXCERPT_CHARS = 200;
    /** Bytes of the receiver's answer read at most; the rest is not waited for. */
    static final int MAX_ANSWER_BYTES = 4096;
    /** The longest Retry-After read from an answer; the dispatcher's own ceiling (paylink.deliver.max-retry-after) applies after. */
    static final Duration MAX_RETRY_AFTER = Duration.ofHours(24);

    private static final Logger LOG = LoggerFactory.getLogger(WebhookOutput.class);

    private final WebhookEndpoints endpoints;
    private final Duration timeout;
    private final Clock clock;
    private final HttpClient http;
    /** The whole exchange, body included: the JDK's request timeout stops counting once the headers are in. */
    private final Duration hardDeadline;
    /** Endpoints whose previous secret expired and were told so, once each. */
    private final Set<String> rotationOver = ConcurrentHashMap.newKeySet();

    /**
     * @param endpoints      the configured endpoints; a delivery's target is an endpoint's name
     * @param connectTimeout how long connecting may take
     * @param timeout        how long the receiver may take to answer once connected
     * @param clock          the signing clock, also used to read a Retry-After date and a rotation's end
     */
    public WebhookOutput(WebhookEndpoints endpoints, Duration connectTimeout, Duration timeout, Clock clock) {
        this.endpoints = Objects.requireNonNull(endpoints, "endpoints");
        requirePositive(connectTimeout, "connectTimeout");
        this.timeout = requirePositive(timeout, "timeout");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
        this.hardDeadline = connectTimeout.plus(timeout);
    }

    /** Without named endpoints: every target is a URL, every call signed with {@code secret} (not empty; never logged). */
    public WebhookOutput(String secret, Duration connectTimeout, Duration timeout, Clock clock) {
        this(WebhookEndpoints.anyUrl(secret), connectTimeout, timeout, clock);
    }

    @Override
    public String name() {
        return NAME;
    }

    /** Every endpoint has its own lane: a slow or dead one never delays another. */
    @Override
    public boolean isolatesTargets() {
        return true;
    }

    @Override
    public String describe(String target) {
        return endpoints.describe(target);
    }

    @Override
    public DeliveryResult deliver(Delivery d) {
        Objects.requireNonNull(d, "delivery");
        int attempt = d.attempts() + 1;
        WebhookEndpoint endpoint;
        URI url;
        try {
            endpoint = endpoints.resolve(d.target());
            url = WebhookEndpoint.uri(endpoint.url());
        } catch (IllegalArgumentException e) {
            return new Failed(e.getMessage());
        }
        if (d.payload() == null) {
            return new Failed("delivery " + d.id() + " has no payload");
        }
        if (d.eventId() == null || d.eventId().isBlank() || d.eventType() == null || d.eventType().isBlank()) {
            // receivers drop repeats by event id: a call without one cannot be made safe
            return new Failed("delivery " + d.id() + " has no event id or type");
        }
        byte[] body = d.payload().getBytes(StandardCharsets.UTF_8);
        Instant now = clock.instant();
        announceRotationOver(endpoint, now);
        // signed at each try: a receiver's tolerance window starts now, not when the event was made
        String signature = WebhookSignature.headerSignedWithEach(endpoint.secrets(now), now.getEpochSecond(), d.payload());
        String attemptId = UUID.randomUUID().toString();
        HttpRequest request;
        try {
            HttpRequest.Builder builder = HttpRequest.newBuilder(withoutUserInfo(url))
                    .timeout(timeout)
                    .header("Content-Type", CONTENT_TYPE)
                    .header("User-Agent", USER_AGENT)
                    .header(HEADER_EVENT_ID, d.eventId())
                    .header(HEADER_EVENT_TYPE, d.eventType())
                    .header(HEADER_ATTEMPT_ID, attemptId)
                    .header(HEADER_ATTEMPT, String.valueOf(attempt))
                    .header(HEADER_SIGNATURE, signature);
            if (url.getRawUserInfo() != null) {
                builder.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(url.getUserInfo().getBytes(StandardCharsets.UTF_8)));
            }
            request = builder.POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        } catch (IllegalArgumentException e) {
            // a character HTTP headers cannot carry in the event id or type; the JDK's message would quote the value
            return new Failed("delivery " + d.id() + ": the event id or type cannot be sent as an HTTP header (control character)");
        }
        long started = System.nanoTime();
        DeliveryResult result = exchange(request, url);
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        LOG.debug("webhook POST to {} event {} {} (delivery {}, try {}, attempt id {}): {} in {} ms", endpoint, d.eventType(), d.eventId(),
                d.id(), attempt, attemptId, result.summary(), millis);
        return result;
    }

    private void announceRotationOver(WebhookEndpoint endpoint, Instant now) {
        if (endpoint.previousSecret() != null && !endpoint.rotating(now) && rotationOver.add(endpoint.name())) {
            LOG.info("webhook endpoint {}: the previous secret was used until {}; calls now carry only the new secret's signature. "
                    + "Remove its previous-secret from the configuration.", endpoint.name(), endpoint.previousSecretUntil());
        }
    }

    /** The URL the request goes to: credentials in it travel as an Authorization header, not in the request line. */
    private static URI withoutUserInfo(URI url) {
        if (url.getRawUserInfo() == null) {
            return url;
        }
        String authority = url.getRawAuthority();
        String hostAndPort = authority.substring(authority.lastIndexOf('@') + 1);
        return URI.create(url.getScheme() + "://" + hostAndPort + (url.getRawPath() == null ? "" : url.getRawPath())
                + (url.getRawQuery() == null ? "" : "?" + url.getRawQuery()));
    }

    /** One POST, bounded by the hard deadline. */
    private DeliveryResult exchange(HttpRequest request, URI url) {
        CompletableFuture<HttpResponse<byte[]>> future = http.sendAsync(request, info -> new BoundedBody(MAX_ANSWER_BYTES));
        try {
            HttpResponse<byte[]> response = future.get(hardDeadline.toNanos(), TimeUnit.NANOSECONDS);
            return interpret(response.statusCode(), response.headers(), response.body());
        } catch (ExecutionException | CompletionException e) {
            return failure(e.getCause() == null ? e : e.getCause(), url);
        } catch (TimeoutException e) {
            future.cancel(true);
            return new Retry("no complete answer within " + format(hardDeadline), null);
        } catch (InterruptedException e) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            return new Retry("interrupted while waiting for the answer", null);
        } catch (CancellationException e) {
            return new Retry("the exchange was cancelled", null);
        }
    }

    private DeliveryResult interpret(int status, HttpHeaders headers, byte[] body) {
        if (status >= 200 && status < 300) {
            return new Delivered("HTTP " + status);
        }
        if (status >= 300 && status < 400) {
            String location = headers.firstValue("Location").map(Urls::masked).orElse("nowhere");
            return new Failed("HTTP " + status + ": redirect to " + location
                    + " not followed; configure the final URL");
        }
        String answer = "HTTP " + status + excerpt(body);
        if (status == 408 || status == 429 || status >= 500) {
            return new Retry(answer, retryAfter(headers));
        }
        return new Failed(answer);
    }

    /** The outermost exception type we know decides: a request timeout wrapping a ConnectException is still a timeout. */
    private DeliveryResult failure(Throwable thrown, URI url) {
        String where = hostAndPort(url);
        Set<Throwable> seen = new HashSet<>();
        for (Throwable t = thrown; t != null && seen.add(t); t = t.getCause()) {
            if (t instanceof HttpConnectTimeoutException) {
                return new Retry("could not connect to " + where + " within the connect timeout", null);
            }
            if (t instanceof HttpTimeoutException) {
                return new Retry("no answer from " + where + " within " + format(timeout), null);
            }
            if (t instanceof ConnectException || t instanceof UnresolvedAddressException || t instanceof UnknownHostException) {
                return new Retry("could not connect to " + where + ": " + describe(t), null);
            }
        }
        return new Retry("the exchange with " + where + " failed: " + describe(thrown), null);
    }

    /** Retry-After as delay-seconds or an HTTP date, never negative, at most {@link #MAX_RETRY_AFTER}; null when absent or unreadable. */
    Duration retryAfter(HttpHeaders headers) {
        String value = headers.firstValue("Retry-After").map(String::strip).orElse("");
        if (value.isEmpty()) {
            return null;
        }
        Duration wait;
        if (value.chars().allMatch(c -> c >= '0' && c <= '9')) {
            wait = value.length() > 9 ? MAX_RETRY_AFTER : Duration.ofSeconds(Long.parseLong(value));
        } else {
            try {
                Instant at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
                wait = Duration.between(clock.instant(), at);
            } catch (DateTimeParseException e) {
                return null;
            }
        }
        if (wait.isNegative()) {
            return Duration.ZERO;
        }
        return wait.compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : wait;
    }

    /** {@code ": <first 200 characters>"} of the answer, control characters as spaces; empty for an empty answer. */
    private static String excerpt(byte[] body) {
        if (body == null || body.length == 0) {
            return "";
        }
        String text = new String(body, StandardCharsets.UTF_8);
        if (text.length() > BODY_EXCERPT_CHARS) {
            int end = BODY_EXCERPT_CHARS;
            if (Character.isHighSurrogate(text.charAt(end - 1))) {
                end--;
            }
            text = text.substring(0, end);
        }
        text = printable(text).strip();
        return text.isEmpty() ? "" : ": " + text;
    }

    private static String printable(String text) {
        StringBuilder out = new StringBuilder(text.length());
        text.codePoints().forEach(c -> out.appendCodePoint(Character.isISOControl(c) ? ' ' : c));
        return out.toString();
    }

    private static String hostAndPort(URI url) {
        int port = url.getPort() != -1 ? url.getPort() : url.getScheme().equalsIgnoreCase("https") ? 443 : 80;
        return url.getHost() + ":" + port;
    }

    /** "30s" or "300ms". */
    static String format(Duration duration) {
        long millis = duration.toMillis();
        return millis % 1000 == 0 ? (millis / 1000) + "s" : millis + "ms";
    }

    /** "ConnectException: Connection refused", or with the cause when the JDK gives no message. */
    private static String describe(Throwable t) {
        String message = t.getMessage();
        Throwable cause = t.getCause();
        if (message != null && !message.isBlank()) {
            return t.getClass().getSimpleName() + ": " + printable(message);
        }
        return t.getClass().getSimpleName() + (cause == null || cause == t ? "" : " caused by " + describe(cause));
    }

    private static Duration requirePositive(Duration duration, String name) {
        Objects.requireNonNull(duration, name);
        if (duration.isZero() || duration.isNegative()) {
            throw new IllegalArgumentException(name + " must be positive: " + duration);
        }
        return duration;
    }

    /**
     * Keeps the first {@code limit} bytes of an answer and stops reading there (the connection is then dropped rather
     * than drained): a receiver's answer is only ever quoted, never needed whole.
     */
    private static final class BoundedBody implements HttpResponse.BodySubscriber<byte[]> {

        private final CompletableFuture<byte[]> result = new CompletableFuture<>();
        private final byte[] buffer;
        private int length;
        private Flow.Subscription subscription;

        BoundedBody(int limit) {
            this.buffer = new byte[limit];
        }

        @Override
        public CompletionStage<byte[]> getBody() {
            return result;
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            this.subscription = subscription;
            subscription.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(List<ByteBuffer> items) {
            if (result.isDone()) {
                return;
            }
            for (ByteBuffer item : items) {
                int n = Math.min(item.remaining(), buffer.length - length);
                item.get(buffer, length, n);
                length += n;
            }
            if (length == buffer.length) {
                result.complete(copy());
                subscription.cancel();
            }
        }

        @Override
        public void onError(Throwable throwable) {
            result.completeExceptionally(throwable);
        }

        @Override
        public void onComplete() {
            result.complete(copy());
        }

        private byte[] copy() {
            byte[] copy = new byte[length];
            System.arraycopy(buffer, 0, copy, 0, length);
            return copy;
        }
    }
}
