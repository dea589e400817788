package dev.paylink.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.paylink.events.EventTypes;
import dev.paylink.ledger.Deliveries;
import dev.paylink.sandbox.WebhookReceiver;
import dev.paylink.support.PaylinkApp;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The routing application.properties documents is what the running app does, for every event type: each type is
 * published through the app's own event bus (sandbox mode: the built-in webhook receiver and SMTP capture), and
 * exactly the outputs its {@code paylink.deliver.<key>} names get it.
 */
class DefaultRoutingTest {

    @TempDir
    Path data;

    static Properties applicationProperties() throws IOException {
        Properties p = new Properties();
        try (InputStream in = DefaultRoutingTest.class.getResourceAsStream("/application.properties")) {
            p.load(in);
        }
        return p;
    }

    /** The documented outputs of a type, from application.properties. */
    static List<String> documentedOutputs(Properties p, String type) {
        String value = p.getProperty("paylink.deliver." + DeliveryRouting.key(type));
        assertThat(value).as("application.properties documents paylink.deliver." + DeliveryRouting.key(type) + " for " + type).isNotNull();
        return value.strip().equalsIgnoreCase("none") ? List.of()
                : Arrays.stream(value.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
    }

    @Test
    void theKeyOfATypeTurnsDotsAndUnderscoresIntoDashes() {
        assertThat(DeliveryRouting.key("payment.status_changed")).isEqualTo("payment-status-changed");
        assertThat(DeliveryRouting.key("file.completed")).isEqualTo("file-completed");
    }

    @Test
    void theReadmeShowsTheSameDefaultsAsApplicationProperties() throws IOException {
        Properties documented = applicationProperties();
        List<String> readme = Files.readAllLines(Path.of("README.md"));
        int header = readme.indexOf("| type | key | outputs |");
        assertThat(header).as("the README's routing table").isNotNegative();
        List<String> rows = readme.subList(header + 2, readme.size()).stream().takeWhile(l -> l.startsWith("|")).toList();
        for (String type : EventTypes.ALL) {
            String row = rows.stream().filter(l -> l.split("\\|")[1].contains("`" + type + "`")).findFirst()
                    .orElseThrow(() -> new AssertionError("the README's routing table has no row for " + type));
            String[] cells = row.split("\\|");
            assertThat(cells[2]).as("README key of " + type).contains("`" + DeliveryRouting.key(type) + "`");
            assertThat(cells[3].strip()).as("README outputs of " + type).startsWith("`" + String.join(",", documentedOutputs(documented, type)) + "`");
        }
    }

    @Test
    void everyEventTypeReachesExactlyItsDocumentedOutputs() throws Exception {
        Properties documented = applicationProperties();
        Set<String> toFile = new TreeSet<>();
        Set<String> toMail = new TreeSet<>();
        Set<String> toWebhook = new TreeSet<>();
        for (String type : EventTypes.ALL) {
            List<String> outputs = documentedOutputs(documented, type);
            (outputs.contains("file") ? toFile : new TreeSet<String>()).add(type);
            (outputs.contains("mail") ? toMail : new TreeSet<String>()).add(type);
            (outputs.contains("webhook") ? toWebhook : new TreeSet<String>()).add(type);
        }
        assertThat(toWebhook).as("the README promises these to webhooks").contains(EventTypes.PAYMENT_STATUS_CHANGED,
                EventTypes.FILE_COMPLETED, EventTypes.LINK_UNCERTAIN, EventTypes.LINK_RESOLVED);

        try (PaylinkApp app = PaylinkApp.start(data, Map.of("paylink.sandbox", "true", "paylink.deliver.poll-interval", "100"))) {
            EventBus bus = app.bean("eventBus", EventBus.class);
            for (String type : EventTypes.ALL) {
                bus.publish(TestEvents.sample(type, "routing-" + DeliveryRouting.key(type), Clock.systemUTC()));
            }
            WebhookReceiver receiver = app.bean("webhookReceiver", WebhookReceiver.class);
            Deliveries deliveries = app.bean("deliveries", Deliveries.class);

            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(receiver.received().stream()
                    .filter(WebhookReceiver.Received::signatureValid).map(WebhookReceiver.Received::eventType).collect(Collectors.toSet()))
                    .isEqualTo(toWebhook));
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(deliveries.all("mail"))
                    .allSatisfy(d -> assertThat(deliveries.state(d.id())).isEqualTo(Deliveries.DELIVERED))
                    .extracting(Delivery::eventType).containsExactlyInAnyOrderElementsOf(toMail));
            await().atMost(Duration.ofSeconds(10)).until(() -> emls(app.outbox().resolve("mail")) == toMail.size());

            assertThat(loggedTypes(app.outbox().resolve("events"))).containsExactlyInAnyOrderElementsOf(toFile);
            assertThat(deliveries.all("webhook")).extracting(Delivery::eventType).containsExactlyInAnyOrderElementsOf(toWebhook);
            assertThat(receiver.received()).hasSize(toWebhook.size()).allMatch(WebhookReceiver.Received::signatureValid);
        }
    }

    private static long emls(Path folder) throws IOException {
        if (!Files.isDirectory(folder)) {
            return 0;
        }
        try (var files = Files.list(folder)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".eml")).count();
        }
    }

    private static List<String> loggedTypes(Path events) throws IOException {
        ObjectMapper json = new ObjectMapper();
        try (var files = Files.list(events)) {
            return files.flatMap(f -> {
                try {
                    return Files.readAllLines(f).stream();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).map(line -> {
                try {
                    return json.readTree(line).get("type").asText();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).toList();
        }
    }
}
