package dev.paylink.flow;

import static dev.paylink.support.Drops.awaitSummary;
import static dev.paylink.support.Drops.drop;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import dev.paylink.support.LogCapture;
import dev.paylink.support.PaylinkApp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Log lines are for people: durations in words, counts in the right number, no record dumps, and library chatter that
 * asks nothing of anyone (Quartz's banner, Camel's rollback and orphaned-lock warnings) kept below INFO.
 */
class LogLinesTest {

    @TempDir
    Path data;

    @RegisterExtension
    final LogCapture logs = LogCapture.all();

    @Test
    void aFileThatFailsSaysInWordsWhenItIsTriedAgainAndLibrariesStayQuiet() throws Exception {
        // A lock file a killed run left behind: Camel deletes it at start.
        Files.createDirectories(data.resolve("inbox"));
        Path orphan = Files.writeString(data.resolve("inbox").resolve("left-over.csv.camelLock"), "");
        // The pattern lets a transaction id through that the ledger's column cannot hold: the file fails unexpectedly.
        // Sandbox mode: enrichment runs, so Quartz starts (and would print its banner) before start() returns.
        try (PaylinkApp app = PaylinkApp.start(data, Map.of("paylink.sandbox", "true", "paylink.intake.transactionid-pattern", "[0-9]{1,100}"))) {
            drop(app.inbox(), "one.csv", "transactionid,priceNet,description\n1100135697,10.00,a\n");
            awaitSummary(app.outbox(), "one");
            drop(app.inbox(), "long.csv", "transactionid,priceNet,description\n" + "1".repeat(70) + ",10.00,a\n");
            await().atMost(Duration.ofSeconds(30)).until(() -> logs.messages().anyMatch(m -> m.startsWith("long.csv: processing failed")));
        }

        assertThat(logs.messages()).anyMatch(m -> m.startsWith("long.csv: processing failed; the file stays in the inbox and is tried again in 30 s: "))
                .contains("one.csv: 1 row read (CSV, UTF-8, as configured): 1 new, 0 duplicates, 0 invalid")
                .anyMatch(m -> m.startsWith("one.csv: done, 1 row: 1 created; results in "));
        assertThat(orphan).doesNotExist();
        assertThat(logs.events()).filteredOn(e -> e.getLevel().isGreaterOrEqual(Level.INFO)).map(ILoggingEvent::getFormattedMessage)
                .noneMatch(m -> m.startsWith("Rollback file strategy") || m.startsWith("Deleting orphaned lock file")
                        || m.startsWith("Scheduler meta-data") || m.matches("(?s).*\\bPT\\d.*") || m.matches("(?s).*\\b[A-Z][a-z]+\\[[a-z]+=.*"));
    }
}
