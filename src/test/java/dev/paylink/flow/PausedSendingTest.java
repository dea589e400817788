package dev.paylink.flow;

import static dev.paylink.support.Drops.awaitSummary;
import static dev.paylink.support.Drops.drop;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.paylink.ledger.Ledger;
import dev.paylink.ledger.ResultLine;
import dev.paylink.sandbox.OnOfficeSimulator;
import dev.paylink.support.LogCapture;
import dev.paylink.support.PaylinkApp;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Credentials refused or onOffice unreachable: sending pauses, files wait in the inbox untouched, nothing is
 * lost, the log says what to fix, and once the cause is gone every row is sent exactly once. The app runs
 * against an onOffice simulator of its own, configured only by url, token and secret as in production.
 */
class PausedSendingTest {

    private static final String TOKEN = "ptTOKEN0000000000000000000000001";
    private static final String SECRET = "ptSECRET".repeat(8);
    private static final String OTHER_SECRET = "s3cr3t-" + "q".repeat(20);
    private static final String ROWS = "transactionid,priceNet,description\n1100135697,10.00,a\n1100135698,11.00,b\n1100135699,12.00,c\n";

    @TempDir
    Path data;

    private OnOfficeSimulator onOffice;
    private LogCapture logs;

    @AfterEach
    void stop() {
        if (onOffice != null) {
            onOffice.close();
        }
        if (logs != null) {
            logs.close();
        }
    }

    /** Secrets of every kind are configured, so the log check below covers them all. */
    private PaylinkApp app(String url, String token) throws Exception {
        return PaylinkApp.start(data, Map.ofEntries(Map.entry("paylink.sandbox", "false"), Map.entry("paylink.onoffice.url", url),
                Map.entry("paylink.onoffice.token", token), Map.entry("paylink.onoffice.secret", SECRET),
                Map.entry("paylink.onoffice.pause-retry", "300ms"), Map.entry("paylink.onoffice.batch-size", "2"),
                // Every output on, with its secret, so each secret is read at start (and must still never be logged).
                Map.entry("paylink.smartpay.enabled", "true"), Map.entry("paylink.smartpay.url", "http://127.0.0.1:9"),
                Map.entry("paylink.smartpay.merchant-key", "merchant-test"), Map.entry("paylink.smartpay.authentication-key", OTHER_SECRET),
                Map.entry("paylink.mail.host", "127.0.0.1"), Map.entry("paylink.mail.port", "9"), Map.entry("paylink.mail.security", "none"),
                Map.entry("paylink.mail.username", "mailer"), Map.entry("paylink.mail.password", OTHER_SECRET),
                // A login over plain SMTP must be allowed explicitly; its start-up WARN is checked for secrets too.
                Map.entry("paylink.mail.allow-plain-auth", "true"),
                Map.entry("paylink.webhook.urls", "http://127.0.0.1:9/hook"), Map.entry("paylink.webhook.secret", OTHER_SECRET)));
    }

    @Test
    void refusedCredentialsPauseSendingAndTheFileWaitsUntilTheyAreFixed() throws Exception {
        onOffice = new OnOfficeSimulator(TOKEN, SECRET, Clock.systemUTC(), Duration.ofSeconds(5));
        String url = onOffice.start().toString();
        captureLogs();

        try (PaylinkApp app = app(url, "WRONGtoken000000000000000000000x")) {
            drop(app.inbox(), "orders.csv", ROWS);
            // Read through LogCapture's locked copy: the app's threads append while this polls (CI once saw a
            // ConcurrentModificationException streaming the appender's list directly).
            await().atMost(Duration.ofSeconds(30)).until(() -> logs.messages()
                    .anyMatch(m -> m.startsWith("SENDING PAUSED: onOffice refused the credentials")));
            // While paused: several probes, the file stays put, no report, nothing created.
            await().atMost(Duration.ofSeconds(30)).until(() -> onOffice.requestCount() >= 3);
            assertThat(app.inbox().resolve("orders.csv")).exists();
            assertThat(app.outbox().resolve("orders.summary.json")).doesNotExist();
            assertThat(app.error()).isEmptyDirectory();
            assertThat(onOffice.executedCount()).isZero();
            assertThat(app.bean("ledger", Ledger.class).unfinished(app.bean("ledger", Ledger.class).beginRun("orders.csv",
                    dev.paylink.support.Drops.sha256(ROWS.getBytes())))).isEqualTo(3);
        }
        assertThat(logs.messages().toList()).noneMatch(m -> m.contains(SECRET) || m.contains(OTHER_SECRET))
                .anyMatch(m -> m.contains("PAYLINK_ONOFFICE_TOKEN") && m.contains("WR****"));

        // Fixed and restarted: the same run resumes and every row is sent once.
        try (PaylinkApp app = app(url, TOKEN)) {
            JsonNode summary = awaitSummary(app.outbox(), "orders");
            assertThat(summary.at("/counts/CREATED").asInt()).isEqualTo(3);
            assertThat(onOffice.executionsByIdentifier().values()).hasSize(3).containsOnly(1);
            // The summary is written before the run is COMPLETED and the file moved: wait for the move.
            await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(app.archive().resolve("orders.csv")));
        }
    }

    @Test
    void anUnreachableOnOfficePausesSendingUntilItAnswersAgain() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        try (PaylinkApp app = app("http://127.0.0.1:" + port + OnOfficeSimulator.PATH_STABLE, TOKEN)) {
            Ledger ledger = app.bean("ledger", Ledger.class);
            drop(app.inbox(), "orders.csv", ROWS);
            await().atMost(Duration.ofSeconds(30)).until(() -> ledger.entry(firstKey(ledger)).map(ResultLine::message)
                    .filter(m -> m.contains("UNREACHABLE")).isPresent());
            assertThat(app.inbox().resolve("orders.csv")).exists();

            onOffice = new OnOfficeSimulator(TOKEN, SECRET, Clock.systemUTC(), Duration.ofSeconds(5));
            onOffice.start(port);
            JsonNode summary = awaitSummary(app.outbox(), "orders");
            assertThat(summary.at("/counts/CREATED").asInt()).isEqualTo(3);
            assertThat(onOffice.executionsByIdentifier().values()).hasSize(3).containsOnly(1);
            await().atMost(Duration.ofSeconds(5)).until(() -> !Files.exists(app.inbox().resolve("orders.csv")));
        }
    }

    private static String firstKey(Ledger ledger) {
        // The ledger key of "1100135697,10.00,a" as the validator computes it.
        return dev.paylink.intake.LedgerKey.of(new dev.paylink.smartml.PaymentLinkRequest("1100135697", new java.math.BigDecimal("10.00"), "a", false));
    }

    private void captureLogs() {
        logs = LogCapture.all();
    }
}
