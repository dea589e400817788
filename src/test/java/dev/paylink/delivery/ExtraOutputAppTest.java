package dev.paylink.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.paylink.config.ConfigurationException;
import dev.paylink.events.Event;
import dev.paylink.events.EventTypes;
import dev.paylink.ledger.Deliveries;
import dev.paylink.support.PaylinkApp;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An extra output is one YAML route and two properties: examples/outputs/event-drop.camel.yaml, loaded from outside the
 * jar exactly as the README says, gets the events routed to it, under the same retry / dead-letter / replay policy as
 * mail and webhooks; an output named without its route stops the start with one line naming the key.
 */
class ExtraOutputAppTest {

    /** As documented in the example and the README. */
    static final String INCLUDE = "classpath:routes/*.camel.yaml,file:examples/outputs/*.camel.yaml";

    @TempDir
    Path data;

    private PaylinkApp app(Path folder, Map<String, String> more) throws Exception {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("paylink.sandbox", "true");
        p.put("paylink.deliver.poll-interval", "200");
        p.put("camel.main.routes-include-pattern", INCLUDE);
        // the two properties
        p.put("paylink.event-drop.folder", folder.toString());
        p.put("paylink.deliver.payment-status-changed", "file,event-drop");
        p.putAll(more);
        return PaylinkApp.start(data, p);
    }

    private static Event<Object> statusChanged(String tag) {
        return TestEvents.sample(EventTypes.PAYMENT_STATUS_CHANGED, tag, Clock.systemUTC());
    }

    private static List<Path> json(Path folder) throws Exception {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".json") && !f.getFileName().toString().startsWith(".")).toList();
        }
    }

    @Test
    void theExampleRouteWritesEveryEventRoutedToItAsOneJsonFile() throws Exception {
        Path folder = data.resolve("event-drop");
        try (PaylinkApp app = app(folder, Map.of())) {
            EventBus bus = app.bean("eventBus", EventBus.class);
            bus.publishAll(List.of(statusChanged("drop-1"), statusChanged("drop-2")));

            await().atMost(Duration.ofSeconds(15)).until(() -> json(folder).size() == 2);
            Deliveries deliveries = app.bean("deliveries", Deliveries.class);
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(deliveries.all("event-drop")).hasSize(2)
                    .allSatisfy(d -> assertThat(deliveries.state(d.id())).isEqualTo(Deliveries.DELIVERED)));
            for (Path file : json(folder)) {
                var event = new ObjectMapper().readTree(Files.readString(file, StandardCharsets.UTF_8));
                assertThat(file.getFileName().toString()).isEqualTo("payment.status_changed-" + event.get("id").asText() + ".json");
                assertThat(event.get("type").asText()).isEqualTo(EventTypes.PAYMENT_STATUS_CHANGED);
            }
            // the day's log still has them: the file output is untouched
            assertThat(deliveries.all("webhook")).isEmpty();
        }
    }

    @Test
    void aFailingExtraOutputIsRetriedThenDeadLetteredAndAReplayDeliversIt() throws Exception {
        // the folder cannot be created while a plain file stands in its place: every try throws
        Path folder = data.resolve("blocked");
        Files.createDirectories(data);
        Files.writeString(folder, "not a folder");
        try (PaylinkApp app = app(folder, Map.of("paylink.deliver.max-attempts", "3", "paylink.deliver.first-backoff", "100ms",
                "paylink.deliver.max-backoff", "200ms"))) {
            app.bean("eventBus", EventBus.class).publish(statusChanged("doomed"));

            Path letters = app.outbox().resolve("deadletter");
            await().atMost(Duration.ofSeconds(15)).until(() -> Files.isDirectory(letters) && DeliveryFlowLetters.count(letters) == 1);
            Deliveries deliveries = app.bean("deliveries", Deliveries.class);
            Delivery dead = deliveries.all("event-drop").get(0);
            assertThat(deliveries.state(dead.id())).isEqualTo(Deliveries.DEAD);
            assertThat(dead.attempts()).as("the shared policy: paylink.deliver.max-attempts tries").isEqualTo(3);
            Path letter;
            try (Stream<Path> files = Files.list(letters)) {
                letter = files.filter(f -> f.getFileName().toString().endsWith(".json")).findFirst().orElseThrow();
            }
            assertThat(Files.readString(letter)).contains("\"output\" : \"event-drop\"");

            // fixed: the folder can be made; the letter moved into the replay folder is sent again
            Files.delete(folder);
            Files.move(letter, app.outbox().resolve("replay").resolve(letter.getFileName()));
            await().atMost(Duration.ofSeconds(15)).until(() -> json(folder).size() == 1);
            await().atMost(Duration.ofSeconds(5)).until(() -> Deliveries.DELIVERED.equals(deliveries.state(dead.id())));
        }
    }

    @Test
    void anOutputWithoutItsRouteStopsTheStartNamingTheKey() {
        assertThatThrownBy(() -> app(data.resolve("x"), Map.of("paylink.deliver.payment-paid", "file,event-drip")).close())
                .satisfies(t -> {
                    ConfigurationException config = null;
                    for (Throwable c = t; c != null && config == null; c = c.getCause()) {
                        config = c instanceof ConfigurationException e ? e : null;
                    }
                    assertThat(config).as("Application turns it into exit status 2").isNotNull();
                    assertThat(config.lines()).containsExactly("configuration: paylink.deliver.payment-paid: names the output 'event-drip', but no "
                            + "route output-event-drip (from direct:output-event-drip) is loaded; add its file to camel.main.routes-include-pattern, "
                            + "or fix the name");
                });
    }
}
