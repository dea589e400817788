package dev.paylink.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.paylink.ledger.Resolution.Decision;
import dev.paylink.ledger.Resolution.Outcome;
import dev.paylink.smartml.ActionOutcome;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A person's decision about an UNCERTAIN entry is applied once, whatever is dropped again or at the same time; on every database. */
abstract class ResolutionLedgerContract {

    private static final String DROP = "a".repeat(64);
    private static final Instant DECIDED = Instant.parse("2025-03-01T09:30:00Z");

    private final HikariDataSource dataSource;
    private final Consumer<HikariDataSource> dispose;
    protected Ledger ledger;
    private FileRun run;

    /** A fresh database of the kind under test, and how to be rid of it afterwards. */
    protected ResolutionLedgerContract(Supplier<HikariDataSource> database, Consumer<HikariDataSource> dispose) {
        this.dataSource = database.get();
        this.dispose = dispose;
    }

    @AfterEach
    void dispose() {
        dispose.accept(dataSource);
    }

    /** orders.csv, completed: line 2 UNCERTAIN (k2), line 3 UNCERTAIN (k3), line 4 CREATED by onOffice (k4). */
    @BeforeEach
    void uncertainRows() {
        Ledger.migrate(dataSource);
        ledger = new Ledger(dataSource, Clock.systemUTC());
        run = ledger.beginRun("orders.csv", "0".repeat(64));
        ledger.accept(run, List.of(LedgerContract.row(2, "k2", "1"), LedgerContract.row(3, "k3", "2"), LedgerContract.row(4, "k4", "3")), List.of());
        ledger.markAccepted(run, 3, List.of());
        ledger.markSending(ledger.nextToSend(run, 0, 10));
        ledger.recordOutcomes(List.of(new ActionOutcome.Uncertain("k2", null, "HTTP 500"), new ActionOutcome.Uncertain("k3", null, "HTTP 500"),
                new ActionOutcome.Created("k4", "https://onoffice.invalid/4", true)));
        ledger.complete(run, "archive/orders.csv");
    }

    private static Resolution.Request created(String key, String sha, long line) {
        return new Resolution.Request(key, Decision.CREATED, "https://found.invalid/" + key, null, "fix.csv", sha, line, DECIDED);
    }

    @Test
    void aDecisionIsAppliedOnceAndADropLineRecordedIsAlreadyApplied() {
        Resolution.Result first = ledger.resolve(created("k2", DROP, 2));

        assertThat(first.outcome()).isEqualTo(Outcome.APPLIED);
        assertThat(ledger.entry("k2")).get().extracting(ResultLine::status, ResultLine::subsequentPaymentUrl)
                .containsExactly("CREATED", "https://found.invalid/k2");
        Resolution.Result again = ledger.resolve(created("k2", DROP, 2));
        assertThat(again.outcome()).isEqualTo(Outcome.ALREADY_APPLIED);
        assertThat(again.recorded().id()).isEqualTo(first.recorded().id());
        assertThat(ledger.resolutionOf(DROP, 2)).get().extracting(Resolution.Recorded::key).isEqualTo("k2");

        // Another drop about the same entry: it is no longer UNCERTAIN, and the refusal says who resolved it.
        Resolution.Result other = ledger.resolve(new Resolution.Request("k2", Decision.DROP, null, "not needed", "later.csv", "b".repeat(64), 5, DECIDED));
        assertThat(other.outcome()).isEqualTo(Outcome.REFUSED);
        assertThat(other.message()).startsWith("already resolved by drop fix.csv line 2 (created) at ").endsWith("; the entry is CREATED now");
        assertThat(ledger.entry("k2")).get().extracting(ResultLine::subsequentPaymentUrl).isEqualTo("https://found.invalid/k2");

        assertThat(ledger.unannouncedResolutions(10)).singleElement().satisfies(s -> {
            assertThat(s.recorded().decision()).isEqualTo(Decision.CREATED);
            assertThat(s.state()).isEqualTo("CREATED");
            assertThat(s.decidedAt()).isEqualTo(DECIDED);
            assertThat(s.run().fileName()).isEqualTo("orders.csv");
            assertThat(s.line()).isEqualTo(2);
        });
    }

    @Test
    void onlyAnUncertainEntryIsResolvedAndRejectedOrDroppedKeepTheReason() {
        assertThat(ledger.resolve(created("k4", DROP, 2)).message()).isEqualTo("the entry is CREATED, not UNCERTAIN: only UNCERTAIN entries are resolved");
        assertThat(ledger.entry("k4")).get().extracting(ResultLine::subsequentPaymentUrl).isEqualTo("https://onoffice.invalid/4");

        ledger.resolve(new Resolution.Request("k2", Decision.REJECTED, null, "customer cancelled", "fix.csv", DROP, 3, DECIDED));
        ledger.resolve(new Resolution.Request("k3", Decision.DROP, null, "test row", "fix.csv", DROP, 4, DECIDED));
        assertThat(ledger.entry("k2")).get().extracting(ResultLine::status, ResultLine::message).containsExactly("REJECTED", "customer cancelled");
        assertThat(ledger.entry("k3")).get().extracting(ResultLine::status, ResultLine::message).containsExactly("REJECTED", "dropped by a person: test row");
    }

