package dev.paylink.ledger;

import dev.paylink.smartpay.PaymentLinkSnapshot;
import dev.paylink.smartpay.PaymentStatusClass;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The schedule and last known state of every tracked payment link ({@code payment_link}). Due links are read by
 * an index on (tracking, next_check_at), so a cycle costs what the open links cost, not the whole ledger.
 */
public class TrackedLinks {

    /** Still polled. */
    public static final String OPEN = "OPEN";
    /** A final state was reached, or expiry + grace passed: no more polling. */
    public static final String DONE = "DONE";
    /** The provider does not know the link: reported, no more polling. */
    public static final String NOT_FOUND = "NOT_FOUND";

    private static final String COLUMNS = "p.payment_link_id, p.entry_key, p.file_id, p.line, f.file_name, p.tracking, p.status_raw, "
            + "p.status_class, p.amount, p.currency, p.expiry_date, p.consumer_name, p.consumer_email, p.payment_url, p.qr_code_url, "
            + "p.latest_transaction_id, p.checks, p.failures, p.last_error, p.check_interval_s, p.last_checked_at, p.next_check_at "
            + "FROM payment_link p JOIN intake_file f ON f.id = p.file_id";

    /**
     * How long a cycle holds the links it took, unless {@code paylink.cluster.link-lease} says otherwise. Cycles never
     * overlap while their instances live (the Quartz job is stateful, and clustered on PostgreSQL: the next tick waits
     * for the running cycle on whichever instance), so the claim only guards against an instance that froze long
     * enough for Quartz to take it as dead (check-in + 7.5 s) and woke up mid-cycle: it must outlast that. A cycle
     * that died lets its links wait this long.
     */
    public static final Duration LEASE = Duration.ofMinutes(1);

    private final Jdbc jdbc;
    private final String instance;
    private final Duration lease;
    /** The links the last {@link #due} claimed, under {@link #heldClaim}. */
    private List<String> held = List.of();
    private String heldClaim;

    public TrackedLinks(DataSource dataSource) {
        this(dataSource, Claims.INSTANCE, LEASE);
    }

    /**
     * @param instance what this process's claims are named after ({@code paylink.cluster.instance-id})
     * @param lease    how long a claim holds unless a look-up's outcome lets it go
     */
    public TrackedLinks(DataSource dataSource, String instance, Duration lease) {
        this.jdbc = new Jdbc(dataSource);
        this.instance = instance;
        this.lease = lease;
    }

    /**
     * Claims the open links whose next check is due at {@code now} and that no other cycle holds, the longest-waiting
     * first: two cycles (two instances on one ledger) never look up the same link at once. A claim holds for
     * the lease ({@link #LEASE} by default); recording the look-up's outcome ({@link #recordFound}, {@link #recordNotFound}, {@link #recordFailure})
     * lets it go, and the claim of a cycle that died lapses.
     *
     * <p>One cycle at a time asks (the enrichment's cycles never overlap): asking again lets go what the previous cycle
     * still holds, the links it took but did not look up (credentials refused, a failure of its own).
     */
    public synchronized List<TrackedLink> due(Instant now, int limit) {
        String claim = Claims.next(instance);
        List<String> previous = held;
        String previousClaim = heldClaim;
        List<TrackedLink> taken = jdbc.inTransaction(c -> {
            release(c, previous, previousClaim);
            List<String> ids = new ArrayList<>();
            // ORDER BY repeats the index prefix so H2 reads the index in order instead of sorting. Rows another cycle is
            // claiming at this moment are skipped, not waited for.
            try (PreparedStatement ps = c.prepareStatement("SELECT payment_link_id FROM payment_link WHERE tracking = 'OPEN' AND "
                    + "next_check_at <= ? AND " + Claims.FREE + " ORDER BY tracking, next_check_at LIMIT ? FOR UPDATE SKIP LOCKED")) {
                Jdbc.bind(ps, now, now, limit);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        ids.add(rs.getString(1));
                    }
                }
            }
            if (ids.isEmpty()) {
                return List.of();
            }
            try (PreparedStatement ps = c.prepareStatement("UPDATE payment_link SET claimed_by = ?, claimed_until = ? WHERE payment_link_id = ?")) {
                for (String id : ids) {
                    Jdbc.bind(ps, claim, now.plus(lease), id);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            return read(c, " WHERE p.payment_link_id IN (" + String.join(", ", java.util.Collections.nCopies(ids.size(), "?"))
                    + ") ORDER BY p.next_check_at, p.payment_link_id", ids.toArray());
        });
        held = taken.stream().map(TrackedLink::paymentLinkId).toList();
        heldClaim = claim;
        return taken;
    }

    /**
     * Lets go what the last {@link #due} claimed and no outcome has released: the links a cycle took but did not look up
     * (credentials refused, a failure of its own). They are due again at once, for this instance's next cycle or another's.
     */
    public synchronized void release() {
        List<String> previous = held;
        String previousClaim = heldClaim;
        held = List.of();
        jdbc.inTransaction(c -> {
            release(c, previous, previousClaim);
            return null;
        });
    }

