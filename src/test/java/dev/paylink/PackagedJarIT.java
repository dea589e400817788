package dev.paylink;

import static dev.paylink.support.Drops.awaitSummary;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.paylink.sandbox.OnOfficeSimulator;
import dev.paylink.support.JarProcess;
import dev.paylink.support.TestDatabases;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo as a user starts it, {@code java -jar paylink-routes-sandbox.jar} outside the repository: sandbox mode without being asked
 * (the sandbox jar's default), the production jar's code from its class path, the examples shipped in the sandbox jar as input, the ledger on PostgreSQL
 * (drivers and Flyway's database support must survive packaging), a setting from an environment variable,
 * and a clean stop on SIGTERM.
 */
class PackagedJarIT {

    @TempDir
    Path data;

    @Test
    void theJarProcessesAndEnrichesTheExamplesInSandboxMode() throws Exception {
        String ledger = TestDatabases.postgresUrl();
        Path log = data.resolve("app.log");
        // Started outside the repository, as a user would: there is no examples/ folder, so the examples come from the jar.
        JarProcess app = JarProcess.start(JarProcess.SANDBOX_JAR, log, Map.of("PAYLINK_ONOFFICE_BATCH_SIZE", "3"), List.of(
                "-Xmx256m", "-Dpaylink.data=" + data,
                "-Dpaylink.ledger.url=" + ledger, "-Dpaylink.ledger.username=" + TestDatabases.PG_USER,
                "-Dpaylink.intake.min-age=200ms", "-Dpaylink.intake.poll-delay=100ms",
                "-Dpaylink.sandbox.smartpay-cron=0/1 * * * * ?", "-Dpaylink.sandbox.smartpay-interval=1s"), data);
        try {
            JsonNode orders = awaitSummary(data.resolve("outbox"), "orders");
            assertThat(orders.get("counts").toString())
                    .isEqualTo("{\"CREATED\":4,\"REJECTED\":1,\"UNCERTAIN\":0,\"DUPLICATE\":1,\"INVALID\":1,\"TRACKED\":0}");
            assertThat(awaitSummary(data.resolve("outbox"), "nachzahlungen-de").at("/counts/CREATED").asInt()).isEqualTo(4);
            assertThat(awaitSummary(data.resolve("outbox"), "links").at("/counts/CREATED").asInt()).isEqualTo(3);
            assertThat(awaitSummary(data.resolve("outbox"), "seed-action").at("/counts/CREATED").asInt()).isEqualTo(1);
            assertThat(awaitSummary(data.resolve("outbox"), "tracking").at("/counts/TRACKED").asInt()).isEqualTo(6);
            // Enrichment runs in the jar too: Quartz fires, the SmartPay simulator answers, PL-PAID-FLOW gets paid.
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                try (var events = Files.list(data.resolve("outbox/events"))) {
                    return events.anyMatch(f -> {
                        try {
                            return Files.readString(f).contains("\"type\":\"payment.paid\"");
                        } catch (java.io.IOException e) {
                            return false;
                        }
                    });
                } catch (java.nio.file.NoSuchFileException e) {
                    return false;
                }
            });
            assertThat(data.resolve("outbox/tracking.payments.csv")).exists();
            // Delivery in sandbox mode: summary mails captured as .eml, webhooks verified by the built-in receiver.
            await().atMost(Duration.ofSeconds(20)).until(() -> {
                try (var mails = Files.list(data.resolve("outbox/mail"))) {
                    return mails.filter(f -> f.toString().endsWith(".eml")).count() >= 5;
                } catch (java.nio.file.NoSuchFileException e) {
                    return false;
                }
            });
            await().atMost(Duration.ofSeconds(20)).until(() -> Files.readString(log).contains("signature valid -> HTTP 204"));
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                try (var inbox = Files.list(data.resolve("inbox"))) {
                    return inbox.findAny().isEmpty();
                }
            });
            assertThat(data.resolve("archive/orders.csv")).exists();
            assertThat(data.resolve("error")).isEmptyDirectory();
        } finally {
            try {
                assertThat(app.stop(Duration.ofSeconds(60))).as("stops on SIGTERM").isTrue();
            } finally {
                app.close();
                TestDatabases.dropSchemaOf(ledger);
            }
        }
        String output = Files.readString(log);
        assertThat(output).contains("SANDBOX MODE: no folder " + data.resolve("examples") + " (paylink.sandbox.examples), so dropped the 5 example "
                + "files shipped in " + JarProcess.SANDBOX_JAR.toAbsolutePath() + " into ");
        assertThat(output).doesNotContain("signature INVALID").contains("3 actions per request").doesNotContain(OnOfficeSimulator.SANDBOX_SECRET)
                .doesNotContain(OnOfficeSimulator.SANDBOX_TOKEN).contains("is shutdown");
    }
}
