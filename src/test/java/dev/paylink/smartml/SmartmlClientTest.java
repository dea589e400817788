package dev.paylink.smartml;

import static dev.paylink.smartml.Answers.action;
import static dev.paylink.smartml.Answers.answer;
import static dev.paylink.smartml.Answers.error;
import static dev.paylink.smartml.Answers.success;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.paylink.smartml.ActionOutcome.Created;
import dev.paylink.smartml.ActionOutcome.Held;
import dev.paylink.smartml.ActionOutcome.HoldReason;
import dev.paylink.smartml.ActionOutcome.Rejected;
import dev.paylink.smartml.ActionOutcome.Uncertain;
import dev.paylink.support.LogCapture;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The client against a real HTTP server on 127.0.0.1. */
class SmartmlClientTest {

    private static final String TOKEN = "testtoken";
    private static final String SECRET = "testsecret";
    private static final long T0 = 1_700_000_000L;
    private static final String HMAC_T0 = "b7ev5yaQXYlZ9JVFSVLGg0reUxHtjkqTKCSVeNrJdSY=";
    private static final Duration BACKOFF = Duration.ofMillis(250);
    private static final String SEED_URL =
            "https://beta.smart.onoffice.de/smart/short.php?c=1c138688f89e2d24d363ed7efec5a62797f5415671ddb358bd847486126ee4da";

    private final SmartmlCredentials credentials = new SmartmlCredentials(TOKEN, SECRET);
    private final List<Duration> waits = new CopyOnWriteArrayList<>();
    private final List<AutoCloseable> closeLater = new ArrayList<>();
    private StubOnOffice stub;

    @BeforeEach
    void startStub() throws IOException {
        stub = StubOnOffice.start();
        closeLater.add(stub);
    }

    @AfterEach
    void stopServers() throws Exception {
        for (AutoCloseable closeable : closeLater) {
            closeable.close();
        }
    }

    // --- the request -------------------------------------------------------------------------------------------

