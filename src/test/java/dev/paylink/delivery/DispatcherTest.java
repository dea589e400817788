package dev.paylink.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.zaxxer.hikari.HikariDataSource;
import dev.paylink.events.Event;
import dev.paylink.events.EventLog;
import dev.paylink.ledger.Deliveries;
import dev.paylink.ledger.Ledger;
import dev.paylink.support.MutableClock;
import dev.paylink.support.TestDatabases;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The durable delivery queue, its retry schedule, dead letters and replay, on a clock the test moves. */
class DispatcherTest {

    private static final Instant START = Instant.parse("2026-11-21T10:00:00Z");

    @TempDir
    Path outbox;

    private final MutableClock clock = new MutableClock(START);
    private final HikariDataSource db = TestDatabases.h2();
    /** Only for its ExecutorServiceManager: the dispatcher's pools are Camel's. */
    private final org.apache.camel.CamelContext camel = new org.apache.camel.impl.DefaultCamelContext();
    private Deliveries queue;
    private DeadLetters deadLetters;
    private EventBus bus;
    private Dispatcher dispatcher;
    private final ScriptedOutput webhook = new ScriptedOutput("webhook");
    private final ScriptedOutput mail = new ScriptedOutput("mail");

    /** An output whose answers the test decides; it records every try. */
    static final class ScriptedOutput implements Output {
        private final String name;
        volatile Function<Delivery, DeliveryResult> answer = d -> new DeliveryResult.Delivered("ok");
        // Read (streamed, asserted) while the dispatcher's threads add: a copy-on-write list iterates a snapshot, where a
        // synchronizedList's stream would throw ConcurrentModificationException (as PausedSendingTest once did on CI).
        final List<Delivery> tries = new CopyOnWriteArrayList<>();

        volatile boolean isolating;

        ScriptedOutput(String name) {
            this.name = name;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public boolean isolatesTargets() {
            return isolating;
        }

        @Override
        public DeliveryResult deliver(Delivery d) {
            tries.add(d);
            return answer.apply(d);
        }
    }

    @BeforeEach
    void setUp() {
        Ledger.migrate(db);
        queue = new Deliveries(db);
        deadLetters = new DeadLetters(outbox.resolve("deadletter"), queue, clock);
        DeliveryRouting routing = new DeliveryRouting(Map.of("file.completed", List.of("file", "mail", "webhook"),
                "link.created", List.of("file")), Map.of("file.completed", "ops@example.invalid"),
                List.of("http://127.0.0.1:1/a", "http://127.0.0.1:1/b"));
        bus = new EventBus(new EventLog(outbox.resolve("events")), queue, routing, Set.of("file", "mail", "webhook"), clock);
        dispatcher = new Dispatcher(queue, Map.of("webhook", webhook, "mail", mail), deadLetters,
                new Dispatcher.Settings(6, Duration.ofSeconds(20), Duration.ofMinutes(10), 4, 100), clock, camel.getExecutorServiceManager(), Map.of("webhook", 50));
    }

    @AfterEach
    void tearDown() throws Exception {
        dispatcher.close();
        camel.close();
        db.close();
    }

    private Event<Map<String, String>> event(String type) {
        return Event.stable(type, "x", Map.of("file", "orders.csv"), clock);
    }

    @Test
    void eventIdsAreStableWithinALedgerAndDistinctAcrossLedgers() throws Exception {
        DeliveryRouting routing = new DeliveryRouting(Map.of("file.completed", List.of("file")), Map.of(), List.of());
        EventBus ledgerA = new EventBus(new EventLog(outbox.resolve("a")), queue, routing, Set.of("file"), clock, "ledger-a");
        EventBus ledgerB = new EventBus(new EventLog(outbox.resolve("b")), queue, routing, Set.of("file"), clock, "ledger-b");
        ledgerA.publish(event("file.completed"));
        ledgerA.publish(event("file.completed"));
        ledgerB.publish(event("file.completed"));

        List<String> a = Files.readAllLines(outbox.resolve("a/events-2026-11-21.ndjson"));
        List<String> b = Files.readAllLines(outbox.resolve("b/events-2026-11-21.ndjson"));
        String idA = new com.fasterxml.jackson.databind.ObjectMapper().readTree(a.get(0)).get("id").asText();
        String idB = new com.fasterxml.jackson.databind.ObjectMapper().readTree(b.get(0)).get("id").asText();
        // A re-emit (after a crash) keeps its id; a reset or replaced ledger never repeats another's.
        assertThat(a).hasSize(2).allMatch(line -> line.contains(idA));
        assertThat(idB).isNotEqualTo(idA);
    }

