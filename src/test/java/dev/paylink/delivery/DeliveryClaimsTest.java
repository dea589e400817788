package dev.paylink.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariDataSource;
import dev.paylink.ledger.Deliveries;
import dev.paylink.ledger.Ledger;
import dev.paylink.support.TestDatabases;
import java.io.File;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Two instances on one PostgreSQL ledger (each its own pool, queue and dispatcher, as two processes would have): each
 * delivery goes out once, an event enqueued by both is one delivery, a lapsed claim is taken over, and an outcome under
 * a claim that was taken over counts for nothing. The claim itself also on H2, the default single-instance ledger.
 */
class DeliveryClaimsTest {

    private static final Instant T0 = Instant.parse("2026-11-30T10:00:00Z");
    private static final Duration LEASE = Duration.ofMinutes(2);

    @TempDir
    Path outbox;

    private final List<AutoCloseable> closing = new ArrayList<>();
    private HikariDataSource first;

    @AfterEach
    void tearDown() throws Exception {
        for (int i = closing.size() - 1; i >= 0; i--) {
            closing.get(i).close();
        }
        if (first != null && first.getJdbcUrl().startsWith("jdbc:postgresql:")) {
            TestDatabases.dropPostgres(first);
        } else if (first != null) {
            first.close();
        }
    }

    /** The queues of two instances on one migrated ledger, each on a pool of its own. */
    private Deliveries[] queues(String kind) {
        first = kind.equals("postgres") ? TestDatabases.postgres() : TestDatabases.h2();
        Ledger.migrate(first);
        HikariDataSource second = TestDatabases.anotherPool(first);
        closing.add(second);
        return new Deliveries[] {new Deliveries(first, "one", LEASE), new Deliveries(second, "two", LEASE)};
    }

    private static Deliveries.Request request(String event, String target) {
        return new Deliveries.Request(event, "file.completed", "webhook", target, "{\"id\":\"" + event + "\"}");
    }

