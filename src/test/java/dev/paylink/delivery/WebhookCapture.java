package dev.paylink.delivery;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A loopback HTTP server for the webhook tests: records every request byte for byte and answers what the test says.
 * {@link #hang()} makes it hold every answer until {@link #close()}; {@link #answerAfter} makes it slow;
 * {@link #verifying} makes it a receiver that knows one secret and answers 401 to a call it cannot verify.
 */
final class WebhookCapture implements AutoCloseable {

    /** One request as it arrived, and when (the system clock, when the handler took it). */
    record Request(String method, URI uri, Headers headers, byte[] body, java.time.Instant at) {

        String header(String name) {
            return headers.getFirst(name);
        }

        String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    /** What to answer: status, extra headers, body (may be empty). */
    record Answer(int status, Map<String, String> headers, String body) {

        static Answer of(int status) {
            return new Answer(status, Map.of(), "");
        }

        static Answer of(int status, String body) {
            return new Answer(status, Map.of(), body);
        }

        Answer with(String name, String value) {
            Map<String, String> more = new java.util.LinkedHashMap<>(headers);
            more.put(name, value);
            return new Answer(status, more, body);
        }
    }

    private final HttpServer server;
    private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "webhook-capture");
        t.setDaemon(true);
        return t;
    });
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final CountDownLatch released = new CountDownLatch(1);
    private volatile Answer answer = Answer.of(204);
    private volatile boolean hang;
    private volatile long delayMillis;
    private volatile String secret;

    WebhookCapture() throws IOException {
        System.setProperty("sun.net.httpserver.nodelay", "true");
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.createContext("/", exchange -> {
            try (exchange) {
                byte[] body = exchange.getRequestBody().readAllBytes();
                Headers copy = new Headers();
                copy.putAll(exchange.getRequestHeaders());
                requests.add(new Request(exchange.getRequestMethod(), exchange.getRequestURI(), copy, body, java.time.Instant.now()));
                if (hang) {
                    released.await(30, TimeUnit.SECONDS);
                    return;
                }
                if (delayMillis > 0 && released.await(delayMillis, TimeUnit.MILLISECONDS)) {
                    return;
                }
                Answer a = answer;
                String known = secret;
                if (known != null && !WebhookSignature.verify(copy.getFirst(WebhookOutput.HEADER_SIGNATURE), new String(body, StandardCharsets.UTF_8),
                        known, java.time.Duration.ofMinutes(5), java.time.Instant.now())) {
                    a = Answer.of(401, "signature does not verify");
                }
                a.headers().forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
                byte[] out = a.body().getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(a.status(), out.length == 0 ? -1 : out.length);
                if (out.length > 0) {
                    exchange.getResponseBody().write(out);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        server.setExecutor(pool);
        server.start();
    }

    /** {@code http://127.0.0.1:PORT<pathAndQuery>}. */
    String url(String pathAndQuery) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + pathAndQuery;
    }

    WebhookCapture answer(Answer next) {
        this.answer = next;
        return this;
    }

    /** Every answer comes this late (a slow receiver); {@link #close()} cuts the wait short. */
    WebhookCapture answerAfter(java.time.Duration delay) {
        this.delayMillis = delay.toMillis();
        return this;
    }

    /** A receiver that knows only {@code secret} (system clock, 5 minutes tolerance): 401 for a call it cannot verify. */
    WebhookCapture verifying(String secret) {
        this.secret = secret;
        return this;
    }

    WebhookCapture hang() {
        this.hang = true;
        return this;
    }

    /** Forgets what was received so far. */
    void clear() {
        requests.clear();
    }

    List<Request> requests() {
        return List.copyOf(requests);
    }

    Request only() {
        if (requests.size() != 1) {
            throw new AssertionError("expected exactly one request, got " + requests.size());
        }
        return requests.get(0);
    }

    @Override
    public void close() {
        released.countDown();
        server.stop(0);
        pool.shutdownNow();
    }
}
