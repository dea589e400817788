package dev.paylink.ledger;

import dev.paylink.delivery.Delivery;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * The durable queue of deliveries ({@code delivery}): one row per event, output and target. Enqueuing the same
 * event for the same target twice is a no-op, so an event emitted again after a crash, or by two instances, is queued once.
 *
 * <p>Several instances may share the queue (a PostgreSQL ledger). A delivery is taken by claiming it ({@link #claimDue}):
 * a lease of {@code lease}, held by one claim. Another instance never takes a delivery whose claim holds; a claim of an
 * instance that died lapses, and the delivery is taken again. An outcome ({@link #delivered}, {@link #retryAt},
 * {@link #dead}) is recorded only while the caller's claim is the delivery's claim, and lets the claim go.
 */
public class Deliveries {

    public static final String PENDING = "PENDING";
    public static final String DELIVERED = "DELIVERED";
    public static final String DEAD = "DEAD";
    /** How long a claim holds unless renewed ({@code paylink.cluster.delivery-lease}). */
    public static final Duration DEFAULT_LEASE = Duration.ofMinutes(2);

    private static final String COLUMNS = "id, event_id, event_type, output, target, payload, attempts, created_at";

    private final Jdbc jdbc;
    private final String instance;
    private final Duration lease;
    private volatile Boolean postgres;

    public Deliveries(DataSource dataSource) {
        this(dataSource, Claims.INSTANCE, DEFAULT_LEASE);
    }

    /**
     * @param instance what claims of this queue are named after (tests give two queues on one database two names)
     * @param lease    how long a claim holds unless renewed: longer than a try can take
     */
    public Deliveries(DataSource dataSource, String instance, Duration lease) {
        this.jdbc = new Jdbc(dataSource);
        this.instance = instance;
        this.lease = lease;
    }

    /** What to enqueue: an event for one output and target. */
    public record Request(String eventId, String eventType, String output, String target, String payload) {
    }

    /**
     * Enqueues, due now; requests already queued (same event, output and target) are skipped, also when another
     * instance queues the same at the same moment. Returns how many were new.
     */
    public int enqueue(List<Request> requests, Instant now) {
        if (requests.isEmpty()) {
            return 0;
        }
        return jdbc.inTransaction(c -> {
            boolean pg = postgres(c);
            // PostgreSQL: ON CONFLICT waits for a concurrent insert of the same key and then skips. H2 (one instance only)
            // has no ON CONFLICT outside its PostgreSQL mode: a MERGE that inserts only when missing.
            String sql = pg
                    ? "INSERT INTO delivery (event_id, event_type, output, target, payload, state, attempts, next_attempt_at, created_at, "
                            + "updated_at) VALUES (?, ?, ?, ?, ?, 'PENDING', 0, ?, ?, ?) ON CONFLICT (event_id, output, target) DO NOTHING"
                    : "MERGE INTO delivery d USING (VALUES (CAST(? AS VARCHAR(64)), CAST(? AS VARCHAR(64)), CAST(? AS VARCHAR(16)), "
                            + "CAST(? AS VARCHAR(2000)), CAST(? AS VARCHAR(1000000)))) r (event_id, event_type, output, target, payload) "
                            + "ON d.event_id = r.event_id AND d.output = r.output AND d.target = r.target WHEN NOT MATCHED THEN INSERT "
                            + "(event_id, event_type, output, target, payload, state, attempts, next_attempt_at, created_at, updated_at) "
                            + "VALUES (r.event_id, r.event_type, r.output, r.target, r.payload, 'PENDING', 0, ?, ?, ?)";
            int added = 0;
            for (Request r : requests) {
                try {
                    added += Jdbc.update(c, sql, r.eventId(), r.eventType(), r.output(), r.target(), r.payload(), now, now, now);
                } catch (SQLException e) {
                    // H2: the same key inserted by another transaction of this instance in between; it is queued
                    if (pg || !Jdbc.isUniqueViolation(e)) {
                        throw e;
                    }
                }
            }
            return added;
        });
    }

    /**
     * Claims PENDING deliveries of one output (and one target, unless null) that are due and not claimed by anyone
     * else, oldest first, at most {@code limit}. Rows another instance is claiming at this moment are skipped, not
     * waited for. Each returned delivery carries its claim; it holds for the lease.
     */
    public List<Delivery> claimDue(String output, String target, Instant now, int limit) {
        String where = "WHERE output = ? AND state = 'PENDING'" + (target == null ? "" : " AND target = ?")
                + " AND next_attempt_at <= ? AND " + Claims.FREE + " ORDER BY next_attempt_at, id LIMIT ? FOR UPDATE SKIP LOCKED";
        Object[] args = target == null ? new Object[] {output, now, now, limit} : new Object[] {output, target, now, now, limit};
        String claim = Claims.next(instance);
        return jdbc.inTransaction(c -> {
            List<Delivery> taken = read(c, where, claim, args);
            try (PreparedStatement ps = c.prepareStatement("UPDATE delivery SET claimed_by = ?, claimed_until = ? WHERE id = ?")) {
                for (Delivery d : taken) {
                    Jdbc.bind(ps, claim, now.plus(lease), d.id());
                    ps.addBatch();
                }
                if (!taken.isEmpty()) {
                    ps.executeBatch();
                }
            }
            return taken;
        });
    }

    /** The targets of one output that have due PENDING deliveries nobody holds: each is sent in its own lane. */
    public List<String> dueTargets(String output, Instant now) {
        return jdbc.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT DISTINCT target FROM delivery WHERE output = ? AND state = 'PENDING' "
                    + "AND next_attempt_at <= ? AND " + Claims.FREE)) {
                Jdbc.bind(ps, output, now, now);
                List<String> targets = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        targets.add(rs.getString(1));
                    }
                }
                return targets;
            }
        });
    }

    /**
     * A try is about to start: the claim is made to hold for a lease from {@code now}. False when the claim is no longer
     * the delivery's (it lapsed and another instance took it, or an outcome was recorded): the try must not start.
     */
    public boolean renew(Delivery d, Instant now) {
        return d.claim() != null && jdbc.inTransaction(c -> Jdbc.update(c, "UPDATE delivery SET claimed_until = ? WHERE id = ? "
                + "AND state = 'PENDING' AND claimed_by = ?", now.plus(lease), d.id(), d.claim()) == 1);
    }

    /** Lets a claim go without an outcome (the delivery was not tried): another instance may take it at once. */
    public void release(Delivery d) {
        if (d.claim() != null) {
            jdbc.inTransaction(c -> Jdbc.update(c, "UPDATE delivery SET claimed_by = NULL, claimed_until = NULL WHERE id = ? "
                    + "AND claimed_by = ?", d.id(), d.claim()));
        }
    }

    /** PENDING or DEAD deliveries of one output: how many, and when the oldest of them was queued. */
    public record Backlog(String output, String state, long count, Instant oldestCreatedAt) {
    }

    /** The PENDING and DEAD deliveries per output (none for an output without any), for health checks and metrics. */
    public List<Backlog> countByState() {
        return jdbc.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT output, state, COUNT(*), MIN(created_at) FROM delivery "
                    + "WHERE state IN ('PENDING', 'DEAD') GROUP BY output, state ORDER BY output, state");
                 ResultSet rs = ps.executeQuery()) {
                List<Backlog> list = new ArrayList<>();
                while (rs.next()) {
                    list.add(new Backlog(rs.getString(1), rs.getString(2), rs.getLong(3), Jdbc.instant(rs, 4)));
                }
                return list;
            }
        });
    }

    public List<Delivery> all(String output) {
        return query("WHERE output = ? ORDER BY id", output);
    }

    public String state(long id) {
        return jdbc.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT state FROM delivery WHERE id = ?")) {
                ps.setLong(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? rs.getString(1) : null;
                }
            }
        });
    }

    /** Delivered. False, and nothing recorded, when the caller's claim is not the delivery's (see {@link #outcome}). */
    public boolean delivered(Delivery d, Instant now) {
        return outcome(d, now, "state = 'DELIVERED', attempts = attempts + 1, last_error = NULL, updated_at = ?", now);
    }

    /** A failed try: tried again at {@code next}. False, and nothing recorded, when the caller's claim is not the delivery's. */
    public boolean retryAt(Delivery d, String error, Instant next, Instant now) {
        return outcome(d, now, "attempts = attempts + 1, last_error = ?, next_attempt_at = ?, updated_at = ?", Jdbc.truncate(error, 2000),
                next, now);
    }

    /**
     * Given up: the caller writes it to the dead-letter folder, if this returns true. False, and nothing recorded, when
     * the caller's claim is not the delivery's.
     */
    public boolean dead(Delivery d, String error, Instant now) {
        return outcome(d, now, "state = 'DEAD', attempts = attempts + 1, last_error = ?, updated_at = ?", Jdbc.truncate(error, 2000), now);
    }

    /** Given up on the delivery with this id, which nobody holds a claim on (an operator's decision, a test). */
    public boolean dead(long id, String error, Instant now) {
        return dead(new Delivery(id, null, null, null, null, null, 0, null), error, now);
    }

    /**
     * Records an outcome of a PENDING delivery and lets its claim go, only while {@code d}'s claim is the delivery's; a
     * delivery taken without a claim only while nobody holds one. So an instance whose claim lapsed and was taken over
     * never overwrites the outcome of the instance that holds it now.
     */
    private boolean outcome(Delivery d, Instant now, String set, Object... values) {
        Object[] args = java.util.Arrays.copyOf(values, values.length + 2);
        args[values.length] = d.id();
        args[values.length + 1] = d.claim() != null ? d.claim() : now;
        return jdbc.inTransaction(c -> Jdbc.update(c, "UPDATE delivery SET " + set + ", claimed_by = NULL, claimed_until = NULL "
                + "WHERE id = ? AND state = 'PENDING' AND " + (d.claim() != null ? "claimed_by = ?" : Claims.FREE), args) == 1);
    }

    /** Sends a dead delivery again: PENDING, due now, attempts from zero. Returns false if there is no such dead delivery. */
    public boolean revive(String eventId, String output, String target, Instant now) {
        return jdbc.inTransaction(c -> Jdbc.update(c, "UPDATE delivery SET state = 'PENDING', attempts = 0, next_attempt_at = ?, "
                + "updated_at = ?, claimed_by = NULL, claimed_until = NULL WHERE event_id = ? AND output = ? AND target = ? AND state = 'DEAD'",
                now, now, eventId, output, target) == 1);
    }

    /** Sends every dead delivery of one output and target again (replay-all of an endpoint). Returns how many. */
    public int reviveAll(String output, String target, Instant now) {
        return jdbc.inTransaction(c -> Jdbc.update(c, "UPDATE delivery SET state = 'PENDING', attempts = 0, next_attempt_at = ?, "
                + "updated_at = ?, claimed_by = NULL, claimed_until = NULL WHERE output = ? AND target = ? AND state = 'DEAD'",
                now, now, output, target));
    }

    /**
     * Deliveries queued for target {@code from} are for target {@code to} from now on (webhook deliveries queued with the
     * endpoint's URL, before endpoints had names, now name their endpoint). Returns how many rows moved.
     */
    public int retarget(String output, String from, String to) {
        return jdbc.inTransaction(c -> Jdbc.update(c, "UPDATE delivery SET target = ? WHERE output = ? AND target = ?", to, output, from));
    }

    private List<Delivery> query(String where, Object... args) {
        return jdbc.inTransaction(c -> read(c, where, null, args));
    }

    private static List<Delivery> read(Connection c, String where, String claim, Object... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM delivery " + where)) {
            Jdbc.bind(ps, args);
            List<Delivery> list = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    list.add(new Delivery(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                            rs.getString(6), rs.getInt(7), Jdbc.instant(rs, 8), claim));
                }
            }
            return list;
        }
    }

    private boolean postgres(Connection c) throws SQLException {
        Boolean pg = postgres;
        if (pg == null) {
            pg = Claims.isPostgres(c);
            postgres = pg;
        }
        return pg;
    }
}
