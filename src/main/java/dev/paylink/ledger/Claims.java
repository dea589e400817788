package dev.paylink.ledger;

import java.net.InetAddress;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Claims on rows that several instances on one ledger may take (deliveries, tracked links): a claim is a lease, the
 * columns {@code claimed_by} (whose claim) and {@code claimed_until} (when it lapses). Rows are claimed with
 * {@code SELECT ... FOR UPDATE SKIP LOCKED} (PostgreSQL and H2 2.x alike), so two instances asking at once take
 * different rows, and the claim is written in the same transaction.
 */
final class Claims {

    /**
     * This process, as claims name it where no instance id is given: tests, and {@code EnrichmentOff}'s TrackedLinks, which
     * only counts links and claims nothing. The app's claims carry paylink.cluster.instance-id.
     */
    static final String INSTANCE = host() + "/" + ProcessHandle.current().pid();
    /** A row that may be claimed at the instant bound to the one parameter: unclaimed, or its claim has lapsed. */
    static final String FREE = "(claimed_until IS NULL OR claimed_until <= ?)";

    private static final AtomicLong NEXT = new AtomicLong();

    private Claims() {
    }

    /** A new claim's name: the instance and a number no other claim of this process has had. */
    static String next(String instance) {
        return instance + "#" + NEXT.incrementAndGet();
    }

    static boolean isPostgres(Connection c) throws SQLException {
        return c.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT).contains("postgres");
    }

    private static String host() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException | SecurityException e) {
            return "unknown-host";
        }
    }
}
