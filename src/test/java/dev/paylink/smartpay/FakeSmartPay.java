package dev.paylink.smartpay;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/** SmartPay (and its token endpoint) on 127.0.0.1, a free port, one per test. Records every request. */
public final class FakeSmartPay implements AutoCloseable {

    public static final String TOKEN_PATH = "/oauth2/token";

    /** One request as it arrived ({@code nanos}: System.nanoTime() then): the raw path keeps the percent-encoding. */
    public record Received(String method, String rawPath, Headers headers, byte[] body, long nanos) {
        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        public String header(String name) {
            return headers.getFirst(name);
        }
    }

    public record Reply(int status, Map<String, String> headers, String body) {
        public static Reply json(int status, String body) {
            return new Reply(status, Map.of("Content-Type", "application/json"), body);
        }

        public Reply with(String header, String value) {
            Map<String, String> more = new LinkedHashMap<>(headers);
            more.put(header, value);
            return new Reply(status, more, body);
        }
    }

    @FunctionalInterface
    public interface Handler {
        Reply handle(Received request) throws Exception;
    }

    /** Serves the replies in order, repeating the last one. */
    public static Handler replies(Reply... replies) {
        AtomicInteger next = new AtomicInteger();
        return request -> replies[Math.min(next.getAndIncrement(), replies.length - 1)];
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final Map<String, Handler> routes = new LinkedHashMap<>();
    private final List<Received> received = new CopyOnWriteArrayList<>();

    private FakeSmartPay() throws IOException {
        System.setProperty("sun.net.httpserver.nodelay", "true");
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(executor);
        server.createContext("/", this::dispatch);
        server.start();
    }

    public static FakeSmartPay start() throws IOException {
        return new FakeSmartPay();
    }

    /** Requests whose path starts with the prefix go to the handler (first matching prefix wins). */
    public synchronized FakeSmartPay on(String pathPrefix, Handler handler) {
        routes.put(pathPrefix, handler);
        return this;
    }

    public URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    public URI tokenUrl() {
        return URI.create(url() + TOKEN_PATH);
    }

    public List<Received> requests() {
        return List.copyOf(received);
    }

    public List<Received> requests(String pathPrefix) {
        List<Received> matching = new ArrayList<>();
        for (Received r : received) {
            if (r.rawPath().startsWith(pathPrefix)) {
                matching.add(r);
            }
        }
        return matching;
    }

    public List<Received> tokenRequests() {
        return requests(TOKEN_PATH);
    }

    public List<Received> apiRequests() {
        return received.stream().filter(r -> !r.rawPath().startsWith(TOKEN_PATH)).toList();
    }

    private void dispatch(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            Headers headers = new Headers();
            headers.putAll(exchange.getRequestHeaders());
            Received request = new Received(exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(), headers, body,
                    System.nanoTime());
            received.add(request);
            Handler handler = handlerFor(request.rawPath());
            Reply reply;
            try {
                reply = handler == null ? Reply.json(404, "{\"error\":\"no route in the fake\"}") : handler.handle(request);
            } catch (Exception e) {
                reply = Reply.json(599, "{\"error\":\"fake handler failed: " + e + "\"}");
            }
            byte[] out = reply.body() == null ? new byte[0] : reply.body().getBytes(StandardCharsets.UTF_8);
            reply.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
            exchange.sendResponseHeaders(reply.status(), out.length == 0 ? -1 : out.length);
            if (out.length > 0) {
                try (OutputStream os = exchange.getResponseBody()) {
                    os.write(out);
                }
            }
        } catch (IOException e) {
            // the client gave up (read timeout): nothing to answer
        }
    }

    private synchronized Handler handlerFor(String path) {
        for (Map.Entry<String, Handler> route : routes.entrySet()) {
            if (path.startsWith(route.getKey())) {
                return route.getValue();
            }
        }
        return null;
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    static String resource(String name) {
        try (InputStream in = FakeSmartPay.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("no test resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
