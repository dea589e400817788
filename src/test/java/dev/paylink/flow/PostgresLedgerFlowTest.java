package dev.paylink.flow;

import static dev.paylink.support.Drops.awaitSummary;
import static dev.paylink.support.Drops.drop;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.paylink.sandbox.OnOfficeSimulator;
import dev.paylink.support.PaylinkApp;
import dev.paylink.support.TestDatabases;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole flow with the ledger on PostgreSQL, configured only by paylink.ledger.url / .username; dedupe survives a restart. */
class PostgresLedgerFlowTest {

    @TempDir
    Path data;

    @Test
    void linksAreRecordedInPostgresAndNotSentAgainAfterARestart() throws Exception {
        String url = TestDatabases.postgresUrl();
        Map<String, String> props = Map.of("paylink.sandbox", "true", "paylink.ledger.url", url,
                "paylink.ledger.username", TestDatabases.PG_USER, "paylink.onoffice.batch-size", "3");
        StringBuilder csv = new StringBuilder("transactionid;priceNet;description\n");
        for (int i = 0; i < 10; i++) {
            csv.append(1100135000 + i).append(";1.234,5").append(i % 10).append(";Posten ").append(i).append('\n');
        }
        try {
            try (PaylinkApp app = PaylinkApp.start(data, props)) {
                drop(app.inbox(), "first.csv", csv.toString());
                JsonNode summary = awaitSummary(app.outbox(), "first");
                assertThat(summary.at("/counts/CREATED").asInt()).isEqualTo(10);
                assertThat(app.bean("onOfficeSimulator", OnOfficeSimulator.class).executedCount()).isEqualTo(10);
            }
            try (PaylinkApp app = PaylinkApp.start(data, props)) {
                drop(app.inbox(), "again.csv", csv.toString());
                assertThat(awaitSummary(app.outbox(), "again").at("/counts/DUPLICATE").asInt()).isEqualTo(10);
                assertThat(app.bean("onOfficeSimulator", OnOfficeSimulator.class).requestCount()).isZero();
            }
        } finally {
            TestDatabases.dropSchemaOf(url);
        }
    }
}