    /** {@code n} events, spread over {@code targets} endpoints crm-0, crm-1 ... */
    private static List<Deliveries.Request> requests(int n, String prefix, int targets) {
        List<Deliveries.Request> requests = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            requests.add(request(prefix + i, "crm-" + (i % targets)));
        }
        return requests;
    }

    @Test
    void twoInstancesRacingOverOneQueueSendEachDeliveryExactlyOnce() throws Exception {
        Deliveries[] queues = queues("postgres");
        Deliveries one = queues[0];
        Deliveries two = queues[1];
        one.enqueue(requests(150, "ev-", 3), Instant.now());

        Map<Long, AtomicInteger> sent = new ConcurrentHashMap<>();
        Map<String, AtomicInteger> byInstance = new ConcurrentHashMap<>();
        Dispatcher a = dispatcher(one, counting("one", sent, byInstance), Clock.systemUTC());
        Dispatcher b = dispatcher(two, counting("two", sent, byInstance), Clock.systemUTC());
        AtomicBoolean stop = new AtomicBoolean();
        ExecutorService timers = Executors.newFixedThreadPool(2);
        closing.add(timers::shutdownNow);
        for (Dispatcher d : List.of(a, b)) {
            // each instance's delivery timer, ticking as fast as it can: the tightest race there is
            timers.submit(() -> {
                while (!stop.get()) {
                    d.tick();
                }
                return null;
            });
        }
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> one.all("webhook").stream()
                    .allMatch(d -> Deliveries.DELIVERED.equals(one.state(d.id()))));
        } finally {
            stop.set(true);
        }
        assertThat(sent).hasSize(150);
        assertThat(sent.values()).as("tries per delivery").allSatisfy(n -> assertThat(n.get()).isEqualTo(1));
        assertThat(byInstance.values().stream().mapToInt(AtomicInteger::get).sum()).isEqualTo(150);
    }

    @Test
    void aDeliveryGivenUpIsOneDeadLetterWhenTwoInstancesSendIt() throws Exception {
        Deliveries[] queues = queues("postgres");
        Deliveries one = queues[0];
        Deliveries two = queues[1];
        one.enqueue(requests(40, "gone-", 1), Instant.now());
        Map<String, AtomicInteger> letters = new ConcurrentHashMap<>();
        Output refusing = webhook(d -> new DeliveryResult.Failed("HTTP 410: gone"));
        Dispatcher a = dispatcher(one, refusing, Clock.systemUTC(), counting(letters, one));
        Dispatcher b = dispatcher(two, refusing, Clock.systemUTC(), counting(letters, two));
        ExecutorService timers = Executors.newFixedThreadPool(2);
        closing.add(timers::shutdownNow);
        CyclicBarrier together = new CyclicBarrier(2);
        List<Future<Integer>> ticks = new ArrayList<>();
        for (Dispatcher d : List.of(a, b)) {
            ticks.add(timers.submit(() -> {
                together.await();
                return d.dispatch("webhook");
            }));
        }
        int taken = 0;
        for (Future<Integer> t : ticks) {
            taken += t.get();
        }
        assertThat(taken).as("taken up by the two in all").isEqualTo(40);
        assertThat(one.all("webhook")).allSatisfy(d -> assertThat(one.state(d.id())).isEqualTo(Deliveries.DEAD));
        assertThat(letters).hasSize(40);
        assertThat(letters.values()).allSatisfy(n -> assertThat(n.get()).isEqualTo(1));
    }

    @Test
    void theSameEventEnqueuedByTwoInstancesAtOnceIsOneDeliveryAndNoError() throws Exception {
        Deliveries[] queues = queues("postgres");
        Deliveries one = queues[0];
        Deliveries two = queues[1];
        ExecutorService both = Executors.newFixedThreadPool(2);
        closing.add(both::shutdownNow);
        int added = 0;
        for (int i = 0; i < 30; i++) {
            List<Deliveries.Request> same = List.of(request("twice-" + i, "crm"), request("twice-" + i, "ops"));
            CyclicBarrier together = new CyclicBarrier(2);
            Future<Integer> a = both.submit(() -> {
                together.await();
                return one.enqueue(same, T0);
            });
            Future<Integer> b = both.submit(() -> {
                together.await();
                return two.enqueue(same, T0);
            });
            added += a.get() + b.get();
        }
        assertThat(added).isEqualTo(60);
        assertThat(one.all("webhook")).hasSize(60);
    }

    @ParameterizedTest
    @ValueSource(strings = {"postgres", "h2"})
    void aClaimThatLapsedIsTakenOverAndTheStaleHoldersOutcomeIsIgnored(String kind) {
        Deliveries[] queues = queues(kind);
        Deliveries one = queues[0];
        Deliveries two = queues[1];
        one.enqueue(List.of(request("ev-1", "crm"), request("ev-2", "crm")), T0);

        List<Delivery> takenByOne = one.claimDue("webhook", "crm", T0, 10);
        assertThat(takenByOne).hasSize(2).allSatisfy(d -> assertThat(d.claim()).startsWith("one#"));
        assertThat(two.claimDue("webhook", "crm", T0.plusSeconds(30), 10)).as("held by one").isEmpty();
        assertThat(two.dueTargets("webhook", T0.plusSeconds(30))).isEmpty();
        assertThat(one.renew(takenByOne.get(1), T0.plusSeconds(60))).as("one's second try starts: its claim holds on").isTrue();

        // one dies (or stalls) with both: after the lease, two takes the first; the second was renewed and is held still
        Instant lapsed = T0.plus(LEASE).plusSeconds(1);
        List<Delivery> takenByTwo = two.claimDue("webhook", "crm", lapsed, 10);
        assertThat(takenByTwo).extracting(Delivery::id).containsExactly(takenByOne.get(0).id());
        Delivery stale = takenByOne.get(0);
        Delivery current = takenByTwo.get(0);

        assertThat(one.renew(stale, lapsed)).as("a try under a claim taken over does not start").isFalse();
        assertThat(one.delivered(stale, lapsed)).isFalse();
        assertThat(one.retryAt(stale, "HTTP 503", lapsed.plusSeconds(20), lapsed)).isFalse();
        assertThat(one.dead(stale, "HTTP 410", lapsed)).isFalse();
        assertThat(one.state(stale.id())).isEqualTo(Deliveries.PENDING);

        assertThat(two.delivered(current, lapsed)).isTrue();
        assertThat(two.state(current.id())).isEqualTo(Deliveries.DELIVERED);
        assertThat(two.delivered(current, lapsed)).as("recorded once").isFalse();
        assertThat(one.delivered(takenByOne.get(1), lapsed)).as("one's renewed claim is its own still").isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"postgres", "h2"})
    void aReleasedClaimIsFreeAtOnceAndARetryIsHeldByNobody(String kind) {
        Deliveries[] queues = queues(kind);
        Deliveries one = queues[0];
        Deliveries two = queues[1];
        one.enqueue(List.of(request("ev-1", "crm"), request("ev-1", "crm")), T0);
        assertThat(one.all("webhook")).as("enqueued once").hasSize(1);

        Delivery d = one.claimDue("webhook", null, T0, 10).get(0);
        one.release(d);
        Delivery again = two.claimDue("webhook", null, T0, 10).get(0);
        assertThat(again.claim()).isNotEqualTo(d.claim()).startsWith("two#");
        assertThat(two.retryAt(again, "HTTP 503", T0.plusSeconds(20), T0)).isTrue();
        assertThat(one.claimDue("webhook", null, T0.plusSeconds(19), 10)).as("not due yet").isEmpty();
        assertThat(one.claimDue("webhook", null, T0.plusSeconds(20), 10)).as("due, and the retry let the claim go").hasSize(1);
    }

    @Test
    void aReplayedDeadLetterIsRevivedOnceWhenEveryInstanceReplaysIt() throws Exception {
        Deliveries[] queues = queues("postgres");
        Deliveries one = queues[0];
        Deliveries two = queues[1];
        one.enqueue(List.of(request("ev-dead", "crm")), T0);
        Delivery d = one.claimDue("webhook", null, T0, 1).get(0);
        assertThat(one.dead(d, "HTTP 410", T0)).isTrue();
        Clock clock = Clock.fixed(T0.plusSeconds(60), java.time.ZoneOffset.UTC);
        Path letters = outbox.resolve("deadletter");
        File letter = new DeadLetters(letters, one, clock).write(d, 1, "HTTP 410", "crm").toFile();
        DeadLetters atOne = new DeadLetters(letters, one, clock);
        DeadLetters atTwo = new DeadLetters(letters, two, clock);

        atOne.replay(letter);
        Delivery revived = two.claimDue("webhook", null, T0.plusSeconds(60), 10).get(0);
        assertThat(two.delivered(revived, T0.plusSeconds(61))).isTrue();
        // the other instance reads the same file late: nothing is queued or revived again
        atTwo.replay(letter);
        assertThat(one.all("webhook")).hasSize(1);
        assertThat(one.state(d.id())).isEqualTo(Deliveries.DELIVERED);
        assertThat(one.claimDue("webhook", null, T0.plusSeconds(120), 10)).isEmpty();
    }

    private Dispatcher dispatcher(Deliveries queue, Output out, Clock clock) {
        return dispatcher(queue, out, clock, new DeadLetters(outbox.resolve("deadletter"), queue, clock));
    }

    private Dispatcher dispatcher(Deliveries queue, Output out, Clock clock, DeadLetters deadLetters) {
        CamelContext camel = new DefaultCamelContext();
        Dispatcher d = new Dispatcher(queue, Map.of("webhook", out), deadLetters, new Dispatcher.Settings(1, Duration.ofSeconds(20),
                Duration.ofMinutes(10), 4, 20), clock, camel.getExecutorServiceManager(), Map.of("webhook", 4));
        closing.add(camel);
        closing.add(d);
        return d;
    }

    /** Counts every try per delivery id, and per instance. */
    private static Output counting(String instance, Map<Long, AtomicInteger> sent, Map<String, AtomicInteger> byInstance) {
        return webhook(d -> {
            sent.computeIfAbsent(d.id(), k -> new AtomicInteger()).incrementAndGet();
            byInstance.computeIfAbsent(instance, k -> new AtomicInteger()).incrementAndGet();
            return new DeliveryResult.Delivered("ok");
        });
    }

    /** The webhook output, one lane per endpoint, answering as {@code answer} does. */
    private static Output webhook(Function<Delivery, DeliveryResult> answer) {
        return new Output() {
            @Override
            public String name() {
                return "webhook";
            }

            @Override
            public boolean isolatesTargets() {
                return true;
            }

            @Override
            public DeliveryResult deliver(Delivery d) {
                return answer.apply(d);
            }
        };
    }

    /** Counts the dead letters written per event. */
    private DeadLetters counting(Map<String, AtomicInteger> letters, Deliveries queue) {
        return new DeadLetters(outbox.resolve("deadletter"), queue, Clock.systemUTC()) {
            @Override
            public Path write(Delivery d, int attempts, String lastError, String destination) {
                letters.computeIfAbsent(d.eventId(), k -> new AtomicInteger()).incrementAndGet();
                return super.write(d, attempts, lastError, destination);
            }
        };
    }
}
