package dev.paylink.smartml;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.zip.GZIPOutputStream;

/** A stand-in for onOffice's api.php on 127.0.0.1, recording every request it gets. */
public final class StubOnOffice implements AutoCloseable {

    public static final String PATH = "/api/stable/api.php";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** One request as the server saw it. */
    public record Received(String method, String path, Headers headers, byte[] body) {

        public JsonNode json() {
            try {
                return MAPPER.readTree(body);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    @FunctionalInterface
    public interface Responder {
        void respond(HttpExchange exchange, Received request) throws Exception;
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final List<String> otherPaths = new CopyOnWriteArrayList<>();
    /** Handlers that must hang wait on this; {@link #close()} releases it. */
    public final CountDownLatch release = new CountDownLatch(1);
    private volatile Responder responder = (exchange, request) -> send(exchange, 500, null, new byte[0]);

    private StubOnOffice(int port) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
        server.setExecutor(executor);
        server.createContext("/", exchange -> {
            try (exchange) {
                byte[] body = exchange.getRequestBody().readAllBytes();
                String path = exchange.getRequestURI().getPath();
                if (!PATH.equals(path)) {
                    otherPaths.add(path);
                    send(exchange, 404, null, new byte[0]);
                    return;
                }
                Received request = new Received(exchange.getRequestMethod(), path, exchange.getRequestHeaders(), body);
                received.add(request);
                responder.respond(exchange, request);
            } catch (Exception e) {
                // the client gave up (timeout test) or the stub is closing: nothing to report
            }
        });
        server.start();
    }

    public static StubOnOffice start() throws IOException {
        return new StubOnOffice(0);
    }

    public static StubOnOffice startOn(int port) throws IOException {
        return new StubOnOffice(port);
    }

    public URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + PATH);
    }

    public List<Received> requests() {
        return List.copyOf(received);
    }

    public List<String> otherPaths() {
        return List.copyOf(otherPaths);
    }

    public void respondWith(Responder responder) {
        this.responder = responder;
    }

    /** Answers every request with this status and JSON text. */
    public void answer(int status, String json) {
        respondWith((exchange, request) -> send(exchange, status, "application/json; charset=UTF-8",
                json.getBytes(StandardCharsets.UTF_8)));
    }

    public static void send(HttpExchange exchange, int status, String contentType, byte[] body) throws IOException {
        if (contentType != null) {
            exchange.getResponseHeaders().set("Content-Type", contentType);
        }
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    public static byte[] gzip(byte[] plain) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(bytes)) {
            out.write(plain);
        }
        return bytes.toByteArray();
    }

    public static String resource(String name) {
        try (InputStream in = StubOnOffice.class.getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        release.countDown();
        server.stop(0);
        executor.shutdownNow();
    }
}
