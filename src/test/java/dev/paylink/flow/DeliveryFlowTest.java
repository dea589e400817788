package dev.paylink.flow;

import static dev.paylink.support.Drops.awaitSummary;
import static dev.paylink.support.Drops.drop;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.paylink.sandbox.WebhookReceiver;
import dev.paylink.support.PaylinkApp;
import jakarta.mail.internet.MimeMessage;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Delivery on real receivers (GreenMail, a signature-checking webhook endpoint), in the running app: a receiver that
 * is down blocks neither the intake nor the other output, its deliveries are retried and then dead-lettered, and a
 * dead letter moved into the replay folder is delivered once the receiver is back. Nothing is lost.
 */
class DeliveryFlowTest {

    private static final String SECRET = "whsec-test-" + "x".repeat(24);
    private static final String ROWS = "transactionid,priceNet,description\n1100135697,10.00,Müller – Übersetzung\n";

    @TempDir
    Path data;

    private final WebhookReceiver receiver = new WebhookReceiver(SECRET, java.time.Clock.systemUTC());
    private int smtpPort;
    private GreenMail smtp;

    @BeforeEach
    void setUp() throws Exception {
        receiver.start();
        try (ServerSocket free = new ServerSocket(0)) {
            smtpPort = free.getLocalPort();
        }
    }

    @AfterEach
    void tearDown() {
        receiver.close();
        if (smtp != null) {
            smtp.stop();
        }
    }

    private PaylinkApp app() throws Exception {
        return PaylinkApp.start(data, Map.ofEntries(Map.entry("paylink.sandbox", "true"),
                Map.entry("paylink.mail.host", "127.0.0.1"), Map.entry("paylink.mail.port", String.valueOf(smtpPort)),
                Map.entry("paylink.mail.security", "none"), Map.entry("paylink.mail.to", "backoffice@example.invalid"),
                Map.entry("paylink.mail.connect-timeout", "500ms"), Map.entry("paylink.mail.read-timeout", "2s"),
                Map.entry("paylink.webhook.urls", receiver.url().toString()), Map.entry("paylink.webhook.secret", SECRET),
                Map.entry("paylink.deliver.max-attempts", "3"), Map.entry("paylink.deliver.first-backoff", "200ms"),
                Map.entry("paylink.deliver.poll-interval", "100")));
    }

    private void startSmtp() {
        smtp = new GreenMail(new ServerSetup(smtpPort, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        smtp.start();
    }

    private static List<Path> deadLetters(Path outbox, String output) throws Exception {
        Path folder = outbox.resolve("deadletter");
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (var files = Files.list(folder)) {
            // Not the ".x.json.tmp" a dead letter is written under before its rename: it may be half written.
            return files.map(Path::getFileName).map(Path::toString).filter(n -> !n.startsWith(".") && n.endsWith(".json")
                    && n.contains("-" + output + "-")).map(folder::resolve).toList();
        }
    }

    @Test
    void withSmtpDownLinksAreCreatedWebhooksDeliveredAndMailsKeptForReplay() throws Exception {
        try (PaylinkApp app = app()) {
            drop(app.inbox(), "orders.csv", ROWS);
            assertThat(awaitSummary(app.outbox(), "orders").at("/counts/CREATED").asInt()).isEqualTo(1);

            await().atMost(Duration.ofSeconds(20)).until(() -> receiver.received().stream()
                    .anyMatch(r -> r.eventType().equals("file.completed") && r.signatureValid()));
            await().atMost(Duration.ofSeconds(20)).until(() -> deadLetters(app.outbox(), "mail").size() == 1);
            JsonNode letter = new ObjectMapper().readTree(deadLetters(app.outbox(), "mail").get(0).toFile());
            assertThat(letter.get("attempts").asInt()).isEqualTo(3);
            assertThat(letter.get("lastError").asText()).containsIgnoringCase("not reachable");

            // The server comes back; the dead letter is moved into the replay folder and the mail goes out.
            startSmtp();
            Path letterFile = deadLetters(app.outbox(), "mail").get(0);
            Files.move(letterFile, app.outbox().resolve("replay").resolve(letterFile.getFileName()), StandardCopyOption.ATOMIC_MOVE);
            await().atMost(Duration.ofSeconds(20)).until(() -> smtp.getReceivedMessages().length == 1);
            MimeMessage mail = smtp.getReceivedMessages()[0];
            assertThat(mail.getSubject()).startsWith("paylink: orders.csv done");
            assertThat(mail.getAllRecipients()).extracting(Object::toString).containsExactly("backoffice@example.invalid");
            await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(app.outbox().resolve("replay/.replayed").resolve(letterFile.getFileName())));
        }
    }

    @Test
    void withTheWebhookReceiverDownMailsStillGoOutAndTheWebhookIsRetriedThenReplayed() throws Exception {
        startSmtp();
        receiver.failAlways(503);
        try (PaylinkApp app = app()) {
            drop(app.inbox(), "orders.csv", ROWS);
            awaitSummary(app.outbox(), "orders");

            await().atMost(Duration.ofSeconds(20)).until(() -> smtp.getReceivedMessages().length == 1);
            await().atMost(Duration.ofSeconds(20)).until(() -> deadLetters(app.outbox(), "webhook").size() == 1);
            assertThat(receiver.received()).filteredOn(r -> r.eventType().equals("file.completed")).hasSize(3)
                    .allMatch(WebhookReceiver.Received::signatureValid);

            receiver.recover();
            Path letterFile = deadLetters(app.outbox(), "webhook").get(0);
            Files.move(letterFile, app.outbox().resolve("replay").resolve(letterFile.getFileName()), StandardCopyOption.ATOMIC_MOVE);
            await().atMost(Duration.ofSeconds(20)).until(() -> receiver.received().stream()
                    .filter(r -> r.eventType().equals("file.completed")).count() == 4);
            // Every try carried the same event id: the receiver can drop repeats.
            assertThat(receiver.received()).filteredOn(r -> r.eventType().equals("file.completed"))
                    .extracting(WebhookReceiver.Received::eventId).containsOnly(receiver.received().get(0).eventId());
        }
    }

    @Test
    void aTypeRoutedToNoneIsNeitherLoggedNorSent() throws Exception {
        startSmtp();
        try (PaylinkApp app = PaylinkApp.start(data, Map.of("paylink.sandbox", "true", "paylink.deliver.link-created", "none"))) {
            drop(app.inbox(), "orders.csv", ROWS);
            awaitSummary(app.outbox(), "orders");
            // file.completed is logged just after the summary is written: wait for the day's log to hold it.
            Path events = app.outbox().resolve("events");
            await().atMost(Duration.ofSeconds(10)).until(() -> Files.isDirectory(events) && eventLog(events).contains("\"type\":\"file.completed\""));
            assertThat(eventLog(events)).doesNotContain("link.created");
        }
    }

    /** Everything the day's event logs hold. */
    private static String eventLog(Path events) throws Exception {
        StringBuilder all = new StringBuilder();
        try (var files = Files.list(events)) {
            for (Path f : files.toList()) {
                all.append(Files.readString(f));
            }
        }
        return all.toString();
    }
}
