package dev.paylink.ledger;

import dev.paylink.delivery.Delivery;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * The durable queue of deliveries ({@code delivery}): one row per event, output and target. Enqueuing the same
 * event for the same target twice is a no-op, so an event emitted again after a crash is delivered once.
 */
public class Deliveries {

    public static final String PENDING = "PENDING";
    public static final String DELIVERED = "DELIVERED";
    public static final String DEAD = "DEAD";

    private final Jdbc jdbc;

    public Deliveries(DataSource dataSource) {
        this.jdbc = new Jdbc(dataSource);
    }

    /** What to enqueue: an event for one output and target. */
    public record Request(String eventId, String eventType, String output, String target, String payload) {
    }

    /** Enqueues, due now; requests already queued (same event, output and target) are skipped. Returns how many were new. */
    public int enqueue(List<Request> requests, Instant now) {
        if (requests.isEmpty()) {
            return 0;
        }
        return jdbc.inTransaction(c -> {
            int added = 0;
            for (Request r : requests) {
                if (Jdbc.queryInt(c, "SELECT COUNT(*) FROM delivery WHERE event_id = ? AND output = ? AND target = ?",
                        r.eventId(), r.output(), r.target()) > 0) {
                    continue;
                }
                Jdbc.update(c, "INSERT INTO delivery (event_id, event_type, output, target, payload, state, attempts, next_attempt_at, "
                        + "created_at, updated_at) VALUES (?, ?, ?, ?, ?, 'PENDING', 0, ?, ?, ?)",
                        r.eventId(), r.eventType(), r.output(), r.target(), r.payload(), now, now, now);
                added++;
            }
            return added;
        });
    }

    /** PENDING deliveries of one output that are due, oldest first. */
    public List<Delivery> due(String output, Instant now, int limit) {
        return query("WHERE output = ? AND state = 'PENDING' AND next_attempt_at <= ? ORDER BY output, state, next_attempt_at LIMIT ?",
                output, now, limit);
    }

    /** PENDING deliveries of one output and target (a webhook endpoint) that are due, oldest first. */
    public List<Delivery> due(String output, String target, Instant now, int limit) {
        return query("WHERE output = ? AND state = 'PENDING' AND target = ? AND next_attempt_at <= ? ORDER BY next_attempt_at LIMIT ?",
                output, target, now, limit);
    }

    /** The targets of one output that have due PENDING deliveries: each is sent in its own lane. */
    public List<String> dueTargets(String output, Instant now) {
        return jdbc.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT DISTINCT target FROM delivery WHERE output = ? AND state = 'PENDING' "
                    + "AND next_attempt_at <= ?")) {
                Jdbc.bind(ps, output, now);
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

    public void delivered(long id, Instant now) {
        jdbc.inTransaction(c -> Jdbc.update(c, "UPDATE delivery SET state = 'DELIVERED', attempts = attempts + 1, last_error = NULL, "
                + "updated_at = ? WHERE id = ?", now, id));
    }

    /** A failed try: tried again at {@code next}. */
    public void retryAt(long id, String error, Instant next, Instant now) {
        jdbc.inTransaction(c -> Jdbc.update(c, "UPDATE delivery SET attempts = attempts + 1, last_error = ?, next_attempt_at = ?, "
                + "updated_at = ? WHERE id = ?", Jdbc.truncate(error, 2000), next, now, id));
    }

    /** Given up: the caller writes it to the dead-letter folder. */
    public void dead(long id, String error, Instant now) {
        jdbc.inTransaction(c -> Jdbc.update(c, "UPDATE delivery SET state = 'DEAD', attempts = attempts + 1, last_error = ?, "
                + "updated_at = ? WHERE id = ?", Jdbc.truncate(error, 2000), now, id));
    }

    /** Sends a dead delivery again: PENDING, due now, attempts from zero. Returns false if there is no such dead delivery. */
    public boolean revive(String eventId, String output, String target, Instant now) {
        return jdbc.inTransaction(c -> Jdbc.update(c, "UPDATE delivery SET state = 'PENDING', attempts = 0, next_attempt_at = ?, "
                + "updated_at = ? WHERE event_id = ? AND output = ? AND target = ? AND state = 'DEAD'", now, now, eventId, output, target) == 1);
    }

    /** Sends every dead delivery of one output and target again (replay-all of an endpoint). Returns how many. */
    public int reviveAll(String output, String target, Instant now) {
        return jdbc.inTransaction(c -> Jdbc.update(c, "UPDATE delivery SET state = 'PENDING', attempts = 0, next_attempt_at = ?, "
                + "updated_at = ? WHERE output = ? AND target = ? AND state = 'DEAD'", now, now, output, target));
    }

    /**
     * Deliveries queued for target {@code from} are for target {@code to} from now on (webhook deliveries queued with the
     * endpoint's URL, before endpoints had names, now name their endpoint). Returns how many rows moved.
     */
    public int retarget(String output, String from, String to) {
        return jdbc.inTransaction(c -> Jdbc.update(c, "UPDATE delivery SET target = ? WHERE output = ? AND target = ?", to, output, from));
    }

    private List<Delivery> query(String where, Object... args) {
        return jdbc.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT id, event_id, event_type, output, target, payload, attempts, created_at "
                    + "FROM delivery " + where)) {
                Jdbc.bind(ps, args);
                List<Delivery> list = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        list.add(new Delivery(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                                rs.getString(6), rs.getInt(7), Jdbc.instant(rs, 8)));
                    }
                }
                return list;
            }
        });
    }
}
