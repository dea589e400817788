package dev.paylink.observe;

import dev.paylink.ledger.Deliveries;
import dev.paylink.ledger.Ledger;
import dev.paylink.ledger.TrackedLinks;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Counts read from the ledger database for metrics and the delivery check, reused for {@code maxAge}: however often
 * Prometheus scrapes and orchestrators probe, the database sees one round of these queries per {@code maxAge} at most
 * (rows by status, the delivery queue's PENDING and DEAD rows, and the open tracked links when enrichment is on).
 */
final class Counts {

    /**
     * One reading. {@code trackedOpen} is -1 when enrichment is off; {@code failure} is set (and the rest empty) when the
     * database could not be read.
     */
    record Snapshot(Instant at, Map<String, Long> rows, List<Deliveries.Backlog> deliveries, long trackedOpen, String failure) {

        long rows(String status) {
            return rows.getOrDefault(status, 0L);
        }

        long deliveries(String output, String state) {
            return deliveries.stream().filter(b -> b.output().equals(output) && b.state().equals(state)).mapToLong(Deliveries.Backlog::count).sum();
        }

        /** Seconds since the oldest PENDING delivery of that output was queued; 0 when there is none. */
        double oldestPendingSeconds(String output) {
            return deliveries.stream().filter(b -> b.output().equals(output) && b.state().equals(Deliveries.PENDING) && b.oldestCreatedAt() != null)
                    .mapToDouble(b -> Math.max(0, Duration.between(b.oldestCreatedAt(), at).toMillis() / 1000.0)).max().orElse(0);
        }
    }

    private final Supplier<Map<String, Long>> rows;
    private final Supplier<List<Deliveries.Backlog>> deliveries;
    private final Supplier<Long> trackedOpen;
    private final Duration maxAge;
    private final Clock clock;
    private final Redactor redactor;
    private Snapshot last;

    Counts(Supplier<Map<String, Long>> rows, Supplier<List<Deliveries.Backlog>> deliveries, Supplier<Long> trackedOpen, Duration maxAge,
           Clock clock, Redactor redactor) {
        this.rows = rows;
        this.deliveries = deliveries;
        this.trackedOpen = trackedOpen;
        this.maxAge = maxAge;
        this.clock = clock;
        this.redactor = redactor;
    }

    /**
     * Everything the metrics show. {@code trackedLinks} is null when enrichment is off. Rows by status is the dear part: about
     * a scan of the ledger (no index on state, see migration V11), so it is read once per {@code maxAge}.
     */
    static Counts of(Ledger ledger, Deliveries deliveries, TrackedLinks trackedLinks, Duration maxAge, Clock clock, Redactor redactor) {
        return new Counts(ledger::countByState, deliveries::countByState, trackedLinks == null ? () -> -1L : trackedLinks::open, maxAge, clock,
                redactor);
    }

    /** Only the delivery queue, for the delivery check: a health probe never waits for the rows to be counted. */
    static Counts deliveriesOnly(Deliveries deliveries, Duration maxAge, Clock clock, Redactor redactor) {
        return new Counts(Map::of, deliveries::countByState, () -> -1L, maxAge, clock, redactor);
    }

    /** The last reading if it is younger than {@code maxAge}, else a new one (one caller reads, the others wait for it). */
    synchronized Snapshot get() {
        Instant now = clock.instant();
        if (last == null || !now.isBefore(last.at().plus(maxAge))) {
            last = read(now);
        }
        return last;
    }

    private Snapshot read(Instant now) {
        try {
            return new Snapshot(now, Map.copyOf(rows.get()), List.copyOf(deliveries.get()), trackedOpen.get(), null);
        } catch (RuntimeException e) {
            return new Snapshot(now, Map.of(), List.of(), -1, redactor.clean(String.valueOf(e.getMessage())));
        }
    }
}