    @Test
    void concurrentDecisionsAboutOneEntryApplyExactlyOne() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Callable<Resolution.Result>> tasks = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                String sha = String.valueOf(i).repeat(64);
                tasks.add(() -> ledger.resolve(created("k3", sha, 2)));
                tasks.add(() -> ledger.resolve(created("k2", DROP, 7)));
            }
            List<Outcome> k3 = new ArrayList<>();
            List<Outcome> k2 = new ArrayList<>();
            List<Future<Resolution.Result>> results = pool.invokeAll(tasks);
            for (int i = 0; i < results.size(); i++) {
                (i % 2 == 0 ? k3 : k2).add(results.get(i).get().outcome());
            }
            // Four drops about k3: one applies, three find it resolved. One drop line four times: applied once.
            assertThat(k3).containsExactlyInAnyOrder(Outcome.APPLIED, Outcome.REFUSED, Outcome.REFUSED, Outcome.REFUSED);
            assertThat(k2).containsExactlyInAnyOrder(Outcome.APPLIED, Outcome.ALREADY_APPLIED, Outcome.ALREADY_APPLIED, Outcome.ALREADY_APPLIED);
            assertThat(ledger.unannouncedResolutions(10)).hasSize(2);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aResendBeingSentByALiveInstanceIsLeftAloneAndBecomesUncertainOnceThatInstanceIsGone() throws Exception {
        ledger.resolve(new Resolution.Request("k2", Decision.RESEND, null, null, "fix.csv", DROP, 2, DECIDED));
        java.time.Duration lease = java.time.Duration.ofSeconds(30);
        try (org.apache.camel.CamelContext camel = new org.apache.camel.impl.DefaultCamelContext()) {
            OwnerLocks nodeA = new OwnerLocks(dataSource, camel, "node-a", lease, java.time.Duration.ofSeconds(10));
            nodeA.start();
            nodeA.register();
            Ledger sentByA = new Ledger(dataSource, Clock.systemUTC(), "node-a");
            assertThat(sentByA.markSending(sentByA.pendingResends(10))).hasSize(1);

            // node-b starts while node-a's request is out: node-a renews its instance lock, so its resend is not touched.
            Ledger nodeB = new Ledger(dataSource, Clock.systemUTC(), "node-b");
            assertThat(nodeB.markResendsInterrupted(true, Instant.now().minus(lease))).isZero();
            assertThat(ledger.entry("k2")).get().extracting(ResultLine::status).isEqualTo("SENDING");

            // node-a is gone (its instance lock released here; after a kill, no longer renewed): the resend is UNCERTAIN.
            nodeA.stop();
            assertThat(nodeB.markResendsInterrupted(false, Instant.now().minus(lease))).isEqualTo(1);
            assertThat(ledger.entry("k2")).get().extracting(ResultLine::status).isEqualTo("UNCERTAIN");
            nodeA.shutdown();
        }
    }

    @Test
    void aResendIsReceivedAgainAndOneCutOffWhileSendingBecomesUncertainNotResent() {
        Resolution.Result r = ledger.resolve(new Resolution.Request("k2", Decision.RESEND, null, null, "fix.csv", DROP, 2, DECIDED));
        assertThat(r.recorded().newState()).isEqualTo("RECEIVED");
        assertThat(ledger.pendingResends(10)).extracting(LedgerEntry::key).containsExactly("k2");
        assertThat(ledger.receivedEntries(List.of("k2", "k3", "k4"))).singleElement().satisfies(e -> {
            assertThat(e.line()).isEqualTo(2);
            assertThat(e.request().priceNetText()).isEqualTo("12.50");
        });
        assertThat(ledger.unannouncedResolutions(10)).as("not settled while waiting to be sent").isEmpty();

        // The resend's request is out when the process dies: at the next start it is UNCERTAIN, never sent again by itself.
        assertThat(ledger.markSending(ledger.pendingResends(10))).hasSize(1);
        assertThat(ledger.markResendsInterrupted()).isEqualTo(1);
        assertThat(ledger.entry("k2")).get().extracting(ResultLine::status).isEqualTo("UNCERTAIN");
        assertThat(ledger.pendingResends(10)).isEmpty();

        List<Resolution.Settled> settled = ledger.unannouncedResolutions(10);
        assertThat(settled).singleElement().extracting(Resolution.Settled::state).isEqualTo("UNCERTAIN");
        ledger.markAnnounced(List.of(settled.get(0).recorded().id()));
        assertThat(ledger.unannouncedResolutions(10)).isEmpty();
        assertThat(ledger.markResendsInterrupted()).isZero();
    }

    @Test
    void aResendWaitsUntilItsFileIsDoneButOtherDecisionsDoNot() {
        FileRun open = ledger.beginRun("running.csv", "9".repeat(64));
        ledger.accept(open, List.of(LedgerContract.row(2, "r2", "7"), LedgerContract.row(3, "r3", "8")), List.of());
        ledger.markSending(ledger.nextToSend(open, 0, 10));
        ledger.recordOutcomes(List.of(new ActionOutcome.Uncertain("r2", null, "late"), new ActionOutcome.Uncertain("r3", null, "late")));

        Resolution.Result resend = ledger.resolve(new Resolution.Request("r2", Decision.RESEND, null, null, "fix.csv", DROP, 2, DECIDED));
        assertThat(resend.outcome()).isEqualTo(Outcome.REFUSED);
        assertThat(resend.message()).contains("running.csv is still being processed");
        assertThat(ledger.entry("r2")).get().extracting(ResultLine::status).isEqualTo("UNCERTAIN");
        assertThat(ledger.resolve(created("r3", DROP, 3)).outcome()).isEqualTo(Outcome.APPLIED);
        assertThat(ledger.resolutionTargets("running.csv", 3)).singleElement().extracting(Resolution.Target::fileStatus).isEqualTo("PROCESSING");
    }
}
