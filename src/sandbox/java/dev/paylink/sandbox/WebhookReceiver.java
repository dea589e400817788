package dev.paylink.sandbox;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.paylink.delivery.WebhookOutput;
import dev.paylink.delivery.WebhookSignature;
import java.io.IOException;
import java.io.InputStream;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Objects;


import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A loopback webhook receiver for sandbox mode and tests: it checks every POST to {@value #PATH} the way a real
 * receiver should ({@link WebhookSignature#verify} with a {@link #TOLERANCE} window), answers 204 when the signature is
 * valid and 401 when not, and keeps what it received for inspection.
 *
 * <p>It can be told to fail ({@link #failNext}, {@link #failAlways}) so that retries and the dead-letter folder can be
 * seen without a real receiver. A call answered with such a failure is still recorded, with its signature check.
 *
 * <p>Plain Java: the JDK's {@link HttpServer} on 127.0.0.1, a bounded pool of {@value #THREADS} threads.
 */
public final class WebhookReceiver implements AutoCloseable {

    /** Obviously fake signing secret used when {@code paylink.sandbox=true}. */
    public static final String SANDBOX_SECRET = "sandbox-webhook-secret-not-a-real-secret";
    /** The path {@link #start()} returns an endpoint for. */
    public static final String PATH = "/webhooks/paylink";
    /** How far a signature's timestamp may lie from the receiver's clock. */
    public static final Duration TOLERANCE = Duration.ofMinutes(5);
    /** {@link #received()} keeps at most this many calls (the most recent). */
    public static final int MAX_RECEIVED = 10_000;

    static final int THREADS = 4;
    /** Bodies longer than this are refused with 413 unread. */
    static final int MAX_BODY_BYTES = 1024 * 1024;
    private static final Logger LOG = LoggerFactory.getLogger(WebhookReceiver.class);

    /**
     * One POST to {@value #PATH}.
     *
     * @param eventId        the {@code Paylink-Event-Id} header, null when absent
     * @param eventType      the {@code Paylink-Event-Type} header, null when absent
     * @param body           the raw body, as UTF-8
     * @param signatureValid whether {@code Paylink-Signature} verified
     * @param at             when it arrived, by the receiver's clock
     */
    public record Received(String eventId, String eventType, String body, boolean signatureValid, Instant at) {
    }

    private final String secret;
    private final Clock clock;
    private final ArrayDeque<Received> received = new ArrayDeque<>();
    private final AtomicInteger valid = new AtomicInteger();
    private final AtomicInteger invalid = new AtomicInteger();

    /** Guards the failure mode. */
    private final Object failures = new Object();
    private int failRemaining;
    private int failStatus;
    private boolean failForever;

    private final LoopbackHttpServer http = new LoopbackHttpServer("webhook receiver", "webhook-receiver-", THREADS, this::handle);

    /**
     * @param secret the signing secret calls are checked with (never logged)
     * @param clock  the clock timestamps are checked against and calls are stamped with
     */
    public WebhookReceiver(String secret, Clock clock) {
        if (secret == null || secret.isEmpty()) {
            throw new IllegalArgumentException("secret must not be empty");
        }
        this.secret = secret;
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** The sandbox setup: {@link #SANDBOX_SECRET} and the UTC system clock. */
    public WebhookReceiver() {
        this(SANDBOX_SECRET, Clock.systemUTC());
    }

    /** Starts on 127.0.0.1 on a free port; returns the endpoint, e.g. {@code http://127.0.0.1:40123/webhooks/paylink}. */
    public URI start() {
        return start(0);
    }

    /** Starts on 127.0.0.1 on {@code port} (0 = a free one); returns the endpoint URI. Can be called once. */
    public URI start(int port) {
        URI url = URI.create(http.start(port) + PATH);
        LOG.info("webhook sandbox receiver listening on {}", url);
        return url;
    }

    /** The endpoint URI; only after {@link #start()}. */
    public URI url() {
        return URI.create(http.base() + PATH);
    }

    /** Stops at once; idempotent. */
    @Override
    public void close() {
        http.close();
    }

    /** The most recent calls, oldest first, at most {@value #MAX_RECEIVED} (a snapshot). */
    public List<Received> received() {
        synchronized (received) {
            return List.copyOf(received);
        }
    }

    /** Calls whose signature verified, since start (not bounded by {@link #MAX_RECEIVED}). */
    public int validCount() {
        return valid.get();
    }

    /** Calls whose signature did not verify, since start. */
    public int invalidCount() {
        return invalid.get();
    }

    /** The next {@code n} calls are answered with {@code status} (e.g. 503), whatever their signature; then as usual. */
    public void failNext(int n, int status) {
        if (n < 0) {
            throw new IllegalArgumentException("n must not be negative: " + n);
        }
        requireStatus(status);
        synchronized (failures) {
            failRemaining = n;
            failStatus = status;
            failForever = false;
        }
    }

    /** Every call is answered with {@code status} until {@link #recover()}. */
    public void failAlways(int status) {
        requireStatus(status);
        synchronized (failures) {
            failForever = true;
            failStatus = status;
            failRemaining = 0;
        }
    }

    /** Back to answering by the signature: 204 or 401. */
    public void recover() {
        synchronized (failures) {
            failForever = false;
            failRemaining = 0;
        }
    }

    // ---------------------------------------------------------------------------------------------- HTTP

    private void handle(HttpExchange exchange) throws IOException {
        try {
            String path = exchange.getRequestURI().getPath();
            String method = exchange.getRequestMethod();
            if (!PATH.equals(path)) {
                drain(exchange.getRequestBody());
                LOG.info("webhook sandbox: {} {} -> HTTP 404", method, shorten(path));
                exchange.sendResponseHeaders(404, -1);
                return;
            }
            if (!"POST".equals(method)) {
                drain(exchange.getRequestBody());
                LOG.info("webhook sandbox: {} {} -> HTTP 405", method, path);
                exchange.getResponseHeaders().set("Allow", "POST");
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            byte[] raw = exchange.getRequestBody().readNBytes(MAX_BODY_BYTES + 1);
            if (raw.length > MAX_BODY_BYTES) {
                LOG.info("webhook sandbox: body over {} bytes -> HTTP 413", MAX_BODY_BYTES);
                exchange.sendResponseHeaders(413, -1);
                return;
            }
            String eventId = exchange.getRequestHeaders().getFirst(WebhookOutput.HEADER_EVENT_ID);
            String eventType = exchange.getRequestHeaders().getFirst(WebhookOutput.HEADER_EVENT_TYPE);
            String signature = exchange.getRequestHeaders().getFirst(WebhookOutput.HEADER_SIGNATURE);
            String body = new String(raw, StandardCharsets.UTF_8);
            Instant now = clock.instant();
            boolean signatureValid = WebhookSignature.verify(signature, body, secret, TOLERANCE, now);
            (signatureValid ? valid : invalid).incrementAndGet();
            record(new Received(eventId, eventType, body, signatureValid, now));
            int injected = injectedFailure();
            int status = injected != 0 ? injected : signatureValid ? 204 : 401;
            LOG.info("webhook sandbox: event {} {}, signature {} -> HTTP {}{}", shorten(eventType), shorten(eventId),
                    signatureValid ? "valid" : "INVALID", status, injected != 0 ? " (failing on purpose)" : "");
            exchange.sendResponseHeaders(status, -1);
        } catch (RuntimeException e) {
            LOG.warn("webhook sandbox: unexpected failure, answering HTTP 500", e);
            exchange.sendResponseHeaders(500, -1);
        } finally {
            exchange.close();
        }
    }

    /** The status to fail with, or 0 to answer as usual. */
    private int injectedFailure() {
        synchronized (failures) {
            if (failForever) {
                return failStatus;
            }
            if (failRemaining > 0) {
                failRemaining--;
                return failStatus;
            }
            return 0;
        }
    }

    private void record(Received call) {
        synchronized (received) {
            received.addLast(call);
            while (received.size() > MAX_RECEIVED) {
                received.removeFirst();
            }
        }
    }

    private static void requireStatus(int status) {
        if (status < 200 || status > 599) {
            throw new IllegalArgumentException("status must be 200..599: " + status);
        }
    }

    /** For logs: at most 100 characters, control characters as spaces, "-" for null. */
    private static String shorten(String value) {
        if (value == null) {
            return "-";
        }
        String cut = value.length() > 100 ? value.substring(0, 100) + "…" : value;
        StringBuilder out = new StringBuilder(cut.length());
        cut.codePoints().forEach(c -> out.appendCodePoint(Character.isISOControl(c) ? ' ' : c));
        return out.toString();
    }

    private static void drain(InputStream in) throws IOException {
        in.readNBytes(MAX_BODY_BYTES);
    }
}
