package dev.paylink.flow;

import static dev.paylink.support.Drops.awaitSummary;
import static dev.paylink.support.Drops.drop;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.paylink.sandbox.OnOfficeSimulator;
import dev.paylink.support.PaylinkApp;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Stopping the app in the middle of a long file parks it: nothing becomes UNCERTAIN, the next start finishes it. */
class GracefulStopTest {

    private static final int ROWS = 1000;

    @TempDir
    Path data;

    private final OnOfficeSimulator onOffice = new OnOfficeSimulator();

    @AfterEach
    void stop() {
        onOffice.close();
    }

    @Test
    void aFileInProgressStaysInTheInboxAndResumesAtTheNextStart() throws Exception {
        String url = onOffice.start().toString();
        Map<String, String> props = Map.of("paylink.sandbox", "false", "paylink.onoffice.url", url,
                "paylink.onoffice.token", OnOfficeSimulator.SANDBOX_TOKEN, "paylink.onoffice.secret", OnOfficeSimulator.SANDBOX_SECRET,
                "paylink.onoffice.batch-size", "1", "paylink.onoffice.concurrency", "2");
        StringBuilder csv = new StringBuilder("transactionid,priceNet,description\n");
        for (int i = 1; i <= ROWS; i++) {
            csv.append(1100000000 + i).append(",10.00,Posten ").append(i).append('\n');
        }

        try (PaylinkApp app = PaylinkApp.start(data, props)) {
            drop(app.inbox(), "long.csv", csv.toString());
            await().atMost(Duration.ofSeconds(30)).until(() -> onOffice.executedCount() >= 20);
        }
        int sentBeforeStop = onOffice.executedCount();
        assertThat(sentBeforeStop).isLessThan(ROWS);
        assertThat(data.resolve("inbox/long.csv")).exists();
        assertThat(data.resolve("outbox/long.summary.json")).doesNotExist();

        try (PaylinkApp app = PaylinkApp.start(data, props)) {
            JsonNode summary = awaitSummary(app.outbox(), "long");
            assertThat(summary.at("/counts/CREATED").asInt()).isEqualTo(ROWS);
            assertThat(summary.at("/counts/UNCERTAIN").asInt()).isZero();
        }
        assertThat(onOffice.executedCount()).isEqualTo(ROWS);
        assertThat(onOffice.repeatedExecutions()).isZero();
    }
}
