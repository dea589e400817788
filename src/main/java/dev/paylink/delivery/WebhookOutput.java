package dev.paylink.delivery;

import dev.paylink.delivery.DeliveryResult.Delivered;
import dev.paylink.delivery.DeliveryResult.Failed;
import dev.paylink.delivery.DeliveryResult.Retry;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URISyntaxException;
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
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CancellationException;
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
 * Delivers an event by POSTing its JSON to the receiver's URL, signed with {@link WebhookSignature} (fresh at every
 * try). One try per call; retrying, backoff and the dead-letter folder belong to the caller. Plain Java, thread-safe,
 * never throws for the receiver's trouble.
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
 * {@code Paylink-Event-Id}. The secret and the signature are never logged; URLs are logged without their query string,
 * which may carry a token.
 */
public final class WebhookOutput implements Output {

    public static final String NAME = "webhook";
    public static final String HEADER_SIGNATURE = "Paylink-Signature";
    public static final String HEADER_EVENT_ID = "Paylink-Event-Id";
    public static final String HEADER_EVENT_TYPE = "Paylink-Event-Type";
    static final String CONTENT_TYPE = "application/json; charset=UTF-8";
    static final String USER_AGENT = "paylink-routes";
    /** Characters of the receiver's answer quoted in an error. */
    static final int BODY_EXCERPT_CHARS = 200;
    /** Bytes of the receiver's answer read at most; the rest is not waited for. */
    static final int MAX_ANSWER_BYTES = 4096;
    /** A receiver's Retry-After longer than this is cut down to it. */
    static final Duration MAX_RETRY_AFTER = Duration.ofHours(24);

    private static final Logger LOG = LoggerFactory.getLogger(WebhookOutput.class);

    private final String secret;
    private final Duration timeout;
    private final Clock clock;
    private final HttpClient http;
    /** The whole exchange, body included: the JDK's request timeout stops counting once the headers are in. */
    private final Duration hardDeadline;

    /**
     * @param secret         the shared signing secret, not empty; never logged
     * @param connectTimeout how long connecting may take
     * @param timeout        how long the receiver may take to answer once connected
     * @param clock          the signing clock, also used to read a Retry-After date
     */
    public WebhookOutput(String secret, Duration connectTimeout, Duration timeout, Clock clock) {
        if (secret == null || secret.isEmpty()) {
            throw new IllegalArgumentException("the webhook secret must not be empty");
        }
        this.secret = secret;
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

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public DeliveryResult deliver(Delivery d) {
        Objects.requireNonNull(d, "delivery");
        int attempt = d.attempts() + 1;
        URI url;
        try {
            url = target(d.target());
        } catch (IllegalArgumentException e) {
            return warn(d, attempt, safe(d.target()), new Failed(e.getMessage()));
        }
        String shownUrl = withoutQuery(url);
        if (d.payload() == null) {
            return warn(d, attempt, shownUrl, new Failed("delivery " + d.id() + " has no payload"));
        }
        if (d.eventId() == null || d.eventId().isBlank() || d.eventType() == null || d.eventType().isBlank()) {
            // receivers drop repeats by event id: a call without one cannot be made safe
            return warn(d, attempt, shownUrl, new Failed("delivery " + d.id() + " has no event id or type"));
        }
        byte[] body = d.payload().getBytes(StandardCharsets.UTF_8);
        // signed at each try: a receiver's tolerance window starts now, not when the event was made
        String signature = WebhookSignature.header(secret, clock.instant().getEpochSecond(), d.payload());
        HttpRequest request;
        try {
            request = HttpRequest.newBuilder(url)
                    .timeout(timeout)
                    .header("Content-Type", CONTENT_TYPE)
                    .header("User-Agent", USER_AGENT)
                    .header(HEADER_EVENT_ID, d.eventId())
                    .header(HEADER_EVENT_TYPE, d.eventType())
                    .header(HEADER_SIGNATURE, signature)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                    .build();
        } catch (IllegalArgumentException e) {
            // a character HTTP headers cannot carry in the event id or type; the JDK's message would quote the value
            return warn(d, attempt, shownUrl, new Failed("delivery " + d.id()
                    + ": the event id or type cannot be sent as an HTTP header (control character)"));
        }
        long started = System.nanoTime();
        DeliveryResult result = exchange(request, url);
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        LOG.debug("webhook POST {} event {} {} (delivery {}, try {}): {} in {} ms", shownUrl, d.eventType(), d.eventId(),
                d.id(), attempt, result, millis);
        if (!(result instanceof Delivered)) {
            warn(d, attempt, shownUrl, result);
        }
        return result;
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
            String location = headers.firstValue("Location").map(WebhookOutput::safe).orElse("nowhere");
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

    private DeliveryResult warn(Delivery d, int attempt, String shownUrl, DeliveryResult result) {
        LOG.warn("webhook delivery {} of event {} {} to {} (try {}): {}", d.id(), d.eventType(), d.eventId(), shownUrl,
                attempt, result);
        return result;
    }

    /** An absolute http(s) URL with a host. */
    private static URI target(String target) {
        if (target == null || target.isBlank()) {
            throw new IllegalArgumentException("no webhook URL");
        }
        URI url;
        try {
            url = new URI(target.strip());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("not a URL: " + safe(target));
        }
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("http") || scheme.equals("https")) || url.getHost() == null) {
            throw new IllegalArgumentException("the webhook URL must be an absolute http(s) URL: " + safe(target));
        }
        return url;
    }

    /** The URL as it may be logged: no user info, no query, no fragment. */
    static String withoutQuery(URI url) {
        StringBuilder shown = new StringBuilder();
        shown.append(url.getScheme()).append("://").append(url.getHost());
        if (url.getPort() != -1) {
            shown.append(':').append(url.getPort());
        }
        if (url.getRawPath() != null) {
            shown.append(url.getRawPath());
        }
        return shown.toString();
    }

    /** For a URL that may not parse: everything before {@code ?} or {@code #}, user info cut, control characters out. */
    static String safe(String url) {
        if (url == null) {
            return "-";
        }
        try {
            URI parsed = new URI(url.strip());
            if (parsed.getScheme() != null && parsed.getHost() != null) {
                return withoutQuery(parsed);
            }
        } catch (URISyntaxException e) {
            // fall through to the plain cut
        }
        String cut = url.split("[?#]", 2)[0];
        int at = cut.lastIndexOf('@');
        int scheme = cut.indexOf("://");
        if (at >= 0 && scheme >= 0 && at > scheme) {
            cut = cut.substring(0, scheme + 3) + cut.substring(at + 1);
        }
        return printable(cut.length() > 200 ? cut.substring(0, 200) + "…" : cut);
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
