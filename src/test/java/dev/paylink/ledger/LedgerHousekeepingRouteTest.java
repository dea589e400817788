package dev.paylink.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import dev.paylink.support.LogCapture;
import dev.paylink.support.PaylinkApp;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The app on its default embedded H2 ledger ticks the housekeeping (routes/ledger.camel.yaml): its first tick pins and syncs. */
class LedgerHousekeepingRouteTest {

    @TempDir
    Path data;

    @RegisterExtension
    final LogCapture logs = LogCapture.of(H2Housekeeping.class.getName());

    @Test
    void theDefaultLedgerIsKeptByTheHousekeepingRoute() throws Exception {
        H2Housekeeping housekeeping;
        try (PaylinkApp app = PaylinkApp.start(data, Map.of("paylink.sandbox", "false", "paylink.onoffice.url", "http://127.0.0.1:9/api.php",
                "paylink.onoffice.token", "token-for-tests", "paylink.onoffice.secret", "secret-for-tests"))) {
            assertThat(app.camel().getRouteController().getRouteStatus("ledger-housekeeping").isStarted()).isTrue();
            DataSource ds = app.bean("ledgerDataSource", DataSource.class);
            housekeeping = app.bean("ledgerHousekeeping", H2Housekeeping.class);

            // H2's default is 45 s; the first tick sets it to 0, the pin taking its place (H2Housekeeping).
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                try (Connection c = ds.getConnection()) {
                    return H2Housekeeping.store(c).getRetentionTime() == 0;
                }
            });
        }
        // Let go of its pin as the app stops, with the pool still open (H2Housekeeping.close says why): no warning that it could not.
        assertThat(housekeeping.closed()).isTrue();
        assertThat(logs.messages(Level.WARN)).isEmpty();
    }
}
