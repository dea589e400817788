package dev.paylink.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.paylink.intake.AcceptedRow;
import dev.paylink.smartpay.PaymentLinkSnapshot;
import dev.paylink.smartpay.PaymentStatusClass;
import dev.paylink.support.TestDatabases;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Two enrichment cycles (two instances on one PostgreSQL ledger) never look up the same tracked link at once: each
 * claims the links it takes; an outcome lets the claim go; a cycle that died holds its links until the lease lapses.
 */
class TrackedLinkClaimsTest {

    private static final Instant T0 = Instant.parse("2026-11-30T10:00:00Z");

    private final HikariDataSource db = TestDatabases.postgres();
    private final HikariDataSource other = TestDatabases.anotherPool(db);
    private final TrackedLinks one = new TrackedLinks(db);
    private final TrackedLinks two = new TrackedLinks(other);

    @AfterEach
    void drop() {
        other.close();
        TestDatabases.dropPostgres(db);
    }

    private void track(int n) {
        Ledger.migrate(db);
        Ledger ledger = new Ledger(db, Clock.fixed(T0, ZoneOffset.UTC));
        FileRun run = ledger.beginRun("tracking.csv", "7".repeat(64));
        List<AcceptedRow> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            rows.add(new AcceptedRow(i + 2, "track:PL-" + i, null, null, "PL-" + i));
        }
        ledger.accept(run, rows, List.of());
    }

    @Test
    void twoCyclesClaimingAtOnceTakeDisjointLinks() throws Exception {
        track(200);
        Instant now = T0.plusSeconds(1);
        ExecutorService cycles = Executors.newFixedThreadPool(2);
        try {
            Set<String> all = new HashSet<>();
            int taken = 0;
            // several rounds of both instances asking at the same moment, each round's cycles going on (holding what they took)
            for (int round = 0; round < 5; round++) {
                CyclicBarrier together = new CyclicBarrier(2);
                TrackedLinks atOne = new TrackedLinks(db);
                TrackedLinks atTwo = new TrackedLinks(other);
                Future<List<TrackedLink>> a = cycles.submit(() -> {
                    together.await();
                    return atOne.due(now, 30);
                });
                Future<List<TrackedLink>> b = cycles.submit(() -> {
                    together.await();
                    return atTwo.due(now, 30);
                });
                for (TrackedLink link : a.get()) {
                    all.add(link.paymentLinkId());
                    taken++;
                }
                for (TrackedLink link : b.get()) {
                    all.add(link.paymentLinkId());
                    taken++;
                }
            }
            assertThat(taken).as("nothing taken twice").isEqualTo(all.size());
            assertThat(all).hasSize(200);
        } finally {
            cycles.shutdownNow();
        }
    }

    @Test
    void anOutcomeLetsTheClaimGoAndACrashedCyclesClaimLapses() {
        track(3);
        Instant now = T0.plusSeconds(1);
        List<TrackedLink> taken = one.due(now, 10);
        assertThat(taken).extracting(TrackedLink::paymentLinkId).containsExactly("PL-0", "PL-1", "PL-2");
        assertThat(two.due(now, 10)).as("held by the other cycle").isEmpty();

        one.recordFailure("PL-0", "HTTP 503", Duration.ofMinutes(5), now, now);
        assertThat(two.due(now, 10)).as("the failure let it go; due again at once").extracting(TrackedLink::paymentLinkId)
                .containsExactly("PL-0");
        two.recordFound("PL-0", new PaymentLinkSnapshot("PL-0", "CREATED", PaymentStatusClass.of("CREATED"), null, new BigDecimal("1.00"),
                "EUR", null, null, null, null, null), PaymentStatusClass.of("CREATED"), TrackedLinks.OPEN, Duration.ofMinutes(5), now.plus(Duration.ofDays(1)), now);

        // the cycle holding PL-1 and PL-2 died: they wait for the lease, then another cycle takes them
        Instant lapsed = now.plus(TrackedLinks.LEASE).plusSeconds(1);
        assertThat(two.due(now.plus(TrackedLinks.LEASE).minusSeconds(1), 10)).as("not before the lease lapsed").isEmpty();
        assertThat(two.due(lapsed, 10)).extracting(TrackedLink::paymentLinkId).containsExactly("PL-1", "PL-2");
    }

    @Test
    void theNextCycleOfTheSameInstanceLetsGoWhatThePreviousOneLeftHeld() {
        track(2);
        Instant now = T0.plusSeconds(1);
        assertThat(one.due(now, 10)).hasSize(2);
        // credentials refused: the cycle ended without an outcome for either; the next one takes them again at once
        assertThat(one.due(now.plusSeconds(300), 10)).hasSize(2);
        assertThat(two.due(now.plusSeconds(301), 10)).isEmpty();
    }
}
