package dev.paylink.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.paylink.support.PaylinkApp;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The app on its default embedded H2 ledger ticks the housekeeping (routes/ledger.camel.yaml): its first tick pins and syncs. */
class LedgerHousekeepingRouteTest {

    @TempDir
    Path data;

    @Test
    void theDefaultLedgerIsKeptByTheHousekeepingRoute() throws Exception {
        try (PaylinkApp app = PaylinkApp.start(data, Map.of("paylink.sandbox", "false", "paylink.onoffice.url", "http://127.0.0.1:9/api.php",
                "paylink.onoffice.token", "token-for-tests", "paylink.onoffice.secret", "secret-for-tests"))) {
            assertThat(app.camel().getRouteController().getRouteStatus("ledger-housekeeping").isStarted()).isTrue();
            DataSource ds = app.bean("ledgerDataSource", DataSource.class);

            // H2's default is 45 s; the first tick sets it to 0, the pin taking its place (H2Housekeeping).
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                try (Connection c = ds.getConnection()) {
                    return H2Housekeeping.store(c).getRetentionTime() == 0;
                }
            });
        }
    }
}
