package dev.paylink.flow;

import static dev.paylink.support.Drops.awaitSummary;
import static dev.paylink.support.Drops.drop;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.paylink.sandbox.OnOfficeSimulator;
import dev.paylink.support.PaylinkApp;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntUnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A file's rows are claimed as they are sent, after one read of the whole file: the first link is created before the last
 * row is claimed, an unreadable file sends and claims nothing, and a file changed between the reads stops sending. The
 * app runs against the onOffice simulator behind a front on loopback that sees each request first (to look into the
 * ledger at the first one, or to change the file there) and passes it on.
 */
class StreamingIntakeTest {

    private static final int ROWS = 5_000;

    @TempDir
    Path data;

    private final OnOfficeSimulator onOffice = new OnOfficeSimulator();
    private final HttpClient client = HttpClient.newHttpClient();
    private final AtomicBoolean firstRequest = new AtomicBoolean(true);
    /** Runs in the front when the first request arrives, before the simulator gets it. */
    private volatile Runnable atFirstRequest = () -> { };
    private HttpServer front;
    private PaylinkApp app;

    @BeforeEach
    void start() throws IOException {
        onOffice.trackIdentifiers(100_000);
        onOffice.start();
        front = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        front.createContext("/", exchange -> {
            try (exchange) {
                byte[] body = exchange.getRequestBody().readAllBytes();
                if (firstRequest.getAndSet(false)) {
                    atFirstRequest.run();
                }
                HttpRequest.Builder forward = HttpRequest.newBuilder(onOffice.url().resolve(exchange.getRequestURI().getPath()))
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
                String type = exchange.getRequestHeaders().getFirst("Content-Type");
                if (type != null) {
                    forward.header("Content-Type", type);
                }
                HttpResponse<byte[]> answer = client.send(forward.build(), HttpResponse.BodyHandlers.ofByteArray());
                answer.headers().firstValue("Content-Type").ifPresent(t -> exchange.getResponseHeaders().set("Content-Type", t));
                exchange.sendResponseHeaders(answer.statusCode(), answer.body().length == 0 ? -1 : answer.body().length);
                exchange.getResponseBody().write(answer.body());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        front.start();
    }

    private void startApp(int batchSize) throws Exception {
        String url = "http://127.0.0.1:" + front.getAddress().getPort() + OnOfficeSimulator.PATH_STABLE;
        app = PaylinkApp.start(data, Map.of("paylink.sandbox", "false", "paylink.onoffice.url", url,
                "paylink.onoffice.token", OnOfficeSimulator.SANDBOX_TOKEN, "paylink.onoffice.secret", OnOfficeSimulator.SANDBOX_SECRET,
                "paylink.onoffice.batch-size", String.valueOf(batchSize), "paylink.onoffice.concurrency", "2"));
    }

    @AfterEach
    void stop() throws Exception {
        if (app != null) {
            app.close();
        }
        front.stop(0);
        onOffice.close();
    }

    private static String csv(int rows, IntUnaryOperator price) {
        StringBuilder csv = new StringBuilder("transactionid,priceNet,description\n");
        for (int i = 1; i <= rows; i++) {
            csv.append(1_100_000_000L + i).append(',').append(price.applyAsInt(i)).append(".00,Posten ").append(i).append('\n');
        }
        return csv.toString();
    }

    @Test
    void theFirstLinkIsCreatedBeforeTheLastRowIsClaimed() throws Exception {
        startApp(25);
        AtomicReference<long[]> atFirst = new AtomicReference<>();
        atFirstRequest = () -> atFirst.set(new long[] {count("SELECT COUNT(*) FROM ledger_entry"),
                count("SELECT COUNT(*) FROM intake_file WHERE accepted")});

        drop(app.inbox(), "big.csv", csv(ROWS, i -> 1 + i % 90));

        JsonNode summary = awaitSummary(app.outbox(), "big");
        assertThat(summary.at("/counts/CREATED").asInt()).isEqualTo(ROWS);
        assertThat(atFirst.get()[0]).as("rows claimed when the first request left").isPositive().isLessThan(ROWS);
        assertThat(atFirst.get()[1]).as("runs accepted (every row claimed) when the first request left").isZero();
        assertThat(count("SELECT COUNT(*) FROM intake_file WHERE accepted")).isEqualTo(1);
        assertThat(onOffice.executedCount()).isEqualTo(ROWS);
        assertThat(onOffice.repeatedExecutions()).isZero();
    }

    @Test
    void aLargeFileBrokenAtItsLastLineSendsAndClaimsNothing() throws Exception {
        startApp(25);
        drop(app.inbox(), "cut.csv", csv(ROWS, i -> 1 + i % 90) + "1100999999,\"10.00,quote never closed\n");

        JsonNode summary = awaitSummary(app.outbox(), "cut");
        assertThat(summary.get("status").asText()).isEqualTo("FAILED");
        assertThat(summary.get("errorLine").asLong()).isEqualTo(ROWS + 2);
        await().atMost(Duration.ofSeconds(5)).until(() -> Files.exists(app.error().resolve("cut.csv")));
        assertThat(onOffice.requestCount()).isZero();
        assertThat(count("SELECT COUNT(*) FROM ledger_entry")).isZero();
        assertThat(count("SELECT COUNT(*) FROM intake_issue")).isZero();
        assertThat(count("SELECT COUNT(*) FROM intake_file WHERE status = 'FAILED'")).isEqualTo(1);
    }

    @Test
    void aFileChangedWhileItIsSentStopsWithWhatWasSentReportedAndNothingSentTwice() throws Exception {
        // 30 per batch: the first chunk of 1000 rows ends in a batch of 10, claimed but left unsent when the change shows.
        startApp(30);
        String before = csv(ROWS, i -> 1 + i % 90);
        // Rows from 1500 on get other prices: a producer rewriting the file in place while it is being sent.
        String after = csv(ROWS, i -> i < 1500 ? 1 + i % 90 : 2 + i % 90);
        Path file = app.inbox().resolve("moving.csv");
        atFirstRequest = () -> {
            try {
                Files.writeString(file, after, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        };

        drop(app.inbox(), "moving.csv", before);

        JsonNode summary = awaitSummary(app.outbox(), "moving");
        assertThat(summary.get("status").asText()).isEqualTo("FAILED");
        assertThat(summary.get("error").asText()).contains("changed while it was being sent").contains("line 1002");
        await().atMost(Duration.ofSeconds(5)).until(() -> Files.exists(app.error().resolve("moving.csv")));
        assertThat(Files.readString(app.error().resolve("moving.csv.error.txt"))).contains("10 claimed rows and the rest of the file were not sent");
        int sent = summary.at("/counts/CREATED").asInt();
        assertThat(sent).as("the first chunk but its last, partial batch").isEqualTo(990);
        assertThat(onOffice.executedCount()).isEqualTo(sent);
        assertThat(count("SELECT COUNT(*) FROM ledger_entry WHERE state <> 'CREATED'")).as("claimed and unsent rows released").isZero();

        // Dropped again (as it is now), the rows already sent are duplicates and the rest is sent, each row once.
        Files.move(app.error().resolve("moving.csv"), app.inbox().resolve("moving.csv"));
        JsonNode again = awaitSummary(app.outbox(), "moving.2");
        assertThat(again.get("status").asText()).isEqualTo("COMPLETED");
        assertThat(again.at("/counts/DUPLICATE").asInt()).isEqualTo(sent);
        assertThat(again.at("/counts/CREATED").asInt()).isEqualTo(ROWS - sent);
        assertThat(onOffice.executedCount()).isEqualTo(ROWS);
        assertThat(onOffice.repeatedExecutions()).isZero();
    }

    @Test
    void anOutageWhileMostRowsAreUnclaimedKeepsTheFileWhichResumesAndSendsEveryRowOnce() throws Exception {
        startApp(25);
        IntakeGate gate = app.bean("intakeGate", IntakeGate.class);
        atFirstRequest = () -> onOffice.startOutage(503);

        drop(app.inbox(), "stormy.csv", csv(ROWS, i -> 1 + i % 90));

        await().atMost(Duration.ofSeconds(30)).until(gate::paused);
        assertThat(count("SELECT COUNT(*) FROM ledger_entry")).as("rows claimed when sending paused").isLessThan(ROWS);
        assertThat(count("SELECT COUNT(*) FROM intake_file WHERE accepted")).isZero();
        assertThat(app.inbox().resolve("stormy.csv")).exists();
        onOffice.endOutage();

        JsonNode summary = awaitSummary(app.outbox(), "stormy");
        int uncertain = summary.at("/counts/UNCERTAIN").asInt();
        assertThat(summary.get("status").asText()).isEqualTo("COMPLETED");
        assertThat(summary.get("rows").asInt()).isEqualTo(ROWS);
        assertThat(uncertain).as("the batches out when the outage began").isBetween(1, 2 * 25);
        assertThat(summary.at("/counts/CREATED").asInt()).isEqualTo(ROWS - uncertain);
        assertThat(onOffice.executedCount()).isEqualTo(ROWS - uncertain);
        assertThat(onOffice.repeatedExecutions()).isZero();
    }

    private long count(String sql) {
        try {
            return Long.parseLong(app.ledgerValue(sql));
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
