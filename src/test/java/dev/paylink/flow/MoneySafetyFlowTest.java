package dev.paylink.flow;

import static dev.paylink.support.Drops.awaitSummary;
import static dev.paylink.support.Drops.drop;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.paylink.sandbox.OnOfficeSimulator;
import dev.paylink.support.Drops;
import dev.paylink.support.PaylinkApp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The money rules where they are hardest to keep, in the running app (sandbox simulator, embedded H2 file ledger):
 * an outage, a long file at concurrency 1, the same file dropped again.
 */
class MoneySafetyFlowTest {

    @TempDir
    Path data;

    private static String rows(int n, int from) {
        StringBuilder csv = new StringBuilder("transactionid,priceNet,description\n");
        for (int i = 0; i < n; i++) {
            csv.append(1_200_000_000L + from + i).append(",1.00,Posten ").append(from + i).append('\n');
        }
        return csv.toString();
    }

    private static PaylinkApp app(Path data, String batchSize, String concurrency) throws Exception {
        Map<String, String> p = new HashMap<>();
        p.put("paylink.sandbox", "true");
        p.put("paylink.onoffice.batch-size", batchSize);
        p.put("paylink.onoffice.concurrency", concurrency);
        return PaylinkApp.start(data, p);
    }

    @Test
    void anOutageCostsOneRoundOfBatchesNotTheFileAndProbesRiskNoRowWhileItLasts() throws Exception {
        int batch = 5;
        int concurrency = 2;
        try (PaylinkApp app = app(data, String.valueOf(batch), String.valueOf(concurrency))) {
            OnOfficeSimulator onOffice = app.bean("onOfficeSimulator", OnOfficeSimulator.class);
            IntakeGate gate = app.bean("intakeGate", IntakeGate.class);
            onOffice.setLatency(Duration.ofMillis(20));
            drop(app.inbox(), "storm.csv", rows(400, 0));

            await().atMost(Duration.ofSeconds(30)).until(() -> onOffice.executedCount() >= 60);
            onOffice.startOutage(500);
            await().atMost(Duration.ofSeconds(10)).until(gate::paused);
            // The storm goes on while at least two probes fail (300 ms, then 600 ms apart in tests): they are reads.
            int executedInStorm = onOffice.executedCount();
            int answersAtPause = onOffice.outageAnswers();
            await().atMost(Duration.ofSeconds(20)).until(() -> onOffice.outageAnswers() >= answersAtPause + 2);
            assertThat(onOffice.executedCount()).isEqualTo(executedInStorm);
            assertThat(app.inbox().resolve("storm.csv")).as("the file waits in the inbox").exists();
            onOffice.endOutage();

            JsonNode summary = awaitSummary(app.outbox(), "storm");
            int uncertain = summary.at("/counts/UNCERTAIN").asInt();
            assertThat(uncertain).as("one round of batches at most").isBetween(1, concurrency * batch);
            assertThat(summary.at("/counts/CREATED").asInt()).isEqualTo(400 - uncertain);
            assertThat(onOffice.executedCount()).isEqualTo(400 - uncertain);
            assertThat(onOffice.repeatedExecutions()).isZero();
            assertThat(gate.paused()).isFalse();
        }
    }

    @Test
    void aFileOfTwoThousandBatchesFinishesAtConcurrencyOne() throws Exception {
        try (PaylinkApp app = app(data, "1", "1")) {
            OnOfficeSimulator onOffice = app.bean("onOfficeSimulator", OnOfficeSimulator.class);
            drop(app.inbox(), "long.csv", rows(2000, 0));

            // Before: the senders' pool nested the split once per batch and overflowed the stack at ~480 batches; the
            // file then hung with nothing in the log.
            Path summary = app.outbox().resolve("long.summary.json");
            await().atMost(Duration.ofSeconds(120)).until(() -> Files.exists(summary));
            JsonNode s = awaitSummary(app.outbox(), "long");
            assertThat(s.at("/counts/CREATED").asInt()).isEqualTo(2000);
            assertThat(onOffice.executedCount()).isEqualTo(2000);
            assertThat(onOffice.repeatedExecutions()).isZero();
        }
    }

    @Test
    void theSameFileDroppedAgainIsArchivedUnreadAndItsReportsStay() throws Exception {
        try (PaylinkApp app = app(data, "25", "2")) {
            OnOfficeSimulator onOffice = app.bean("onOfficeSimulator", OnOfficeSimulator.class);
            String content = rows(30, 0);
            drop(app.inbox(), "again.csv", content);
            JsonNode first = awaitSummary(app.outbox(), "again");
            await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(app.archive().resolve("again.csv")));
            String results = Files.readString(app.outbox().resolve("again.results.csv"));
            String summary = Files.readString(app.outbox().resolve("again.summary.json"));
            assertThat(first.get("run").asLong()).isPositive();

            drop(app.inbox(), "again.csv", content);
            await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(app.archive().resolve("again.2.csv")));
            assertThat(Files.readString(app.outbox().resolve("again.results.csv"))).isEqualTo(results);
            assertThat(Files.readString(app.outbox().resolve("again.summary.json"))).isEqualTo(summary);
            assertThat(app.outbox().resolve("again.2.results.csv")).doesNotExist();
            assertThat(onOffice.executedCount()).isEqualTo(30);

            // Another content under the same name is a new run: its reports go beside the first ones.
            drop(app.inbox(), "again.csv", rows(2, 100));
            JsonNode third = awaitSummary(app.outbox(), "again.2");
            assertThat(third.get("run").asLong()).isNotEqualTo(first.get("run").asLong());
            assertThat(third.at("/counts/CREATED").asInt()).isEqualTo(2);
            assertThat(Files.readString(app.outbox().resolve("again.results.csv"))).isEqualTo(results);
            assertThat(Drops.results(app.outbox(), "again.2")).hasSize(3);
        }
    }
}
