package dev.paylink.ledger;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.apache.camel.CamelContext;
import org.apache.camel.processor.idempotent.jdbc.JdbcOrphanLockAwareIdempotentRepository;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One owner per input file across instances that share the ledger database and one inbox: the read lock of the file
 * consumers ({@code readLock=idempotent-changed}, routes/intake.camel.yaml and resolve.camel.yaml) keeps its locks in the
 * table {@code owner_lock} through camel-sql's {@link JdbcOrphanLockAwareIdempotentRepository}. Camel renews every lock
 * this instance holds each {@code heartbeat}; a lock not renewed for {@code lease} is an orphan whose owner died, and
 * another instance may take the file over. Each instance also holds {@code instance:<id>} while it runs, so that others
 * can tell whether the sender of a SENDING row is alive ({@link Ledger#markResendsInterrupted(boolean, Instant)}).
 *
 * <p>Two things are tightened over camel-sql 4.18's repository. Its take-over of an orphan is a plain
 * {@code UPDATE ... SET createdAt} after a {@code COUNT} without a row lock, so two instances that find the same orphan at
 * once would both believe they own the file: here the orphan row is locked ({@code SELECT ... FOR UPDATE}), deleted and
 * inserted again, and a rival that inserted first makes the take-over fail. And its renewal and release name no owner: an
 * instance that stalled past the lease and wakes up would renew or delete the lock its successor took. Here every row
 * names its owner, and renewal and release touch only this instance's own rows.
 */
public class OwnerLocks extends JdbcOrphanLockAwareIdempotentRepository {

    private static final Logger LOG = LoggerFactory.getLogger(OwnerLocks.class);

    public static final String TABLE = "owner_lock";
    public static final String PROCESSOR = "paylink";
    /** Key prefix of the row each running instance holds. */
    public static final String INSTANCE = "instance:";
    /** What an instance id may be: it is written into this repository's SQL as a literal. */
    public static final Pattern INSTANCE_ID = Pattern.compile("[A-Za-z0-9._:@-]{1,200}");

    private final String owner;
    private final Duration lease;

    public OwnerLocks(DataSource dataSource, CamelContext camel, String owner, Duration lease, Duration heartbeat) {
        super(dataSource, PROCESSOR, camel);
        if (!INSTANCE_ID.matcher(owner).matches()) {
            throw new IllegalArgumentException("not an instance id: " + owner);
        }
        this.owner = owner;
        this.lease = lease;
        setLockMaxAgeMillis(lease.toMillis());
        setLockKeepAliveIntervalMillis(heartbeat.toMillis());
        // The table is made by the ledger's migrations (V10), with an owner column: no table name is set (that would
        // reset these queries to camel-sql's defaults), each query is given.
        setCreateTableIfNotExists(false);
        String mine = "owner = '" + owner + "'";
        setTableExistsString("SELECT 1 FROM " + TABLE + " WHERE 1 = 0");
        setQueryString("SELECT COUNT(*) FROM " + TABLE + " WHERE processorName = ? AND messageId = ?");
        setInsertString("INSERT INTO " + TABLE + " (processorName, messageId, createdAt, owner) VALUES (?, ?, ?, '" + owner + "')");
        setDeleteString("DELETE FROM " + TABLE + " WHERE processorName = ? AND messageId = ? AND " + mine);
        setClearString("DELETE FROM " + TABLE + " WHERE processorName = ? AND " + mine);
        setUpdateTimestampQuery("UPDATE " + TABLE + " SET createdAt = ? WHERE processorName = ? AND messageId = ? AND " + mine);
    }

    /** The holder of a lock, and when it last renewed it. */
    private record Holder(String owner, Instant renewed) {
    }

    /**
     * Takes the lock {@code key}: free, or an orphan (not renewed for the lease), which is then taken over. False while
     * another instance (or this one) holds it and renews it.
     */
    @Override
    public boolean add(String key) {
        Boolean taken = transactionTemplate.execute(status -> {
            List<Holder> holders = jdbcTemplate.query("SELECT owner, createdAt FROM " + TABLE + " WHERE processorName = ? AND messageId = ? FOR UPDATE",
                    (rs, i) -> new Holder(rs.getString(1), rs.getTimestamp(2).toInstant()), processorName, key);
            if (!holders.isEmpty()) {
                Holder h = holders.get(0);
                Duration silent = Duration.between(h.renewed(), Instant.now());
                if (silent.compareTo(lease) < 0) {
                    return false;
                }
                jdbcTemplate.update("DELETE FROM " + TABLE + " WHERE processorName = ? AND messageId = ?", processorName, key);
                LOG.warn("{}: taking over from instance {}, whose lock was last renewed {} s ago (lease {} s)", key, h.owner(),
                        silent.toSeconds(), lease.toSeconds());
            }
            // camel-sql inserts the row and renews it from now on; a rival that inserted it meanwhile makes this fail
            // (duplicate key), or leaves it to the renewal of a row that is not ours, which changes nothing.
            if (insert(key) != 1) {
                status.setRollbackOnly();
                return false;
            }
            return true;
        });
        return Boolean.TRUE.equals(taken);
    }

    /** Held by a live instance: the row exists and was renewed within the lease. */
    @Override
    public boolean contains(String key) {
        Integer n = jdbcTemplate.queryForObject("SELECT COUNT(*) FROM " + TABLE + " WHERE processorName = ? AND messageId = ? AND createdAt >= ?",
                Integer.class, processorName, key, Timestamp.from(Instant.now().minus(lease)));
        return n != null && n > 0;
    }

    /**
     * The keys starting with {@code prefix} that other instances hold and renew now: the inbox consumer leaves those files
     * out before it picks the oldest, so an instance takes the next file instead of trying the one another owns on every
     * poll. Asked at most once per {@code maxAge}.
     */
    public Set<String> heldByOthers(String prefix, Duration maxAge) {
        Instant now = Instant.now();
        Held snapshot = held;
        if (snapshot != null && snapshot.prefix().equals(prefix) && Duration.between(snapshot.at(), now).compareTo(maxAge) < 0) {
            return snapshot.keys();
        }
        Set<String> keys = Set.copyOf(jdbcTemplate.queryForList("SELECT messageId FROM " + TABLE + " WHERE processorName = ? AND messageId LIKE ? "
                + "AND owner <> ? AND createdAt >= ?", String.class, processorName, prefix + "%", owner, Timestamp.from(now.minus(lease))));
        held = new Held(prefix, now, keys);
        return keys;
    }

    /** The last answer of {@link #heldByOthers}. */
    private record Held(String prefix, Instant at, Set<String> keys) {
    }

    private volatile Held held;

    public String owner() {
        return owner;
    }

    public Duration lease() {
        return lease;
    }

    /**
     * Holds {@code instance:<id>} while this instance runs. A row of this id left by an earlier life of this instance (a
     * fixed paylink.cluster.instance-id, restarted within the lease) is its own and replaced.
     *
     * @throws IllegalStateException when the row cannot be taken
     */
    public void register() {
        remove(INSTANCE + owner);
        if (!add(INSTANCE + owner)) {
            throw new IllegalStateException("instance id " + owner + " is held by a live instance");
        }
    }

    /**
     * On an embedded H2 ledger only one process can open the database (H2 locks its file), so every lock found at start
     * is a leftover of this ledger's previous process: they are dropped, and a file cut off by a kill resumes at once
     * instead of after the lease.
     */
    public int forgetLeftovers(String jdbcUrl) {
        if (!embeddedH2(jdbcUrl)) {
            return 0;
        }
        return jdbcTemplate.update("DELETE FROM " + TABLE);
    }

    static boolean embeddedH2(String jdbcUrl) {
        String u = jdbcUrl.toLowerCase(Locale.ROOT);
        return u.startsWith("jdbc:h2:") && !u.startsWith("jdbc:h2:tcp:") && !u.startsWith("jdbc:h2:ssl:") && !u.contains("auto_server=true");
    }

    /** Leaves: the instance row goes at once, so nobody waits a lease for this instance's in-flight rows. */
    @Override
    protected void doStop() throws Exception {
        try {
            remove(INSTANCE + owner);
        } catch (RuntimeException e) {
            LOG.warn("could not release the instance lock of {} (it expires after {} s): {}", owner, lease.toSeconds(), e.getMessage());
        }
        super.doStop();
    }

    @Override
    public String toString() {
        return "owner locks of instance " + owner + " (lease " + lease.toSeconds() + " s)";
    }
}