    @Test
    void sendsTheDocumentedEnvelopeByteForByte() throws Exception {
        stub.answer(200, StubOnOffice.resource("seed-response.json"));

        client(fixedClock()).send(List.of(action("L-1")));

        assertThat(stub.requests()).hasSize(1);
        StubOnOffice.Received request = stub.requests().get(0);
        String expected = "{\"token\":\"testtoken\",\"request\":{\"actions\":[{"
                + "\"actionid\":\"urn:onoffice-de-ns:smart:2.5:smartml:action:do\","
                + "\"resourceid\":\"\","
                + "\"resourcetype\":\"subsequentPaymentLink\","
                + "\"identifier\":\"L-1\","
                + "\"timestamp\":1700000000,"
                + "\"hmac\":\"" + HMAC_T0 + "\","
                + "\"hmac_version\":2,"
                + "\"parameters\":{\"description\":\"Nachzahlung 3D-Rundgang\",\"priceNet\":\"1100.50\","
                + "\"sendMailToCustomer\":true,\"transactionid\":\"1100135697\"}}]}}";
        assertThat(request.json()).isEqualTo(Answers.MAPPER.readTree(expected));
        assertThat(request.text()).isEqualTo(expected);

        JsonNode sent = request.json().path("request").path("actions").get(0);
        assertThat(sent.path("parameters").path("priceNet").isTextual()).isTrue();
        assertThat(sent.path("parameters").path("sendMailToCustomer").isBoolean()).isTrue();
        assertThat(sent.path("parameters").path("transactionid").isTextual()).isTrue();
        assertThat(sent.path("resourceid").isTextual()).isTrue();
        assertThat(sent.path("timestamp").isIntegralNumber()).isTrue();

        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.path()).isEqualTo(StubOnOffice.PATH);
        assertThat(request.headers().getFirst("Content-Type")).isEqualTo("application/json; charset=UTF-8");
        assertThat(request.headers().getFirst("Accept")).isEqualTo("application/json");
        assertThat(request.headers().getFirst("Accept-Encoding")).isEqualTo("gzip");
        assertThat(request.headers().getFirst("User-Agent")).isEqualTo("paylink-routes");
    }

    @Test
    void sendsUtf8TextAsIsAndFalseAsBoolean() {
        stub.answer(200, answer(success("L-1", SEED_URL, false)));
        SmartmlAction umlauts = new SmartmlAction("L-1",
                new PaymentLinkRequest("42", new BigDecimal("0.50"), "Größe „Süd“ – 3D", false));

        List<ActionOutcome> outcomes = client(fixedClock()).send(List.of(umlauts));

        assertThat(outcomes).containsExactly(new Created("L-1", SEED_URL, false));
        byte[] body = stub.requests().get(0).body();
        assertThat(new String(body, StandardCharsets.UTF_8))
                .contains("\"parameters\":{\"description\":\"Größe „Süd“ – 3D\",\"priceNet\":\"0.50\","
                        + "\"sendMailToCustomer\":false,\"transactionid\":\"42\"}");
    }

    @Test
    void readsTheClockOncePerActionAndSignsThatVeryValue() {
        stub.answer(200, answer(success("L-1", SEED_URL + "1", true), success("L-2", SEED_URL + "2", true)));
        SteppingClock clock = new SteppingClock(T0);

        List<ActionOutcome> outcomes = client(clock).send(List.of(action("L-1"), action("L-2")));

        assertThat(outcomes).containsExactly(new Created("L-1", SEED_URL + "1", true), new Created("L-2", SEED_URL + "2", true));
        assertThat(clock.reads.get()).isEqualTo(2);
        JsonNode actions = stub.requests().get(0).json().path("request").path("actions");
        long first = actions.get(0).path("timestamp").asLong();
        long second = actions.get(1).path("timestamp").asLong();
        assertThat(first).isEqualTo(T0);
        assertThat(second).isEqualTo(T0 + 1);
        assertThat(actions.get(0).path("hmac").asText()).isEqualTo(HMAC_T0).isNotEqualTo(actions.get(1).path("hmac").asText());
        for (JsonNode sent : actions) {
            assertThat(sent.path("hmac").asText()).isEqualTo(expectedHmac(sent.path("timestamp").asLong()));
        }
    }

    // --- answers -----------------------------------------------------------------------------------------------

    @Test
    void seedAnswerIsCreatedWithTheUnescapedUrl() {
        stub.answer(200, StubOnOffice.resource("seed-response.json"));

        List<ActionOutcome> outcomes = client(fixedClock()).send(List.of(action("L-1")));

        assertThat(outcomes).containsExactly(new Created("L-1", SEED_URL, true));
    }

    @Test
    void mixedBatchIsClassifiedPerAction() {
        stub.answer(200, answer(97, 97, "error in action",
                success("", SEED_URL, true),
                error("", 189, "transaction not found"),
                error("", 214, "invalid price format")));

        List<ActionOutcome> outcomes = client(fixedClock()).send(List.of(action("A"), action("B"), action("C")));

        assertThat(outcomes).containsExactly(
                new Created("A", SEED_URL, true),
                new Rejected("B", 189, "transaction not found"),
                new Rejected("C", 214, "invalid price format"));
    }

    @Test
    void topLevel400WithCredentialsErrorHoldsEveryAction() {
        stub.answer(200, Answers.topOnly(400, 13, "Login failed"));

        List<ActionOutcome> outcomes = client(fixedClock()).send(List.of(action("A"), action("B")));

        assertThat(outcomes).hasSize(2).allSatisfy(outcome -> {
            assertThat(outcome).isInstanceOf(Held.class);
            Held held = (Held) outcome;
            assertThat(held.reason()).isEqualTo(HoldReason.CREDENTIALS);
            assertThat(held.errorCode()).isEqualTo(13);
            assertThat(held.message()).contains("Login failed");
        });
        assertThat(outcomes).extracting(ActionOutcome::identifier).containsExactly("A", "B");
    }

    @Test
    void topLevelClockErrorHoldsEveryActionForTheClock() {
        stub.answer(200, Answers.topOnly(400, 136, "timestamp too old"));

        List<ActionOutcome> outcomes = client(fixedClock()).send(List.of(action("A")));

        assertThat(outcomes).singleElement().isEqualTo(
                new Held("A", HoldReason.CLOCK, 136, "timestamp too old (HTTP 200, status.code 400, errorcode 136)"));
    }

    @ParameterizedTest(name = "action errorcode {0} -> {1}")
    @CsvSource({
            "137, HELD_CREDENTIALS",
            "13, HELD_CREDENTIALS",
            "136, HELD_CLOCK",
            "5, HELD_ENVELOPE",
            "167, REJECTED",
            "255, REJECTED",
            "1, UNCERTAIN",
            "211, UNCERTAIN",
            "500, UNCERTAIN",
            "9999, UNCERTAIN",
    })
    void perActionErrorCodesAreClassified(int code, String expected) {
        stub.answer(200, answer(97, 97, "error in action", error("L-1", code, "message " + code)));

        ActionOutcome outcome = client(fixedClock()).send(List.of(action("L-1"))).get(0);

        ActionOutcome want = switch (expected) {
            case "HELD_CREDENTIALS" -> new Held("L-1", HoldReason.CREDENTIALS, code, "message " + code);
            case "HELD_CLOCK" -> new Held("L-1", HoldReason.CLOCK, code, "message " + code);
            case "HELD_ENVELOPE" -> new Held("L-1", HoldReason.ENVELOPE, code, "message " + code);
            case "REJECTED" -> new Rejected("L-1", code, "message " + code);
            default -> new Uncertain("L-1", code, "message " + code);
        };
        assertThat(outcome).isEqualTo(want);
    }

    @Test
    void unknownErrorCodeOneIsUncertainWithItsCode() {
        stub.answer(200, answer(200, 0, "OK", error("", 1, "Unknown error")));

        assertThat(client(fixedClock()).send(List.of(action("L-1"))))
                .containsExactly(new Uncertain("L-1", 1, "Unknown error"));
    }

    @Test
    void missingResultLeavesBothActionsUncertain() {
        stub.answer(200, answer(success("", SEED_URL, true)));

        List<ActionOutcome> outcomes = client(fixedClock()).send(List.of(action("A"), action("B")));

        assertThat(outcomes).containsExactly(
                new Uncertain("A", null, "answer has 1 result for 2 actions"),
                new Uncertain("B", null, "answer has 1 result for 2 actions"));
    }

    @Test
    void reorderedResultsAreMatchedByEchoedIdentifier() {
        stub.answer(200, answer(
                error("C", 189, "transaction not found"),
                success("A", SEED_URL + "A", true),
                success("B", SEED_URL + "B", false)));

        List<ActionOutcome> outcomes = client(fixedClock()).send(List.of(action("A"), action("B"), action("C")));

        assertThat(outcomes).containsExactly(
                new Created("A", SEED_URL + "A", true),
                new Created("B", SEED_URL + "B", false),
                new Rejected("C", 189, "transaction not found"));
    }

    @Test
    void elementsAsAnArrayIsStillRead() {
        String json = "{\"status\":{\"code\":200,\"errorcode\":0,\"message\":\"OK\"},\"response\":{\"results\":[{"
                + "\"identifier\":\"\",\"data\":{\"records\":[{\"id\":0,\"elements\":[{\"result\":"
                + "{\"subsequentPaymentUrl\":\"https:\\/\\/x.example\\/p?c=1\",\"mailToCustomerSent\":false}}]}]},"
                + "\"status\":{\"errorcode\":0,\"message\":\"OK\"}}]}}";
        stub.answer(200, json);

        assertThat(client(fixedClock()).send(List.of(action("L-1"))))
                .containsExactly(new Created("L-1", "https://x.example/p?c=1", false));
    }

    @Test
    void successWithoutUrlIsUncertain() {
        stub.answer(200, "{\"status\":{\"code\":200,\"errorcode\":0},\"response\":{\"results\":[{\"identifier\":\"\","
                + "\"data\":{\"records\":[]},\"status\":{\"errorcode\":0,\"message\":\"OK\"}}]}}");

        assertThat(client(fixedClock()).send(List.of(action("L-1"))))
                .containsExactly(new Uncertain("L-1", null, "success without subsequentPaymentUrl"));
    }

    @Test
    void gzipAnswerIsDecoded() {
        byte[] seed = StubOnOffice.resource("seed-response.json").getBytes(StandardCharsets.UTF_8);
        stub.respondWith((exchange, request) -> {
            exchange.getResponseHeaders().set("Content-Encoding", "gzip");
            StubOnOffice.send(exchange, 200, "application/json", StubOnOffice.gzip(seed));
        });

        assertThat(client(fixedClock()).send(List.of(action("L-1"))))
                .containsExactly(new Created("L-1", SEED_URL, true));
        assertThat(stub.requests().get(0).headers().getFirst("Accept-Encoding")).isEqualTo("gzip");
    }

    @Test
    void http500WithEmptyBodyIsUncertain() {
        stub.respondWith((exchange, request) -> StubOnOffice.send(exchange, 500, null, new byte[0]));

        assertThat(client(fixedClock()).send(List.of(action("L-1"))))
                .containsExactly(new Uncertain("L-1", null, "HTTP 500 with empty body"));
        assertThat(stub.requests()).hasSize(1);
    }

    @Test
    void htmlBodyIsUncertain() {
        stub.respondWith((exchange, request) -> StubOnOffice.send(exchange, 200, "text/html",
                "<html>".getBytes(StandardCharsets.UTF_8)));

        assertThat(client(fixedClock()).send(List.of(action("L-1")))).singleElement().satisfies(outcome -> {
            assertThat(outcome).isInstanceOf(Uncertain.class);
            assertThat(((Uncertain) outcome).message()).isEqualTo("HTTP 200 with a body that is not JSON (text/html, 6 bytes: <html>)");
        });
    }

    @Test
    void redirectIsNotFollowed() {
        stub.respondWith((exchange, request) -> {
            exchange.getResponseHeaders().set("Location", "/api/latest/api.php");
            StubOnOffice.send(exchange, 302, null, new byte[0]);
        });

        assertThat(client(fixedClock()).send(List.of(action("L-1"))))
                .containsExactly(new Uncertain("L-1", null, "HTTP 302 (redirect to /api/latest/api.php, not followed) with empty body"));
        assertThat(stub.requests()).hasSize(1);
        assertThat(stub.otherPaths()).isEmpty();
    }

    // --- transport failures ------------------------------------------------------------------------------------

    @Test
    void answerAfterTheRequestTimeoutIsUncertainAndSentOnce() {
        stub.respondWith((exchange, request) -> {
            stub.release.await();
            StubOnOffice.send(exchange, 200, "application/json", new byte[] {'{', '}'});
        });
        SmartmlClient client = new SmartmlClient(settings(stub.url(), Duration.ofMillis(300)), credentials, fixedClock(), waits::add);

        List<ActionOutcome> outcomes = client.send(List.of(action("L-1"), action("L-2")));

        assertThat(outcomes).containsExactly(
                new Uncertain("L-1", null, "no answer within 300ms (read timeout); the link may exist"),
                new Uncertain("L-2", null, "no answer within 300ms (read timeout); the link may exist"));
        assertThat(waits).isEmpty();
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> stub.requests().size() == 1);
    }

    @Test
    void answerStalledAfterItsHeadersIsUncertain() {
        // the JDK's own request timeout stops once the headers are in; the client's deadline covers the body
        stub.respondWith((exchange, request) -> {
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, 0);
            OutputStream body = exchange.getResponseBody();
            body.write("{\"status\":".getBytes(StandardCharsets.UTF_8));
            body.flush();
            stub.release.await();
        });
        OnOfficeSettings settings = new OnOfficeSettings(stub.url(), Duration.ofMillis(200), Duration.ofSeconds(1), 3, BACKOFF);

        List<ActionOutcome> outcomes = new SmartmlClient(settings, credentials, fixedClock(), waits::add).send(List.of(action("L-1")));

        assertThat(outcomes).containsExactly(new Uncertain("L-1", null,
                "no complete answer within 1200ms (answer started but did not finish); the link may exist"));
        assertThat(stub.requests()).hasSize(1);
    }

    @Test
    void connectionClosedAfterTheRequestIsUncertainAndNotResent() throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            AtomicInteger accepted = new AtomicInteger();
            ExecutorService acceptor = Executors.newSingleThreadExecutor();
            closeLater.add(acceptor::shutdownNow);
            acceptor.submit(() -> {
                while (!listener.isClosed()) {
                    try (Socket socket = listener.accept()) {
                        accepted.incrementAndGet();
                        readRequest(socket.getInputStream());
                    } // closed without a byte of answer
                }
                return null;
            });
            URI url = URI.create("http://127.0.0.1:" + listener.getLocalPort() + StubOnOffice.PATH);

            List<ActionOutcome> outcomes = new SmartmlClient(settings(url, Duration.ofSeconds(5)), credentials, fixedClock(), waits::add)
                    .send(List.of(action("L-1")));

            assertThat(outcomes).singleElement().satisfies(outcome -> {
                assertThat(outcome).isInstanceOf(Uncertain.class);
                assertThat(((Uncertain) outcome).message()).startsWith("the exchange failed after connecting (")
                        .endsWith("); the request may have reached onOffice, the link may exist");
            });
            assertThat(waits).isEmpty();
            await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> accepted.get() == 1);
        }
    }

    @Test
    void refusedConnectionIsHeldUnreachableAfterEveryAttempt() throws IOException {
        int port = freePort();
        URI url = URI.create("http://127.0.0.1:" + port + StubOnOffice.PATH);

        List<ActionOutcome> outcomes = new SmartmlClient(settings(url, Duration.ofSeconds(5)), credentials, fixedClock(), waits::add)
                .send(List.of(action("A"), action("B")));

        assertThat(waits).containsExactly(BACKOFF, BACKOFF.multipliedBy(2));
        assertThat(outcomes).hasSize(2).allSatisfy(outcome -> {
            assertThat(outcome).isInstanceOf(Held.class);
            Held held = (Held) outcome;
            assertThat(held.reason()).isEqualTo(HoldReason.UNREACHABLE);
            assertThat(held.errorCode()).isNull();
            assertThat(held.message()).startsWith("could not connect to 127.0.0.1:" + port + " after 3 attempts: java.net.ConnectException");
        });
        assertThat(outcomes).extracting(ActionOutcome::identifier).containsExactly("A", "B");
    }

    @Test
    void logLinesSayInWordsWhatBecameOfABatchAndWhenItIsTriedAgain() throws IOException {
        List<String> lines;
        try (LogCapture logs = LogCapture.of(SmartmlClient.class.getName())) {
            stub.respondWith((exchange, request) -> StubOnOffice.send(exchange, 500, null, new byte[0]));
            client(fixedClock()).send(List.of(action("L-1")));
            int port = freePort();
            new SmartmlClient(settings(URI.create("http://127.0.0.1:" + port + StubOnOffice.PATH), Duration.ofSeconds(5)), credentials,
                    fixedClock(), waits::add).send(List.of(action("A")));
            lines = logs.messages().toList();
        }

        assertThat(lines).contains("smartml batch of 1 (first L-1): 1 uncertain, 0 held; first: key L-1: uncertain: HTTP 500 with empty body")
                .anyMatch(l -> l.endsWith("; next attempt in 250 ms")).anyMatch(l -> l.endsWith("; next attempt in 500 ms"))
                .anyMatch(l -> l.startsWith("smartml batch of 1 (first A): 0 uncertain, 1 held; first: key A: held, onOffice not reachable: "
                        + "could not connect to 127.0.0.1:"))
                .noneMatch(l -> l.contains("Uncertain[") || l.contains("Held[") || l.contains(" ms ms"));
    }

    @Test
    void connectRetriedUntilTheServerIsUpWithAFreshSignature() throws IOException {
        int port = freePort();
        URI url = URI.create("http://127.0.0.1:" + port + StubOnOffice.PATH);
        List<StubOnOffice> late = new CopyOnWriteArrayList<>();
        Sleeper bringServerUp = duration -> {
            waits.add(duration);
            if (waits.size() == 2) {
                try {
                    StubOnOffice server = StubOnOffice.startOn(port);
                    server.answer(200, StubOnOffice.resource("seed-response.json"));
                    late.add(server);
                    closeLater.add(server);
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }
        };
        SteppingClock clock = new SteppingClock(T0);

        List<ActionOutcome> outcomes = new SmartmlClient(settings(url, Duration.ofSeconds(5)), credentials, clock, bringServerUp)
                .send(List.of(action("L-1")));

        assertThat(outcomes).containsExactly(new Created("L-1", SEED_URL, true));
        assertThat(waits).containsExactly(BACKOFF, BACKOFF.multipliedBy(2));
        assertThat(clock.reads.get()).isEqualTo(3);
        assertThat(late.get(0).requests()).hasSize(1);
        JsonNode sent = late.get(0).requests().get(0).json().path("request").path("actions").get(0);
        assertThat(sent.path("timestamp").asLong()).isEqualTo(T0 + 2);
        assertThat(sent.path("hmac").asText()).isEqualTo(expectedHmac(T0 + 2)).isNotEqualTo(HMAC_T0);
    }

    @Test
    void interruptedWhileWaitingToRetryHoldsWithoutSending() throws IOException {
        int port = freePort();
        URI url = URI.create("http://127.0.0.1:" + port + StubOnOffice.PATH);
        Sleeper interrupted = duration -> {
            waits.add(duration);
            throw new InterruptedException("shutting down");
        };

        List<ActionOutcome> outcomes = new SmartmlClient(settings(url, Duration.ofSeconds(5)), credentials, fixedClock(), interrupted)
                .send(List.of(action("L-1")));

        assertThat(Thread.interrupted()).as("interrupt flag restored").isTrue();
        assertThat(waits).containsExactly(BACKOFF);
        assertThat(outcomes).containsExactly(new Held("L-1", HoldReason.UNREACHABLE, null,
                "interrupted while waiting to retry after 1 failed connect attempt(s) to 127.0.0.1:" + port + "; nothing sent"));
    }

    // --- contract and threads ----------------------------------------------------------------------------------

    @Test
    void refusesBatchesItCannotMatchAndSendsNothing() {
        SmartmlClient client = client(fixedClock());

        assertThatThrownBy(() -> client.send(List.of())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> client.send(List.of(action("A"), action("A")))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> client.send(List.of(action(" ")))).isInstanceOf(IllegalArgumentException.class);
        assertThat(stub.requests()).isEmpty();
    }

    @Test
    void servesSeveralThreadsAtOnce() throws Exception {
        stub.respondWith((exchange, request) -> {
            String identifier = request.json().path("request").path("actions").get(0).path("identifier").asText();
            StubOnOffice.send(exchange, 200, "application/json",
                    answer(success(identifier, "https://x.example/" + identifier, true)).getBytes(StandardCharsets.UTF_8));
        });
        SmartmlClient client = client(new SteppingClock(T0));
        ExecutorService callers = Executors.newFixedThreadPool(6);
        closeLater.add(callers::shutdownNow);

        List<Future<List<ActionOutcome>>> futures = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            String identifier = "L-" + i;
            futures.add(callers.submit((Callable<List<ActionOutcome>>) () -> client.send(List.of(action(identifier)))));
        }

        for (int i = 0; i < 24; i++) {
            assertThat(futures.get(i).get()).containsExactly(new Created("L-" + i, "https://x.example/L-" + i, true));
        }
        assertThat(stub.requests()).hasSize(24);
    }

    // --- helpers -----------------------------------------------------------------------------------------------

    private SmartmlClient client(Clock clock) {
        return new SmartmlClient(settings(stub.url(), Duration.ofSeconds(5)), credentials, clock, waits::add);
    }

    private static OnOfficeSettings settings(URI url, Duration requestTimeout) {
        return new OnOfficeSettings(url, Duration.ofSeconds(2), requestTimeout, 3, BACKOFF);
    }

    private static Clock fixedClock() {
        return Clock.fixed(Instant.ofEpochSecond(T0), ZoneOffset.UTC);
    }

    private static String expectedHmac(long timestamp) {
        return HmacV2.sign(SECRET, TOKEN, timestamp, "subsequentPaymentLink", "urn:onoffice-de-ns:smart:2.5:smartml:action:do");
    }

    /** A port nobody listens on: bound, then released. */
    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** Reads one HTTP/1.1 request (headers, then Content-Length bytes). */
    private static void readRequest(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int c = in.read();
            if (c < 0) {
                return;
            }
            head.append((char) c);
        }
        Matcher length = Pattern.compile("(?im)^content-length:\\s*(\\d+)").matcher(head);
        if (length.find()) {
            in.readNBytes(Integer.parseInt(length.group(1)));
        }
    }

    /** A clock that moves on one second each time it is read. */
    static final class SteppingClock extends Clock {
        private final AtomicLong next;
        final AtomicInteger reads = new AtomicInteger();

        SteppingClock(long firstSecond) {
            this.next = new AtomicLong(firstSecond);
        }

        @Override
        public Instant instant() {
            reads.incrementAndGet();
            return Instant.ofEpochSecond(next.getAndIncrement());
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }
}
