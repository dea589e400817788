package dev.paylink.flow;

import static dev.paylink.support.Drops.awaitSummary;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.paylink.support.PaylinkApp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A file still being written is never read: by its modification time, or, when configured, until its done-file exists. */
class HalfWrittenFileTest {

    private static final String ROWS = "transactionid,priceNet,description\n1100135697,10.00,a\n";

    @TempDir
    Path data;

    @Test
    void aFileModifiedWithinMinAgeIsNotReadYet() throws Exception {
        try (PaylinkApp app = PaylinkApp.start(data, Map.of("paylink.sandbox", "true", "paylink.intake.min-age", "1s"))) {
            Path file = Files.writeString(Files.createDirectories(app.inbox()).resolve("slow.csv"), ROWS);
            // A writer that keeps touching the file: its mtime stays in the future of any min-age.
            Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(3600)));
            await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(3))
                    .until(() -> Files.exists(file) && !Files.exists(app.outbox().resolve("slow.summary.json")));

            Files.setLastModifiedTime(file, FileTime.from(Instant.now().minusSeconds(5)));
            assertThat(awaitSummary(app.outbox(), "slow").at("/counts/CREATED").asInt()).isEqualTo(1);
        }
    }

    @Test
    void withADoneFileConfiguredAFileWaitsForIt() throws Exception {
        Path inbox = Files.createDirectories(data.resolve("inbox"));
        try (PaylinkApp app = PaylinkApp.start(data, Map.of("paylink.sandbox", "true",
                "paylink.intake.uri", "file:" + inbox + "?doneFileName=${file:name}.done"))) {
            Path file = Files.writeString(inbox.resolve("batch.csv"), ROWS);
            Files.setLastModifiedTime(file, FileTime.from(Instant.now().minusSeconds(60)));
            await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(3))
                    .until(() -> !Files.exists(app.outbox().resolve("batch.summary.json")));

            Files.writeString(inbox.resolve("batch.csv.done"), "");
            assertThat(awaitSummary(app.outbox(), "batch").at("/counts/CREATED").asInt()).isEqualTo(1);
            await().atMost(Duration.ofSeconds(5)).until(() -> !Files.exists(inbox.resolve("batch.csv.done")));
        }
    }
}
