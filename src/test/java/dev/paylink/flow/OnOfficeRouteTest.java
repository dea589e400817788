package dev.paylink.flow;

import static dev.paylink.smartml.Answers.answer;
import static dev.paylink.smartml.Answers.error;
import static dev.paylink.smartml.Answers.success;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.paylink.ledger.LedgerEntry;
import dev.paylink.ledger.ResultLine;
import dev.paylink.smartml.Answers;
import dev.paylink.smartml.HmacV2;
import dev.paylink.smartml.SmartmlCredentials;
import dev.paylink.smartml.StubOnOffice;
import dev.paylink.support.LogCapture;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.camel.Exchange;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.builder.NotifyBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every failure path of the onOffice POST, through the real route (routes/onoffice.camel.yaml) against a server on
 * 127.0.0.1: what the ledger says afterwards, how many requests arrived, and whether sending paused.
 */
class OnOfficeRouteTest {

    private static final String SEED_URL =
            "https://beta.smart.onoffice.de/smart/short.php?c=1c138688f89e2d24d363ed7efec5a62797f5415671ddb358bd847486126ee4da";

    private final List<AutoCloseable> closeLater = new ArrayList<>();
    private StubOnOffice stub;

    @BeforeEach
    void startStub() throws IOException {
        stub = StubOnOffice.start();
        closeLater.add(stub);
    }

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : closeLater) {
            c.close();
        }
    }

    private OnOfficeRoute route(URI url) throws Exception {
        return route(url, Map.of());
    }

    private OnOfficeRoute route(URI url, Map<String, String> settings) throws Exception {
        OnOfficeRoute route = OnOfficeRoute.start(url, Clock.systemUTC(), settings);
        closeLater.add(0, route);
        return route;
    }

    // --- answered ----------------------------------------------------------------------------------------------

    @Test
    void aBatchIsPostedSignedAsJsonWithoutCamelHeadersAndItsLinksRecorded() throws Exception {
        stub.answer(200, answer(success("k1", SEED_URL + "1", true), success("k2", SEED_URL + "2", false)));
        OnOfficeRoute route = route(stub.url());

        Exchange done = route.send(route.claim(2));

        assertThat(done.getException()).isNull();
        assertThat(route.entry("k1")).extracting(ResultLine::status, ResultLine::subsequentPaymentUrl).containsExactly("CREATED", SEED_URL + "1");
        assertThat(route.entry("k2")).extracting(ResultLine::status, ResultLine::subsequentPaymentUrl).containsExactly("CREATED", SEED_URL + "2");
        assertThat(stub.requests()).hasSize(1);
        StubOnOffice.Received request = stub.requests().get(0);
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.path()).isEqualTo(StubOnOffice.PATH);
        assertThat(request.headers().getFirst("Content-Type")).isEqualTo("application/json; charset=UTF-8");
        assertThat(request.headers().getFirst("Accept")).isEqualTo("application/json");
        assertThat(request.headers().getFirst("Accept-Encoding")).contains("gzip");
        assertThat(request.headers().getFirst("User-Agent")).isEqualTo("paylink-routes");
        assertThat(request.headers().keySet()).noneMatch(h -> h.toLowerCase().startsWith("camel") || h.toLowerCase().startsWith("paylink"));
        JsonNode actions = request.json().path("request").path("actions");
        assertThat(request.json().path("token").asText()).isEqualTo(OnOfficeRoute.TOKEN);
        for (JsonNode action : actions) {
            assertThat(action.path("hmac").asText()).isEqualTo(hmac(action.path("timestamp").asLong()));
        }
        assertThat(route.gate.paused()).isFalse();
    }

    @Test
    void aGzipAnswerIsRead() throws Exception {
        byte[] seed = StubOnOffice.resource("seed-response.json").getBytes(StandardCharsets.UTF_8);
        stub.respondWith((exchange, request) -> {
            exchange.getResponseHeaders().set("Content-Encoding", "gzip");
            StubOnOffice.send(exchange, 200, "application/json", StubOnOffice.gzip(seed));
        });
        OnOfficeRoute route = route(stub.url());

        route.send(route.claim(1));

        assertThat(route.entry("k1")).extracting(ResultLine::status, ResultLine::subsequentPaymentUrl).containsExactly("CREATED", SEED_URL);
    }

    @Test
    void perActionRejectionsAreFinalAndDoNotPause() throws Exception {
        stub.answer(200, answer(97, 97, "error in action", success("", SEED_URL, true), error("", 189, "transaction not found")));
        OnOfficeRoute route = route(stub.url());

        route.send(route.claim(2));

        assertThat(route.entry("k1").status()).isEqualTo("CREATED");
        assertThat(route.entry("k2")).extracting(ResultLine::status, ResultLine::errorCode).containsExactly("REJECTED", 189);
        assertThat(route.gate.paused()).isFalse();
    }

    @Test
    void refusedCredentialsHoldTheRowsAndPauseForAPerson() throws Exception {
        stub.answer(200, Answers.topOnly(400, 13, "Login failed"));
        OnOfficeRoute route = route(stub.url());

        route.send(route.claim(2));

        assertThat(route.entry("k1").status()).isEqualTo("RECEIVED");
        assertThat(route.entry("k2").status()).isEqualTo("RECEIVED");
        assertThat(route.gate.paused()).isTrue();
        assertThat(route.gate.readProbeFirst()).as("a credentials pause is not an outage").isFalse();
        assertThat(stub.requests()).hasSize(1);
    }

    @Test
    void aRefusedTimestampHoldsTheRowsAndPauses() throws Exception {
        stub.answer(200, Answers.topOnly(400, 136, "timestamp too old"));
        OnOfficeRoute route = route(stub.url());

        route.send(route.claim(1));

        assertThat(route.entry("k1").status()).isEqualTo("RECEIVED");
        assertThat(route.gate.paused()).isTrue();
    }

    @Test
    void http500WithAnEmptyBodyIsUncertainAndPausesForAnOutage() throws Exception {
        stub.respondWith((exchange, request) -> StubOnOffice.send(exchange, 500, null, new byte[0]));
        OnOfficeRoute route = route(stub.url());

        route.send(route.claim(2));

        assertThat(route.entry("k1")).extracting(ResultLine::status, ResultLine::message).containsExactly("UNCERTAIN", "HTTP 500 with empty body");
        assertThat(route.entry("k2").status()).isEqualTo("UNCERTAIN");
        assertThat(route.gate.paused()).isTrue();
        assertThat(route.gate.readProbeFirst()).isTrue();
        assertThat(stub.requests()).hasSize(1);
    }

    @Test
    void aNonJsonAnswerIsUncertainAndPauses() throws Exception {
        stub.respondWith((exchange, request) -> StubOnOffice.send(exchange, 200, "text/html", "<html>".getBytes(StandardCharsets.UTF_8)));
        OnOfficeRoute route = route(stub.url());

        route.send(route.claim(1));

        assertThat(route.entry("k1")).extracting(ResultLine::status, ResultLine::message)
                .containsExactly("UNCERTAIN", "HTTP 200 with a body that is not JSON (text/html, 6 bytes: <html>)");
        assertThat(route.gate.paused()).isTrue();
    }

    @Test
    void aShortAnswerLeavesTheUnansweredRowUncertainAndPauses() throws Exception {
        stub.answer(200, answer(success("", SEED_URL, true)));
        OnOfficeRoute route = route(stub.url());

        route.send(route.claim(2));

        assertThat(route.entry("k1")).extracting(ResultLine::status, ResultLine::message).containsExactly("UNCERTAIN", "answer has 1 result for 2 actions");
        assertThat(route.entry("k2").status()).isEqualTo("UNCERTAIN");
        assertThat(route.gate.paused()).isTrue();
    }

    @Test
    void aRedirectIsNotFollowed() throws Exception {
        stub.respondWith((exchange, request) -> {
            exchange.getResponseHeaders().set("Location", "/api/latest/api.php");
            StubOnOffice.send(exchange, 302, null, new byte[0]);
        });
        OnOfficeRoute route = route(stub.url());

        route.send(route.claim(1));

        assertThat(route.entry("k1")).extracting(ResultLine::status, ResultLine::message)
                .containsExactly("UNCERTAIN", "HTTP 302 (redirect to /api/latest/api.php, not followed) with empty body");
        assertThat(stub.requests()).hasSize(1);
        assertThat(stub.otherPaths()).isEmpty();
    }

    // --- may have left: never sent again -----------------------------------------------------------------------

    @Test
    void http503IsUncertainAndTheHttpClientNeverReplaysThePost() throws Exception {
        // HttpClient 5's default retry strategy re-sends any request once after a 503 (Retry-After honoured): not ours.
        stub.respondWith((exchange, request) -> {
            exchange.getResponseHeaders().set("Retry-After", "0");
            StubOnOffice.send(exchange, 503, null, new byte[0]);
        });
        OnOfficeRoute route = route(stub.url());

        route.send(route.claim(1));

        assertThat(route.entry("k1")).extracting(ResultLine::status, ResultLine::message).containsExactly("UNCERTAIN", "HTTP 503 with empty body");
        await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(3)).until(() -> stub.requests().size() == 1);
        assertThat(route.gate.paused()).isTrue();
    }

    @Test
    void noAnswerWithinTheRequestTimeoutIsUncertainAndSentOnce() throws Exception {
        stub.respondWith((exchange, request) -> {
            stub.release.await();
            StubOnOffice.send(exchange, 200, "application/json", new byte[] {'{', '}'});
        });
        OnOfficeRoute route = route(stub.url(), Map.of("paylink.onoffice.request-timeout", "300"));

        route.send(route.claim(2));

        assertThat(route.entry("k1")).extracting(ResultLine::status, ResultLine::message)
                .containsExactly("UNCERTAIN", "no answer within 300ms (read timeout); the link may exist");
        assertThat(route.entry("k2").status()).isEqualTo("UNCERTAIN");
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> stub.requests().size() == 1);
        assertThat(route.gate.paused()).isTrue();
    }

    @Test
    void anAnswerStalledAfterItsHeadersIsUncertain() throws Exception {
        stub.respondWith((exchange, request) -> {
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, 0);
            OutputStream body = exchange.getResponseBody();
            body.write("{\"status\":".getBytes(StandardCharsets.UTF_8));
            body.flush();
            stub.release.await();
        });
        OnOfficeRoute route = route(stub.url(), Map.of("paylink.onoffice.request-timeout", "500"));

        route.send(route.claim(1));

        assertThat(route.entry("k1").status()).isEqualTo("UNCERTAIN");
        assertThat(route.entry("k1").message()).endsWith("the link may exist");
        assertThat(stub.requests()).hasSize(1);
        assertThat(route.gate.paused()).isTrue();
    }

    @Test
    void aConnectionClosedAfterTheRequestWasReadIsUncertainAndExactlyOneRequestArrives() throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            AtomicInteger requests = new AtomicInteger();
            ExecutorService acceptor = Executors.newSingleThreadExecutor();
            closeLater.add(acceptor::shutdownNow);
            acceptor.submit(() -> {
                while (!listener.isClosed()) {
                    try (Socket socket = listener.accept()) {
                        if (readRequest(socket.getInputStream())) {
                            requests.incrementAndGet();
                        }
                    } // closed without a byte of answer
                }
                return null;
            });
            OnOfficeRoute route = route(URI.create("http://127.0.0.1:" + listener.getLocalPort() + StubOnOffice.PATH));

            route.send(route.claim(2));

            assertThat(route.entry("k1").status()).isEqualTo("UNCERTAIN");
            assertThat(route.entry("k1").message()).startsWith("the exchange failed after connecting (").endsWith("the link may exist");
            assertThat(route.entry("k2").status()).isEqualTo("UNCERTAIN");
            await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(3)).until(() -> requests.get() == 1);
            assertThat(route.gate.paused()).isTrue();
        }
    }

    // --- never left: sent again, re-signed ---------------------------------------------------------------------

    @Test
    void aRefusedConnectionIsTriedAgainReSignedThenTheRowsAreHeldAndSendingPauses() throws Exception {
        int port = freePort();
        OnOfficeRoute route = route(URI.create("http://127.0.0.1:" + port + StubOnOffice.PATH));
        List<Object> bodies = new CopyOnWriteArrayList<>();
        // Camel redelivers only the failed step: the POST; the intercept sees every attempt's body.
        AdviceWith.adviceWith(route.camel, "onoffice-batch",
                a -> a.interceptSendToEndpoint("http*").process(ex -> bodies.add(ex.getIn().getBody())));
        List<String> lines;
        long started = System.nanoTime();
        try (LogCapture logs = LogCapture.of(BatchSender.class.getName())) {
            route.send(route.claim(2));
            lines = logs.messages().toList();
        }

        assertThat(Duration.ofNanos(System.nanoTime() - started)).as("backoff 100 ms, then 200 ms").isGreaterThanOrEqualTo(Duration.ofMillis(300));
        assertThat(bodies).hasSize(3);
        assertThat(bodies.get(0)).isNotSameAs(bodies.get(1));
        assertThat(bodies.get(1)).isNotSameAs(bodies.get(2));
        assertThat(route.entry("k1")).extracting(ResultLine::status).isEqualTo("RECEIVED");
        assertThat(route.entry("k2")).extracting(ResultLine::status).isEqualTo("RECEIVED");
        assertThat(route.gate.paused()).isTrue();
        assertThat(route.gate.readProbeFirst()).isTrue();
        assertThat(route.entry("k1").message()).startsWith("held back (UNREACHABLE): could not connect to 127.0.0.1:" + port + " after 3 attempts: ");
        assertThat(lines).anyMatch(l -> l.startsWith("onOffice at 127.0.0.1:" + port + " not reachable (token " + SmartmlCredentials.mask(OnOfficeRoute.TOKEN) + "): ")
                && l.endsWith("(attempt 1 of 3 failed); trying again, re-signed"))
                .anyMatch(l -> l.endsWith("(attempt 2 of 3 failed); trying again, re-signed"));
    }

    @Test
    void aConnectRetriedUntilTheServerIsUpSendsOnceWithAFreshSignature() throws Exception {
        int port = freePort();
        OnOfficeRoute route = route(URI.create("http://127.0.0.1:" + port + StubOnOffice.PATH));
        List<StubOnOffice> late = new CopyOnWriteArrayList<>();
        AtomicInteger attempts = new AtomicInteger();
        AdviceWith.adviceWith(route.camel, "onoffice-batch", a -> a.interceptSendToEndpoint("http*").process(ex -> {
            if (attempts.incrementAndGet() == 3) {
                StubOnOffice server = StubOnOffice.startOn(port);
                server.answer(200, StubOnOffice.resource("seed-response.json"));
                late.add(server);
                closeLater.add(server);
            }
        }));

        route.send(route.claim(1));

        assertThat(attempts).hasValue(3);
        assertThat(late.get(0).requests()).hasSize(1);
        assertThat(route.entry("k1").status()).isEqualTo("CREATED");
        JsonNode sent = late.get(0).requests().get(0).json().path("request").path("actions").get(0);
        assertThat(sent.path("hmac").asText()).isEqualTo(hmac(sent.path("timestamp").asLong()));
        assertThat(route.gate.paused()).isFalse();
    }

    // --- our own failures --------------------------------------------------------------------------------------

    @Test
    void aBugAfterTheAnswerLeavesTheRowsUncertainNeverResent() throws Exception {
        stub.answer(200, answer(success("k1", SEED_URL, true)));
        OnOfficeRoute route = route(stub.url());
        AdviceWith.adviceWith(route.camel, "onoffice-batch", a -> a.weaveById("record-answer").replace().process(ex -> {
            throw new IllegalStateException("a bug");
        }));
        NotifyBuilder done = new NotifyBuilder(route.camel).fromRoute("onoffice-batch").whenDone(1).create();

        route.send(route.claim(1));

        assertThat(done.matches(5, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(route.entry("k1").status()).isEqualTo("UNCERTAIN");
        assertThat(stub.requests()).hasSize(1);
    }

    @Test
    void aLedgerConnectionFailureAfterTheAnswerIsNotTakenForARequestThatNeverLeft() throws Exception {
        // The answer is in, but recording it fails with a connection refused from the database (its cause chain holds a
        // java.net.ConnectException, as a PostgreSQL driver's does). That must not read as "the POST never left": no
        // redelivery, no RECEIVED, nothing sent again.
        stub.answer(200, answer(success("k1", SEED_URL, true)));
        OnOfficeRoute route = route(stub.url());
        AdviceWith.adviceWith(route.camel, "onoffice-batch", a -> a.weaveById("record-answer").replace().process(ex -> {
            throw new BatchSender.BatchFailedException("onOffice answered but the answer could not be recorded",
                    new java.sql.SQLException("connection to the ledger lost", new java.net.ConnectException("Connection refused")));
        }));
        NotifyBuilder done = new NotifyBuilder(route.camel).fromRoute("onoffice-batch").whenDone(1).create();

        route.send(route.claim(1));

        assertThat(done.matches(5, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(route.entry("k1").status()).isIn("UNCERTAIN", "SENDING");
        assertThat(stub.requests()).hasSize(1);
    }

    @Test
    void aBatchHandedOutBeforeAPauseStaysReceivedAndNothingIsSent() throws Exception {
        OnOfficeRoute route = route(stub.url());
        List<LedgerEntry> batch = route.claim(1);
        route.gate.pauseForOutage("test");

        route.send(batch);

        assertThat(route.entry("k1").status()).isEqualTo("RECEIVED");
        assertThat(stub.requests()).isEmpty();
    }

    @Test
    void theProbeAsksWithAHarmlessReadAndOnlyAnAnsweredProbeResumes() throws Exception {
        stub.respondWith((exchange, request) -> StubOnOffice.send(exchange, 503, null, new byte[0]));
        OnOfficeRoute route = route(stub.url(), Map.of());
        LedgerEntry row = route.claim(1).get(0);
        route.gate.pauseForOutage("test");
        await().atMost(Duration.ofSeconds(5)).until(() -> route.gate.probeNow("test"));

        route.sender().probe(row, "test");

        assertThat(stub.requests()).singleElement().satisfies(r ->
                assertThat(r.json().at("/request/actions/0/resourcetype").asText()).isEqualTo("estateCategories"));
        assertThat(route.entry("k1").status()).isEqualTo("RECEIVED");
        assertThat(route.gate.paused()).isTrue();
        // the probe's POST and the batches' are one endpoint, one connection pool
        assertThat(route.camel.getEndpoints()).filteredOn(e -> e.getEndpointUri().startsWith("http")).hasSize(1);
    }

    private static String hmac(long timestamp) {
        return HmacV2.sign(OnOfficeRoute.SECRET, OnOfficeRoute.TOKEN, timestamp, "subsequentPaymentLink", "urn:onoffice-de-ns:smart:2.5:smartml:action:do");
    }

    /** A port nobody listens on: bound, then released. */
    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** Reads one HTTP/1.1 request (headers, then Content-Length bytes); false if the connection ended before. */
    private static boolean readRequest(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int c = in.read();
            if (c < 0) {
                return false;
            }
            head.append((char) c);
        }
        Matcher length = Pattern.compile("(?im)^content-length:\\s*(\\d+)").matcher(head);
        if (length.find()) {
            in.readNBytes(Integer.parseInt(length.group(1)));
        }
        return true;
    }
}