    private static void release(Connection c, List<String> ids, String claim) throws SQLException {
        if (ids.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement("UPDATE payment_link SET claimed_by = NULL, claimed_until = NULL "
                + "WHERE payment_link_id = ? AND claimed_by = ?")) {
            for (String id : ids) {
                Jdbc.bind(ps, id, claim);
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    public Optional<TrackedLink> find(String paymentLinkId) {
        return query(" WHERE p.payment_link_id = ?", paymentLinkId).stream().findFirst();
    }

    /** The links of one input file after {@code afterLine}, in line order (a page). */
    public List<TrackedLink> ofFile(long fileId, long afterLine, int limit) {
        return query(" WHERE p.file_id = ? AND p.line > ? ORDER BY p.file_id, p.line LIMIT ?", fileId, afterLine, limit);
    }

    /** Open links of one input file. */
    public long openOfFile(long fileId) {
        return jdbc.inTransaction(c -> (long) Jdbc.queryInt(c, "SELECT COUNT(*) FROM payment_link WHERE file_id = ? AND tracking = 'OPEN'", fileId));
    }

    /** Open links in all: what a cycle may have to look at. */
    public long open() {
        return jdbc.inTransaction(c -> (long) Jdbc.queryInt(c, "SELECT COUNT(*) FROM payment_link WHERE tracking = 'OPEN'"));
    }

    /** A successful look-up: the snapshot, the class judged by the caller, and when to look next (null: never, tracking DONE). */
    public void recordFound(String paymentLinkId, PaymentLinkSnapshot s, PaymentStatusClass statusClass, String tracking,
                            Duration interval, Instant nextCheckAt, Instant now) {
        jdbc.inTransaction(c -> Jdbc.update(c, "UPDATE payment_link SET tracking = ?, status_raw = ?, status_class = ?, latest_transaction_id = ?, "
                        + "amount = ?, currency = ?, expiry_date = ?, consumer_name = ?, consumer_email = ?, payment_url = ?, qr_code_url = ?, "
                        + "checks = checks + 1, failures = 0, last_error = NULL, check_interval_s = ?, last_checked_at = ?, next_check_at = ?, "
                        + "updated_at = ?, claimed_by = NULL, claimed_until = NULL WHERE payment_link_id = ?",
                tracking, Jdbc.truncate(s.rawStatus(), 64), statusClass.name(), Jdbc.truncate(s.latestTransactionId(), 64), s.amount(),
                Jdbc.truncate(s.currency(), 3), s.expiryDate(), Jdbc.truncate(s.consumerName(), 200), Jdbc.truncate(s.consumerEmail(), 255),
                Jdbc.truncate(s.paymentUrl(), 512), Jdbc.truncate(s.qrCodeUrl(), 512), interval.toSeconds(), now,
                nextCheckAt == null ? now : nextCheckAt, now, paymentLinkId));
    }

    /** The provider does not know the link: no more polling. */
    public void recordNotFound(String paymentLinkId, String message, Instant now) {
        jdbc.inTransaction(c -> Jdbc.update(c, "UPDATE payment_link SET tracking = 'NOT_FOUND', checks = checks + 1, last_error = ?, "
                + "last_checked_at = ?, updated_at = ?, claimed_by = NULL, claimed_until = NULL WHERE payment_link_id = ?", Jdbc.truncate(message, 1000),
                now, now, paymentLinkId));
    }

    /** The look-up failed after its retries: look again at {@code nextCheckAt}. */
    public void recordFailure(String paymentLinkId, String message, Duration interval, Instant nextCheckAt, Instant now) {
        jdbc.inTransaction(c -> Jdbc.update(c, "UPDATE payment_link SET failures = failures + 1, last_error = ?, check_interval_s = ?, "
                        + "last_checked_at = ?, next_check_at = ?, updated_at = ?, claimed_by = NULL, claimed_until = NULL WHERE payment_link_id = ?",
                Jdbc.truncate(message, 1000), interval.toSeconds(), now, nextCheckAt, now, paymentLinkId));
    }

    /** The base name the file's reports use ({@code x} for {@code x.csv}), or empty if it has none yet. */
    public Optional<String> reportBase(long fileId) {
        return jdbc.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT report_base FROM intake_file WHERE id = ?")) {
                ps.setLong(1, fileId);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.ofNullable(rs.getString(1)) : Optional.<String>empty();
                }
            }
        });
    }

    private List<TrackedLink> query(String where, Object... args) {
        return jdbc.inTransaction(c -> read(c, where, args));
    }

    private static List<TrackedLink> read(Connection c, String where, Object... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + where)) {
            Jdbc.bind(ps, args);
            List<TrackedLink> links = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    links.add(link(rs));
                }
            }
            return links;
        }
    }

    private static TrackedLink link(ResultSet rs) throws SQLException {
        String cls = rs.getString(8);
        java.math.BigDecimal amount = rs.getBigDecimal(9);
        return new TrackedLink(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getLong(4), rs.getString(5), rs.getString(6),
                rs.getString(7), cls == null ? null : PaymentStatusClass.valueOf(cls),
                amount == null ? null : amount.stripTrailingZeros().setScale(Math.max(2, amount.stripTrailingZeros().scale())),
                rs.getString(10), Jdbc.instant(rs, 11), rs.getString(12), rs.getString(13), rs.getString(14), rs.getString(15),
                rs.getString(16), rs.getInt(17), rs.getInt(18), rs.getString(19), Duration.ofSeconds(rs.getLong(20)),
                Jdbc.instant(rs, 21), Jdbc.instant(rs, 22));
    }
}