    @Test
    void anEventGoesToTheLogAndToEveryConfiguredTargetOnce() throws Exception {
        bus.publish(event("file.completed"));
        bus.publish(event("file.completed"));
        bus.publish(event("link.created"));

        assertThat(queue.all("webhook")).extracting(Delivery::target).containsExactly("http://127.0.0.1:1/a", "http://127.0.0.1:1/b");
        assertThat(queue.all("mail")).extracting(Delivery::target).containsExactly("ops@example.invalid");
        List<String> log = Files.readAllLines(outbox.resolve("events/events-2026-11-21.ndjson"));
        assertThat(log).hasSize(3);
        JsonNode first = new ObjectMapper().readTree(log.get(0));
        assertThat(first.get("type").asText()).isEqualTo("file.completed");
        assertThat(first.get("createdAt").asText()).isEqualTo("2026-11-21T10:00:00Z");
        assertThat(queue.all("webhook").get(0).payload()).isEqualTo(log.get(0));
    }

    @Test
    void aFailingReceiverIsRetriedSixTimesOverAboutTenMinutesThenDeadLettered() throws Exception {
        webhook.answer = d -> new DeliveryResult.Retry("HTTP 503", null);
        bus.publish(event("file.completed"));

        List<Instant> tries = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            if (dispatcher.dispatch("webhook") > 0) {
                tries.add(clock.instant());
            }
            clock.advance(Duration.ofSeconds(20));
        }
        // Two URLs: each tried 6 times, at 0, 20, 60, 140, 300, 620 seconds.
        assertThat(webhook.tries).hasSize(12);
        assertThat(tries).containsExactly(START, START.plusSeconds(20), START.plusSeconds(60), START.plusSeconds(140),
                START.plusSeconds(300), START.plusSeconds(620));
        assertThat(queue.all("webhook")).allSatisfy(d -> assertThat(queue.state(d.id())).isEqualTo(Deliveries.DEAD));
        try (var letters = Files.list(outbox.resolve("deadletter"))) {
            List<Path> files = letters.toList();
            assertThat(files).hasSize(2);
            JsonNode letter = new ObjectMapper().readTree(files.get(0).toFile());
            assertThat(letter.get("lastError").asText()).isEqualTo("HTTP 503");
            assertThat(letter.get("attempts").asInt()).isEqualTo(6);
            assertThat(letter.get("payload").asText()).isEqualTo(queue.all("webhook").get(0).payload());
        }
    }

    @Test
    void retryAfterIsHonouredAndAPermanentFailureIsDeadAtOnce() throws Exception {
        webhook.answer = d -> d.target().endsWith("/a") ? new DeliveryResult.Retry("HTTP 429", Duration.ofMinutes(3))
                : new DeliveryResult.Failed("HTTP 410: gone");
        bus.publish(event("file.completed"));
        dispatcher.dispatch("webhook");

        clock.advance(Duration.ofMinutes(2));
        assertThat(dispatcher.dispatch("webhook")).as("Retry-After of 3 minutes wins over the 20 s back-off").isZero();
        clock.advance(Duration.ofMinutes(1));
        assertThat(dispatcher.dispatch("webhook")).isEqualTo(1);
        Delivery gone = queue.all("webhook").stream().filter(d -> d.target().endsWith("/b")).findFirst().orElseThrow();
        assertThat(queue.state(gone.id())).isEqualTo(Deliveries.DEAD);
        assertThat(webhook.tries).filteredOn(d -> d.target().endsWith("/b")).hasSize(1);
    }

    @Test
    void aDeadLetterMovedToReplayIsSentAgain() throws Exception {
        mail.answer = d -> new DeliveryResult.Failed("550 mailbox unavailable");
        bus.publish(event("file.completed"));
        dispatcher.dispatch("mail");
        Path letter;
        try (var letters = Files.list(outbox.resolve("deadletter"))) {
            letter = letters.findFirst().orElseThrow();
        }

        mail.answer = d -> new DeliveryResult.Delivered("250 ok");
        deadLetters.replay(letter.toFile());
        assertThat(dispatcher.dispatch("mail")).isEqualTo(1);
        assertThat(queue.state(queue.all("mail").get(0).id())).isEqualTo(Deliveries.DELIVERED);
        assertThat(mail.tries).hasSize(2);
    }

