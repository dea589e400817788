package dev.paylink.ledger;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;
import org.h2.mvstore.FileStore;
import org.h2.mvstore.MVStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the embedded H2 ledger's file near the size of its data: while rows are sent, and, once nothing is committed,
 * shrunk to little more than the data. Ticked by routes/ledger.camel.yaml; does nothing for any other database.
 *
 * <p>Why: with {@code WRITE_DELAY=0} ({@link H2Durability}) every commit writes a chunk of its own to the file, and
 * H2's background thread, which would rewrite half-empty chunks and shrink the file, does not run at all (H2 source:
 * {@code MVStore.setAutoCommitDelay(0)} stops it). A batch's SENDING and outcome commits each leave the chunks they replace
 * partly live, so the file grew by ~8 KB a row (200,000 rows: 1.6 GB, 1,000,000 rows: 10.8 GB, measured by
 * bench/million.sh) and never shrank while the app ran; H2 would compact it only as it closes the ledger, which the app's
 * URL turns off ({@code MAX_COMPACT_TIME=0}: that compaction lost commits in H2 2.3.232, see PaylinkSettings).
 *
 * <p>Each tick:
 * <ol>
 * <li>pins the store's current version, forces everything committed to the disk ({@code CHECKPOINT SYNC}) and lets go of
 *     the previous tick's pin. H2 overwrites the space of a dead chunk only once no pinned version is older than the
 *     version from which on it was dead ({@code MVStore.getOldestVersionToKeep}), so a chunk is overwritten only if it
 *     was dead before a state that has reached the disk: after a power loss no synced state points into overwritten
 *     space. H2's own guard for that is a retention time (45 s by default), which only assumes the operating system has
 *     written the file by then; once the first pin is in place it is set to 0, and dead chunks are reused within a
 *     tick.</li>
 * <li>busy (something was committed since the last tick): when less than {@value #BUSY_BELOW} % of the chunks' bytes are
 *     live, rewrites the live pages of the emptiest chunks, at most {@value #BUSY_WRITE} bytes: their chunks die and
 *     are reused one tick later.</li>
 * <li>idle ({@value #QUIET_TICKS} ticks without a commit), while less than {@value #IDLE_TARGET} % of the chunks or of
 *     the file is in use: H2's own compaction ({@code MVStore.compactFile}) for at most {@value #IDLE_MILLIS} ms a tick,
 *     which rewrites chunks, moves them into the free space at the front of the file and truncates it; done when three
 *     ticks changed nothing, and logged with the file's size before and after (if it shrank by a MB or more).</li>
 * </ol>
 * The busy rewrites cost no more CPU per row than bench/million.sh's noise between runs (5-8 %); the idle shrink of a
 * 1,000,000-row ledger took 16-35 s (README "Disk space (H2)"). Every H2 call here is one that H2's background thread makes
 * itself when commits are not written through.
 */
public final class H2Housekeeping {

    private static final Logger LOG = LoggerFactory.getLogger(H2Housekeeping.class);
    /**
     * Busy: rewrite when less than this share (%) of the chunks' bytes is live. 50 % (with 4 MB a tick) kept a
     * 1,000,000-row file at 1,055 instead of 1,510 bytes/row, but ran it 25 % slower (README "Disk space (H2)").
     */
    static final int BUSY_BELOW = 40;
    /** Busy: live bytes rewritten at most per tick. */
    static final int BUSY_WRITE = 2 << 20;
    /** Idle: ticks without a commit (500 ms each) before the file is shrunk. */
    static final int QUIET_TICKS = 10;
    /** Idle: shrink only while less than this share (%) of the chunks, or of the file, is in use. */
    static final int IDLE_TARGET = 80;
    /** Idle: time (ms) a tick may hold H2's store lock to rewrite and move chunks. */
    static final int IDLE_MILLIS = 150;
    /** Idle: ticks one shrink may take at most (5 minutes). */
    static final int MAX_SHRINK_TICKS = 600;

    private final DataSource dataSource;
    private final boolean h2File;
    private MVStore.TxCounter pinned;
    /** H2's retention time before the first pin set it to 0, given back by {@link #close()}. */
    private int retentionBefore = -1;
    /** Stopped: the ledger is about to be closed. */
    private boolean closed;
    /** The store's version when the last tick ended: unchanged, nothing was committed since. */
    private long lastVersion = -1;
    /** Idle and nothing left to shrink. */
    private boolean settled;
    /** The file's size when the current shrink began, for the one line that reports it. */
    private long sizeBeforeShrink = -1;
    private int ticksWithoutProgress;
    private int quietTicks;
    private int shrinkTicks;
    /** When the current shrink began (System.nanoTime); -1 when none is under way. */
    private long shrinkingSince = -1;
    private String lastFailure;

    public H2Housekeeping(DataSource dataSource, String jdbcUrl) {
        this.dataSource = dataSource;
        this.h2File = H2Durability.isH2File(jdbcUrl);
    }

    /** One round, as described above; a failure is logged (once until it changes) and the next tick tries again. */
    public synchronized void tick() {
        if (!h2File || closed) {
            return;
        }
        try (Connection c = dataSource.getConnection()) {
            MVStore store = store(c);
            boolean idle = store.getCurrentVersion() == lastVersion;
            if (idle && settled) {
                return;
            }
            pinAndSync(c, store);
            FileStore<?> file = store.getFileStore();
            if (idle) {
                // Not at once: a file's results are written without commits, and a shrink then made its run 13 % slower.
                if (++quietTicks >= QUIET_TICKS) {
                    shrink(c, store, file);
                }
            } else {
                settled = false;
                quietTicks = 0;
                if (file.getChunksFillRate() < BUSY_BELOW) {
                    store.compact(BUSY_BELOW, BUSY_WRITE);
                }
            }
            lastVersion = store.getCurrentVersion();
            lastFailure = null;
        } catch (SQLException | RuntimeException e) {
            String failure = e.toString();
            if (!failure.equals(lastFailure)) {
                LOG.warn("ledger housekeeping failed (the ledger file may grow until it succeeds; nothing recorded is affected): {}", failure);
            }
            lastFailure = failure;
        }
    }

    /**
     * Before the ledger's pool closes (the app stops): H2's retention time back and the pin let go, so that the store closes
     * as H2 closes it. The app's URL keeps H2 from compacting as it closes ({@code MAX_COMPACT_TIME=0}, PaylinkSettings);
     * when it still did, the pin left in place kept that compaction from reusing the space of the chunks it rewrote: a
     * 50,000-row ledger of 43 MB grew to 455 MB, and the stop waited 10 s for it (bench/million.sh).
     */
    public synchronized void close() {
        closed = true;
        if (pinned == null) {
            return;
        }
        try (Connection c = dataSource.getConnection()) {
            MVStore store = store(c);
            store.setRetentionTime(retentionBefore);
            store.deregisterVersionUsage(pinned);
        } catch (SQLException | RuntimeException e) {
            LOG.warn("ledger housekeeping: could not let go of its pin on the ledger before it closes: {}", e.toString());
        }
        pinned = null;
    }

    synchronized boolean closed() {
        return closed;
    }

    /** Idle, and the last ticks shrank nothing: ticks do nothing until something is committed. */
    synchronized boolean settled() {
        return settled;
    }

    private void pinAndSync(Connection c, MVStore store) throws SQLException {
        MVStore.TxCounter pin = store.registerVersionUsage();
        try {
            execute(c, "CHECKPOINT SYNC");
        } catch (SQLException | RuntimeException e) {
            store.deregisterVersionUsage(pin);
            throw e;
        }
        if (pinned != null) {
            store.deregisterVersionUsage(pinned);
        } else {
            // Only now, with a pin on a synced version in place: until then H2's retention time is the only guard.
            retentionBefore = store.getRetentionTime();
            store.setRetentionTime(0);
        }
        pinned = pin;
    }

    private void shrink(Connection c, MVStore store, FileStore<?> file) throws SQLException {
        long size = file.size();
        int live = file.getChunksFillRate();
        int used = file.getFillRate();
        if (live >= IDLE_TARGET && used >= IDLE_TARGET) {
            // Nothing worth a rewrite: e.g. an owner lock's heartbeat was the only commit since the file was shrunk.
            settle(size);
            return;
        }
        if (shrinkingSince < 0) {
            shrinkingSince = System.nanoTime();
            sizeBeforeShrink = size;
        }
        // Rewrites and moves chunks under H2's store lock (a commit waits at most this long) until the chunks are 90 % live.
        store.compactFile(IDLE_MILLIS);
        // What it rewrote is stored now: the next tick does not take a commit of its own for one of the app's.
        execute(c, "CHECKPOINT");
        long after = file.size();
        // A rewrite shows as more live chunks or a fuller file first, and as a smaller file only once chunks are moved.
        boolean progress = after < size || file.getChunksFillRate() > live || file.getFillRate() > used;
        ticksWithoutProgress = progress ? 0 : ticksWithoutProgress + 1;
        // Chunks a tick rewrote are dead only from its own commit on, and reused once the pin has moved on: a tick later.
        // Bounded as well: a shrink that keeps finding a little to do stops after MAX_SHRINK_TICKS.
        if (ticksWithoutProgress >= 3 || ++shrinkTicks >= MAX_SHRINK_TICKS) {
            settle(after);
        }
    }

    private void settle(long size) {
        settled = true;
        ticksWithoutProgress = 0;
        shrinkTicks = 0;
        if (shrinkingSince >= 0 && sizeBeforeShrink - size >= 1 << 20) {
            LOG.info("ledger file shrunk while idle: {} MB -> {} MB ({} s of housekeeping)", sizeBeforeShrink >> 20, size >> 20,
                    (System.nanoTime() - shrinkingSince) / 1_000_000_000L);
        }
        shrinkingSince = -1;
    }

    private static void execute(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    static MVStore store(Connection c) throws SQLException {
        SessionLocal session = (SessionLocal) c.unwrap(JdbcConnection.class).getSession();
        return session.getDatabase().getStore().getMvStore();
    }
}