    @Test
    void aReceiverThatHangsHoldsUpNoOtherOutput() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        mail.answer = d -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return new DeliveryResult.Delivered("late");
        };
        bus.publish(event("file.completed"));
        ExecutorService mailTimer = Executors.newSingleThreadExecutor();
        try {
            mailTimer.submit(() -> dispatcher.dispatch("mail"));
            await().atMost(Duration.ofSeconds(5)).until(() -> mail.tries.size() == 1);

            assertThat(dispatcher.dispatch("webhook")).isEqualTo(2);
            assertThat(queue.all("webhook")).allSatisfy(d -> assertThat(queue.state(d.id())).isEqualTo(Deliveries.DELIVERED));
        } finally {
            release.countDown();
            mailTimer.shutdown();
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> Deliveries.DELIVERED.equals(queue.state(queue.all("mail").get(0).id())));
    }

    @Test
    void somethingThatIsNotADeadLetterIsRefusedWithAReason() throws Exception {
        Path junk = Files.writeString(outbox.resolve("junk.json"), "{\"hello\": 1}");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> deadLetters.replay(junk.toFile()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("field eventId is missing");
    }

    @Test
    void aRetryAfterLongerThanTheBackoffCeilingIsHonouredUpToMaxRetryAfter() throws Exception {
        // max-backoff is 10 minutes, max-retry-after 1 hour: a receiver asking for 30 minutes gets them, one asking for 3 hours gets 1
        webhook.answer = d -> d.attempts() > 0 ? new DeliveryResult.Delivered("ok")
                : new DeliveryResult.Retry("HTTP 503", d.target().endsWith("/a") ? Duration.ofMinutes(30) : Duration.ofHours(3));
        bus.publish(event("file.completed"));
        assertThat(dispatcher.dispatch("webhook")).isEqualTo(2);

        clock.advance(Duration.ofMinutes(29));
        assertThat(dispatcher.dispatch("webhook")).as("not before the 30 minutes asked for").isZero();
        clock.advance(Duration.ofMinutes(1));
        assertThat(dispatcher.dispatch("webhook")).as("30 minutes is past max-backoff but within max-retry-after").isEqualTo(1);
        clock.advance(Duration.ofMinutes(29));
        assertThat(dispatcher.dispatch("webhook")).isZero();
        clock.advance(Duration.ofMinutes(1));
        assertThat(dispatcher.dispatch("webhook")).as("3 hours asked for, 1 hour granted").isEqualTo(1);
        assertThat(webhook.tries).extracting(Delivery::target).containsExactlyInAnyOrder("http://127.0.0.1:1/a", "http://127.0.0.1:1/b",
                "http://127.0.0.1:1/a", "http://127.0.0.1:1/b");
    }

    @Test
    void eachFailedTryIsOneWarnLineInWordsAndADeadDeliveryOneErrorLine() throws Exception {
        ch.qos.logback.classic.Logger dispatcherLog = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(Dispatcher.class);
        ch.qos.logback.classic.Logger letterLog = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(DeadLetters.class);
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> logs = new ch.qos.logback.core.read.ListAppender<>();
        logs.start();
        dispatcherLog.addAppender(logs);
        letterLog.addAppender(logs);
        try {
            webhook.answer = d -> d.target().endsWith("/a") ? new DeliveryResult.Retry("HTTP 429", Duration.ofMinutes(5))
                    : new DeliveryResult.Failed("HTTP 410: gone");
            bus.publish(event("file.completed"));
            dispatcher.dispatch("webhook");
        } finally {
            dispatcherLog.detachAppender(logs);
            letterLog.detachAppender(logs);
        }
        List<String> lines = logs.list.stream().filter(e -> e.getLevel().isGreaterOrEqual(ch.qos.logback.classic.Level.WARN))
                .map(e -> e.getLevel() + " " + e.getFormattedMessage()).toList();
        assertThat(lines).hasSize(2);
        assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("WARN webhook of file.completed ").contains(" to http://127.0.0.1:1/a failed "
                + "(try 1 of 6): HTTP 429; next try in 5 min (the receiver's Retry-After)"));
        assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("ERROR webhook of file.completed ")
                .contains(" to http://127.0.0.1:1/b given up after 1 try (HTTP 410: gone)"));
        assertThat(String.join("\n", lines)).doesNotContain("PT", "Retry[", "Failed[", "Delivery[");
    }

    @Test
    void aTargetThatHangsWithABacklogNeverHoldsUpAnotherTargetOfTheSameOutput() throws Exception {
        webhook.isolating = true;
        CountDownLatch release = new CountDownLatch(1);
        webhook.answer = d -> {
            if (d.target().endsWith("/slow")) {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return new DeliveryResult.Delivered("ok");
        };
        DeliveryRouting routing = new DeliveryRouting(Map.of("file.completed", List.of("webhook")), Map.of(),
                List.of("http://127.0.0.1:1/slow", "http://127.0.0.1:1/fast"));
        EventBus twoTargets = new EventBus(new EventLog(outbox.resolve("events")), queue, routing, Set.of("file", "webhook"), clock);
        try {
            for (int i = 0; i < 20; i++) {
                twoTargets.publish(Event.stable("file.completed", "backlog-" + i, Map.of("file", "f" + i), clock));
            }
            // a tick never waits for a receiver: the slow lane holds its limit of 4 in flight, the fast one goes on
            assertThat(dispatcher.tick("webhook")).isEqualTo(40);
            await().atMost(Duration.ofSeconds(5)).until(() -> queue.all("webhook").stream()
                    .filter(d -> d.target().endsWith("/fast")).allMatch(d -> Deliveries.DELIVERED.equals(queue.state(d.id()))));
            assertThat(webhook.tries).filteredOn(d -> d.target().endsWith("/slow")).hasSize(4);
            // more events while the slow lane is stuck: the next tick sends them to the fast one at once
            for (int i = 20; i < 25; i++) {
                twoTargets.publish(Event.stable("file.completed", "backlog-" + i, Map.of("file", "f" + i), clock));
            }
            dispatcher.tick("webhook");
            await().atMost(Duration.ofSeconds(5)).until(() -> webhook.tries.stream().filter(d -> d.target().endsWith("/fast")).count() == 25);
            assertThat(webhook.tries).filteredOn(d -> d.target().endsWith("/slow")).hasSize(4);
        } finally {
            release.countDown();
        }
        // once the slow receiver answers, its backlog drains without waiting for more ticks than needed
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            dispatcher.tick("webhook");
            assertThat(queue.all("webhook")).allSatisfy(d -> assertThat(queue.state(d.id())).isEqualTo(Deliveries.DELIVERED));
        });
        assertThat(webhook.tries).hasSize(50).extracting(Delivery::id).doesNotHaveDuplicates();
    }

    @Test
    void replayAllOfAnEndpointSendsEveryDeadDeliveryOfThatEndpointOnly() throws Exception {
        DeadLetters named = new DeadLetters(outbox.resolve("deadletter"), outbox.resolve("replay"), queue, clock, Set.of("crm", "ops"));
        Dispatcher d2 = new Dispatcher(queue, Map.of("webhook", webhook), named, new Dispatcher.Settings(1, Duration.ofSeconds(20),
                Duration.ofMinutes(10), 4, 100), clock, camel.getExecutorServiceManager(), Map.of("webhook", 50));
        try {
            DeliveryRouting routing = new DeliveryRouting(Map.of("file.completed", List.of("webhook")), Map.of(), List.of("crm", "ops"));
            EventBus endpoints = new EventBus(new EventLog(outbox.resolve("events")), queue, routing, Set.of("file", "webhook"), clock);
            for (int i = 0; i < 3; i++) {
                endpoints.publish(Event.stable("file.completed", "dead-" + i, Map.of("file", "f" + i), clock));
            }
            webhook.answer = d -> new DeliveryResult.Retry("HTTP 503", null);
            d2.dispatch("webhook");
            assertThat(queue.all("webhook")).allSatisfy(d -> assertThat(queue.state(d.id())).isEqualTo(Deliveries.DEAD));
            List<Path> letters;
            try (var files = Files.list(outbox.resolve("deadletter"))) {
                letters = files.toList();
            }
            assertThat(letters).hasSize(6).filteredOn(f -> f.getFileName().toString().endsWith("-webhook-crm.json")).hasSize(3);
            // one letter of crm was deleted by hand: the ledger still knows it is dead, and replay-all sends it too
            Files.delete(letters.stream().filter(f -> f.getFileName().toString().endsWith("-webhook-crm.json")).findFirst().orElseThrow());

            webhook.answer = d -> new DeliveryResult.Delivered("ok");
            Path request = Files.createDirectories(outbox.resolve("replay")).resolve("crm.replay-all");
            Files.createFile(request);
            assertThat(named.replayAll(request.toFile())).isEqualTo(3);
            d2.dispatch("webhook");

            assertThat(queue.all("webhook")).filteredOn(d -> d.target().equals("crm"))
                    .allSatisfy(d -> assertThat(queue.state(d.id())).isEqualTo(Deliveries.DELIVERED));
            assertThat(queue.all("webhook")).filteredOn(d -> d.target().equals("ops"))
                    .allSatisfy(d -> assertThat(queue.state(d.id())).isEqualTo(Deliveries.DEAD));
            try (var files = Files.list(outbox.resolve("deadletter"))) {
                assertThat(files.map(f -> f.getFileName().toString())).hasSize(3).allMatch(n -> n.endsWith("-webhook-ops.json"));
            }
            try (var files = Files.list(outbox.resolve("replay/.replayed"))) {
                assertThat(files.map(f -> f.getFileName().toString())).hasSize(2).allMatch(n -> n.endsWith("-webhook-crm.json"));
            }
            Path typo = Files.createFile(outbox.resolve("replay/crn.replay-all"));
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> named.replayAll(typo.toFile()))
                    .isInstanceOf(IllegalArgumentException.class).hasMessage("crn.replay-all names no webhook endpoint; configured: crm, ops");
        } finally {
            d2.close();
        }
    }
}
