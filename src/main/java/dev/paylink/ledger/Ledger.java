package dev.paylink.ledger;

import dev.paylink.intake.AcceptedRow;
import dev.paylink.intake.Column;
import dev.paylink.intake.InvalidRow;
import dev.paylink.smartml.ActionOutcome;
import dev.paylink.smartml.PaymentLinkRequest;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationVersion;

/**
 * The durable record of every key ever asked for and what came back, on any JDBC database the migrations
 * support (H2, PostgreSQL). Every change that matters is committed before the caller goes on: a key is
 * claimed before it can be sent, and an entry is SENDING before its request leaves.
 */
public class Ledger {

    /** Rows per SQL {@code IN (...)} list: far below every driver's parameter limit. */
    private static final int IN_LIST = 500;
    private static final int MAX_CLAIM_TRIES = 5;
    /**
     * Page queries order by the whole index prefix, equality columns included: H2 then reads the index in order
     * ("index sorted") instead of sorting every remaining row of the file for each page, which made a file O(n²).
     */
    private static final String IN_INDEX_ORDER = "file_id, ";
    /**
     * The entry of one key (bind its {@link KeyHash} twice). ledger_entry has no index on entry_key: a key's uniqueness and
     * its place (file, line) are in ledger_key, so that the commits that change an entry's state rewrite no page of a key
     * index (migration V12 says why); ledger_key holds the key's hash (V14).
     */
    private static final String OF_KEY = "file_id = (SELECT k.file_id FROM ledger_key k WHERE k.key_hash = ?) "
            + "AND line = (SELECT k.line FROM ledger_key k WHERE k.key_hash = ?)";
    /**
     * Entries joined to their keys: {@code e} found through {@code k} (by its key's hash) along e's (file_id, line). Only
     * in that direction: ledger_key has no index on (file_id, line) since V13, and an entry's key hash is computed in Java.
     */
    private static final String KEYED = "ledger_key k JOIN ledger_entry e ON e.file_id = k.file_id AND e.line = k.line";

    private final Jdbc jdbc;
    private final Clock clock;
    /** An embedded H2 file ledger: a SENDING mark is forced to disk before the request leaves (see {@link H2Durability}). */
    private final boolean h2File;
    /** The instance that marks entries SENDING here (paylink.cluster.instance-id): recorded on each, see {@link #markResendsInterrupted(boolean, Instant)}. */
    private final String instanceId;

    /** A ledger used by one instance only. */
    public Ledger(DataSource dataSource, Clock clock) {
        this(dataSource, clock, "local");
    }

    public Ledger(DataSource dataSource, Clock clock, String instanceId) {
        this.jdbc = new Jdbc(dataSource);
        this.clock = clock;
        this.instanceId = instanceId;
        this.h2File = jdbc.inTransaction(c -> H2Durability.isH2File(c.getMetaData().getURL()));
        if (h2File) {
            syncToDisk(); // fails at start, not at the first batch, if the H2 user may not checkpoint
        }
    }

    /**
     * The newest migration of {@code db/migration} and {@code db/postgresql}: a ledger whose history ends there, every
     * step successful, is up to date ({@code SchemaVersionTest} fails when a new migration is added without raising it).
     */
    static final String SCHEMA_VERSION = "14";

    /**
     * Brings the schema up to date (Flyway); safe to call on every start and from several instances.
     *
     * @return whether Flyway ran: false when the schema was already up to date (see {@link #upToDate})
     */
    public static boolean migrate(DataSource dataSource) {
        if (upToDate(dataSource)) {
            return false;
        }
        Flyway.configure().dataSource(dataSource).locations(ClusterWiring.migrations(dataSource)).load().migrate();
        return true;
    }

    /**
     * Whether Flyway's history says every migration of this build has been applied and none has failed. A restart then
     * leaves Flyway out: starting it and letting it validate took ~0.35 s of a restart's ~3 s (bench/startup.sh, case
     * "existing"), most of it Flyway's own start-up in a cold JVM. Anything else goes to Flyway as before: a new ledger (no
     * history), an older schema, a failed migration (Flyway refuses to go on and says which), a schema of a newer build
     * (Flyway ignores the migrations it does not know). What is given up on a restart: Flyway's check that applied
     * migrations were not edited since (their checksums), a developer's mistake that a fresh ledger in the tests does not show.
     */
    static boolean upToDate(DataSource dataSource) {
        try (Connection c = dataSource.getConnection()) {
            try (ResultSet tables = c.getMetaData().getTables(null, c.getSchema(), "flyway_schema_history", null)) {
                if (!tables.next()) {
                    return false; // a new ledger (and no "relation does not exist" in PostgreSQL's log)
                }
            }
            return historyUpToDate(c);
        } catch (SQLException e) {
            return false; // a history Flyway should look at
        }
    }

    private static boolean historyUpToDate(Connection c) throws SQLException {
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT \"version\", \"type\", \"success\" FROM \"flyway_schema_history\"")) {
            boolean newest = false;
            while (rs.next()) {
                String version = rs.getString(1);
                String type = rs.getString(2);
                if (!rs.getBoolean(3)) {
                    return false;
                }
                if (version == null) {
                    // Flyway's marker of the table's creation (H2); anything else without a version is a repeatable
                    // migration, which Flyway runs again when it changed: leave those to Flyway (there are none today).
                    if ("TABLE".equals(type) || "SCHEMA".equals(type)) {
                        continue;
                    }
                    return false;
                }
                int order = MigrationVersion.fromVersion(version).compareTo(MigrationVersion.fromVersion(SCHEMA_VERSION));
                if (order > 0) {
                    return false;
                }
                newest |= order == 0;
            }
            return newest;
        }
    }

    // ---------------------------------------------------------------- file runs

    /**
     * This ledger's id, made once at its first start and kept in the database: event ids are derived from it, so a
     * ledger that is reset or replaced never repeats an event id of another. Several instances on one database share it.
     */
    public String ledgerId() {
        try {
            return jdbc.inTransactionChecked(this::ledgerIdIn);
        } catch (SQLException e) {
            if (!Jdbc.isUniqueViolation(e)) {
                throw new LedgerException("could not read the ledger id: " + e.getMessage(), e);
            }
            // Another instance made it at the same moment: theirs is the one.
            return inTransaction(Ledger::existingLedgerId);
        }
    }

    private String ledgerIdIn(Connection c) throws SQLException {
        String id = existingLedgerId(c);
        if (id != null) {
            return id;
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO ledger_info (singleton, ledger_id, created_at) VALUES (1, ?, ?)")) {
            ps.setString(1, java.util.UUID.randomUUID().toString());
            ps.setObject(2, now());
            ps.executeUpdate();
        }
        return existingLedgerId(c);
    }

    private static String existingLedgerId(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT ledger_id FROM ledger_info WHERE singleton = 1");
             ResultSet rs = ps.executeQuery()) {
            return rs.next() ? rs.getString(1) : null;
        }
    }


    /**
     * How many rows of all files are in each final status: every ledger entry by its state (RECEIVED, SENDING, CREATED,
     * REJECTED, UNCERTAIN, TRACKED), and the rows that own no entry by theirs (INVALID, DUPLICATE). For metrics: the entries
     * are counted by a scan of each table (no index on state: see V11), so the caller caches the answer.
     */
    public Map<String, Long> countByState() {
        return inTransaction(c -> {
            Map<String, Long> counts = new java.util.LinkedHashMap<>();
            for (String sql : List.of("SELECT state, COUNT(*) FROM ledger_entry GROUP BY state",
                    "SELECT status, COUNT(*) FROM intake_issue GROUP BY status")) {
                try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        counts.merge(rs.getString(1), rs.getLong(2), Long::sum);
                    }
                }
            }
            return counts;
        });
    }

    /**
     * Starts a run for a picked-up file, resumes the unfinished run of the same name and content, or finds that such a
     * run already finished ({@link FileRun#completed()}): then the file must be archived, not read again.
     */
    public FileRun beginRun(String fileName, String sha256) {
        return inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT id, status, accepted, report_base, moved_to FROM intake_file "
                    + "WHERE file_name = ? AND sha256 = ? AND status IN ('PROCESSING', 'COMPLETED') ORDER BY id DESC")) {
                ps.setString(1, fileName);
                ps.setString(2, sha256);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        boolean completed = rs.getString(2).equals("COMPLETED");
                        return new FileRun(rs.getLong(1), fileName, sha256, !completed, rs.getBoolean(3), completed, rs.getString(4),
                                rs.getString(5));
                    }
                }
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO intake_file (file_name, sha256, status, accepted, rows_read, started_at) VALUES (?, ?, 'PROCESSING', FALSE, 0, ?)",
                    java.sql.Statement.RETURN_GENERATED_KEYS)) {
                ps.setString(1, fileName);
                ps.setString(2, sha256);
                ps.setObject(3, now());
                ps.executeUpdate();
                try (ResultSet keys = ps.getGeneratedKeys()) {
                    keys.next();
                    return new FileRun(keys.getLong("id"), fileName, sha256, false, false);
                }
            }
        });
    }

    /** Forgets the issues of an earlier, unfinished acceptance of this run: reading starts again from the top. */
    public void restartAcceptance(FileRun run) {
        inTransaction(c -> Jdbc.update(c, "DELETE FROM intake_issue WHERE file_id = ?", run.id()));
    }

    /**
     * Every row is read and claimed (sending may still be under way: claims and sends overlap); later pick-ups of the same
     * unfinished run skip reading and send what is left.
     */
    public void markAccepted(FileRun run, long rowsRead, List<String> unknownColumns) {
        inTransaction(c -> Jdbc.update(c, "UPDATE intake_file SET accepted = TRUE, rows_read = ?, unknown_columns = ? WHERE id = ?",
                rowsRead, Jdbc.truncate(String.join(",", unknownColumns), 4000), run.id()));
    }

    /** The run is finished and its reports are written; its input goes to {@code movedTo} (remembered for a restart). */
    public void complete(FileRun run, String movedTo) {
        inTransaction(c -> Jdbc.update(c, "UPDATE intake_file SET status = 'COMPLETED', finished_at = ?, moved_to = ? WHERE id = ?",
                now(), Jdbc.truncate(movedTo, 2000), run.id()));
    }

    /**
     * The file cannot be read: drop what this run claimed (nothing of it was sent: nothing is claimed before the whole
     * file was read once) so that a corrected file is not reported as duplicates, and mark the run failed.
     */
    public void fail(FileRun run, String message) {
        inTransaction(c -> {
            int sent = Jdbc.queryInt(c, "SELECT COUNT(*) FROM ledger_entry WHERE file_id = ? AND state NOT IN ('RECEIVED', 'TRACKED')", run.id());
            if (sent > 0) {
                throw new IllegalStateException("run " + run.id() + " of " + run.fileName() + " has " + sent + " sent entries; it cannot be discarded");
            }
            Jdbc.update(c, "DELETE FROM intake_issue WHERE file_id = ?", run.id());
            Jdbc.update(c, "DELETE FROM payment_link WHERE file_id = ?", run.id());
            // The keys found through their entries' (file_id, line) index, so the entries go last.
            deleteKeys(c, run.id(), "");
            Jdbc.update(c, "DELETE FROM ledger_entry WHERE file_id = ?", run.id());
            return null;
        });
        finish(run, "FAILED", message);
    }

    /**
     * The file changed while its rows were being claimed and sent: its claimed rows that were not sent (RECEIVED) are
     * dropped, so that the file dropped again sends them; what was sent stays, and is a DUPLICATE then. Returns how many.
     */
    public int releaseUnsent(FileRun run) {
        return inTransaction(c -> {
            Jdbc.update(c, "DELETE FROM payment_link WHERE file_id = ? AND entry_key IN "
                    + "(SELECT entry_key FROM ledger_entry WHERE file_id = ? AND state = 'RECEIVED')", run.id(), run.id());
            // Their keys are free again (a corrected file may claim them).
            deleteKeys(c, run.id(), " AND state = 'RECEIVED'");
            return Jdbc.update(c, "DELETE FROM ledger_entry WHERE file_id = ? AND state = 'RECEIVED'", run.id());
        });
    }

    /** How many keys {@link #deleteKeys} reads, hashes and deletes at a time. */
    private static final int KEY_PAGE = 1_000;

    /**
     * Deletes the keys of a run's entries ({@code also}: which of them), by their hashes, a page of entries at a time along
     * the (file_id, line) index: a run of a million rows freed at once held every hash in the heap (out of memory under
     * -Xmx128m); the database's own SHA-256 in one statement (IN a subquery) took two to three times as long.
     */
    private static void deleteKeys(Connection c, long fileId, String also) throws SQLException {
        try (PreparedStatement page = c.prepareStatement("SELECT line, entry_key FROM ledger_entry WHERE file_id = ? AND line > ?" + also
                + " ORDER BY " + IN_INDEX_ORDER + "line LIMIT " + KEY_PAGE);
             PreparedStatement delete = c.prepareStatement("DELETE FROM ledger_key WHERE key_hash = ?")) {
            long after = Long.MIN_VALUE;
            int keys;
            do {
                keys = 0;
                page.setLong(1, fileId);
                page.setLong(2, after);
                try (ResultSet rs = page.executeQuery()) {
                    while (rs.next()) {
                        after = rs.getLong(1);
                        delete.setBytes(1, KeyHash.of(rs.getString(2)));
                        delete.addBatch();
                        keys++;
                    }
                }
                if (keys > 0) {
                    delete.executeBatch();
                }
            } while (keys == KEY_PAGE);
        }
    }

    /** A run stopped for good after some of its rows were sent ({@link #releaseUnsent}): FAILED, with why. */
    public void abandon(FileRun run, String message) {
        finish(run, "FAILED", message);
    }

    private void finish(FileRun run, String status, String message) {
        inTransaction(c -> Jdbc.update(c, "UPDATE intake_file SET status = ?, finished_at = ?, message = ? WHERE id = ?",
                status, now(), Jdbc.truncate(message, 4000), run.id()));
    }

    /** Unknown column names recorded when the run was accepted (also for a resumed run). */
    public List<String> unknownColumns(FileRun run) {
        return inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT unknown_columns FROM intake_file WHERE id = ?")) {
                ps.setLong(1, run.id());
                try (ResultSet rs = ps.executeQuery()) {
                    String s = rs.next() ? rs.getString(1) : null;
                    return s == null || s.isEmpty() ? List.of() : List.of(s.split(","));
                }
            }
        });
    }

    // ---------------------------------------------------------------- acceptance

    /** What acceptance did with a chunk of rows. */
    public record ChunkResult(int claimed, int duplicates, int invalid) {
    }

    /**
     * Records one chunk of a file, in one transaction: every accepted row either claims its key (a new entry,
     * RECEIVED, or TRACKED when it only tracks a SmartPay link), finds it already owned by this very row
     * (a resumed run), or is a DUPLICATE; invalid rows are kept as issues.
     */
    public ChunkResult accept(FileRun run, List<AcceptedRow> rows, List<InvalidRow> invalid) {
        SQLException last = null;
        for (int attempt = 1; attempt <= MAX_CLAIM_TRIES; attempt++) {
            try {
                return jdbc.inTransactionChecked(c -> acceptChunk(c, run, rows, invalid));
            } catch (SQLException e) {
                // Another instance claimed one of these keys between our look-up and insert: look again.
                if (!Jdbc.isUniqueViolation(e)) {
                    throw new LedgerException("could not record rows of " + run.fileName(), e);
                }
                last = e;
            }
        }
        throw new LedgerException("could not claim keys of " + run.fileName() + " after " + MAX_CLAIM_TRIES + " tries", last);
    }

    private ChunkResult acceptChunk(Connection c, FileRun run, List<AcceptedRow> rows, List<InvalidRow> invalid) throws SQLException {
        List<Object[]> issues = new ArrayList<>();
        // The usual chunk, every key new: its keys are claimed outright, and the insert's own unique check is the only
        // look-up (with a look-up first for every chunk, a warm row cost a third more CPU, bench/profile.sh). A key taken
        // already undoes that, and the chunk's owners are looked up.
        boolean claimed = !rows.isEmpty() && claimAllKeys(c, run, rows);
        List<AcceptedRow> toInsert = claimed ? rows : withNewKeys(c, run, rows, issues);
        for (InvalidRow row : invalid) {
            issues.add(new Object[] {run.id(), row.line(), "INVALID", null,
                    Jdbc.truncate(row.raw().get(Column.TRANSACTIONID), 1000), Jdbc.truncate(row.raw().get(Column.PRICENET), 1000),
                    Jdbc.truncate(row.raw().get(Column.DESCRIPTION), 4000), row.field(), Jdbc.truncate(row.reason(), 4000)});
        }
        if (!claimed) {
            insertKeys(c, run, toInsert);
        }
        insertEntries(c, run, toInsert);
        trackPaymentLinks(c, run, toInsert);
        batch(c, "INSERT INTO intake_issue (file_id, line, status, entry_key, transaction_id, price_net, description, field, message) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", issues);
        return new ChunkResult(toInsert.size(), issues.size() - invalid.size(), invalid.size());
    }

    /**
     * Claims the keys of all {@code rows} if every one is new and listed once; otherwise claims none (rolled back to a
     * savepoint, which PostgreSQL needs to go on after a failed statement) and returns false.
     */
    private boolean claimAllKeys(Connection c, FileRun run, List<AcceptedRow> rows) throws SQLException {
        java.sql.Savepoint before = c.setSavepoint();
        try {
            insertKeys(c, run, rows);
            c.releaseSavepoint(before);
            return true;
        } catch (SQLException e) {
            if (!Jdbc.isUniqueViolation(e)) {
                throw e;
            }
            c.rollback(before);
            return false;
        }
    }

    /** The rows whose keys nobody owns yet (the first of a key listed twice); the others become DUPLICATE issues. */
    private List<AcceptedRow> withNewKeys(Connection c, FileRun run, List<AcceptedRow> rows, List<Object[]> issues) throws SQLException {
        Map<String, Owner> owners = owners(c, rows.stream().map(AcceptedRow::key).distinct().toList());
        List<AcceptedRow> toInsert = new ArrayList<>();
        for (AcceptedRow row : rows) {
            Owner owner = owners.get(row.key());
            if (owner == null) {
                // The first row of this chunk with a new key owns it; later rows with that key are its duplicates.
                toInsert.add(row);
                owners.put(row.key(), new Owner(run.id(), row.line(), EntryState.RECEIVED.name(), run.fileName()));
            } else if (owner.fileId() != run.id() || owner.line() != row.line()) {
                issues.add(duplicateIssue(run, row, owner.fileId() == run.id()
                        ? "same key as line " + owner.line() + " of this file"
                        : "key already in the ledger from " + owner.fileName() + " line " + owner.line() + " (" + owner.state() + ")"));
            }
        }
        return toInsert;
    }

    private Object[] duplicateIssue(FileRun run, AcceptedRow row, String message) {
        PaymentLinkRequest r = row.request();
        return new Object[] {run.id(), row.line(), "DUPLICATE", row.key(),
                r == null ? null : r.transactionId(), r == null ? null : r.priceNetText(), r == null ? null : r.description(),
                null, message};
    }

    private record Owner(long fileId, long line, String state, String fileName) {
    }

    private Map<String, Owner> owners(Connection c, List<String> all) throws SQLException {
        Map<String, Owner> owners = new HashMap<>();
        for (int from = 0; from < all.size(); from += IN_LIST) {
            List<String> part = all.subList(from, Math.min(all.size(), from + IN_LIST));
            String sql = "SELECT e.entry_key, e.file_id, e.line, e.state, f.file_name FROM " + KEYED + " JOIN intake_file f ON f.id = e.file_id "
                    + "WHERE k.key_hash IN (" + String.join(",", Collections.nCopies(part.size(), "?")) + ")";
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                for (int i = 0; i < part.size(); i++) {
                    ps.setBytes(i + 1, KeyHash.of(part.get(i)));
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        owners.put(rs.getString(1), new Owner(rs.getLong(2), rs.getLong(3), rs.getString(4), rs.getString(5)));
                    }
                }
            }
        }
        return owners;
    }

    /**
     * Claims the rows' keys: the key first, then its entry. Another instance claiming one meanwhile fails here, on the key's
     * primary key, and the chunk is looked at again ({@link #accept}).
     */
    private void insertKeys(Connection c, FileRun run, List<AcceptedRow> rows) throws SQLException {
        if (rows.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO ledger_key (key_hash, file_id, line) VALUES (?, ?, ?)")) {
            for (AcceptedRow row : rows) {
                ps.setBytes(1, KeyHash.of(row.key()));
                ps.setLong(2, run.id());
                ps.setLong(3, row.line());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    private void insertEntries(Connection c, FileRun run, List<AcceptedRow> rows) throws SQLException {
        if (rows.isEmpty()) {
            return;
        }
        OffsetDateTime now = now();
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO ledger_entry (entry_key, state, file_id, line, transaction_id, price_net, "
                + "description, send_mail, reference, payment_link_id, send_attempts, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?)")) {
            for (AcceptedRow row : rows) {
                PaymentLinkRequest r = row.request();
                ps.setString(1, row.key());
                ps.setString(2, (row.trackingOnly() ? EntryState.TRACKED : EntryState.RECEIVED).name());
                ps.setLong(3, run.id());
                ps.setLong(4, row.line());
                ps.setString(5, r == null ? null : r.transactionId());
                ps.setBigDecimal(6, r == null ? null : r.priceNet());
                ps.setString(7, r == null ? null : r.description());
                if (r == null) {
                    ps.setNull(8, Types.BOOLEAN);
                } else {
                    ps.setBoolean(8, r.sendMailToCustomer());
                }
                ps.setString(9, row.reference());
                ps.setString(10, row.paymentLinkId());
                ps.setObject(11, now);
                ps.setObject(12, now);
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /**
     * Rows that name a SmartPay paymentLinkId start being tracked, due at once. A link already tracked (from another
     * row) is left as it is: one link, one schedule.
     */
    private void trackPaymentLinks(Connection c, FileRun run, List<AcceptedRow> inserted) throws SQLException {
        Map<String, AcceptedRow> byLink = new java.util.LinkedHashMap<>();
        inserted.stream().filter(r -> r.paymentLinkId() != null).forEach(r -> byLink.putIfAbsent(r.paymentLinkId(), r));
        if (byLink.isEmpty()) {
            return;
        }
        List<String> ids = new ArrayList<>(byLink.keySet());
        for (int from = 0; from < ids.size(); from += IN_LIST) {
            List<String> part = ids.subList(from, Math.min(ids.size(), from + IN_LIST));
            try (PreparedStatement ps = c.prepareStatement("SELECT payment_link_id FROM payment_link WHERE payment_link_id IN ("
                    + String.join(",", Collections.nCopies(part.size(), "?")) + ")")) {
                Jdbc.bind(ps, part.toArray());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        byLink.remove(rs.getString(1));
                    }
                }
            }
        }
        OffsetDateTime now = now();
        List<Object[]> rows = new ArrayList<>();
        for (AcceptedRow r : byLink.values()) {
            rows.add(new Object[] {r.paymentLinkId(), r.key(), run.id(), r.line(), now, now, now});
        }
        batch(c, "INSERT INTO payment_link (payment_link_id, entry_key, file_id, line, tracking, checks, failures, check_interval_s, "
                + "next_check_at, created_at, updated_at) VALUES (?, ?, ?, ?, 'OPEN', 0, 0, 0, ?, ?, ?)", rows);
    }

    /** Remembers the base name a file's reports were written under, for reports written about it later. */
    public void setReportBase(FileRun run, String base) {
        inTransaction(c -> Jdbc.update(c, "UPDATE intake_file SET report_base = ? WHERE id = ?", base, run.id()));
    }

    // ---------------------------------------------------------------- sending

    /**
     * Entries left SENDING by an earlier run of this file were interrupted (crash, kill): whether onOffice
     * executed them is unknown, so they become UNCERTAIN and are never sent again automatically.
     */
    public int markInterrupted(FileRun run) {
        return inTransaction(c -> Jdbc.update(c, "UPDATE ledger_entry SET state = 'UNCERTAIN', message = ?, updated_at = ? WHERE file_id = ? AND state = 'SENDING'",
                "interrupted while sending (crash or kill); the link may exist", now(), run.id()));
    }

    /** The next RECEIVED entries of a run after {@code afterLine}, in line order. */
    public List<LedgerEntry> nextToSend(FileRun run, long afterLine, int limit) {
        return inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT entry_key, state, file_id, line, transaction_id, price_net, description, send_mail "
                    + "FROM ledger_entry WHERE file_id = ? AND state = 'RECEIVED' AND line > ? ORDER BY " + IN_INDEX_ORDER + "line LIMIT ?")) {
                ps.setLong(1, run.id());
                ps.setLong(2, afterLine);
                ps.setInt(3, limit);
                List<LedgerEntry> entries = new ArrayList<>(limit);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        entries.add(new LedgerEntry(rs.getString(1), EntryState.valueOf(rs.getString(2)), rs.getLong(3), rs.getLong(4),
                                new PaymentLinkRequest(rs.getString(5), rs.getBigDecimal(6).setScale(2), rs.getString(7), rs.getBoolean(8))));
                    }
                }
                return entries;
            }
        });
    }

    /**
     * Moves entries from RECEIVED to SENDING and commits, before any request leaves. Returns the entries this
     * caller now owns: one taken meanwhile by someone else is left out, so it cannot be sent twice.
     */
    public List<LedgerEntry> markSending(List<LedgerEntry> entries) {
        List<LedgerEntry> mine = entries.isEmpty() ? List.of() : inTransaction(c -> {
            OffsetDateTime now = now();
            // The usual case, a batch of one file, every entry still RECEIVED and listed once: one statement for the batch.
            long fileId = entries.get(0).fileId();
            if (entries.stream().allMatch(e -> e.fileId() == fileId) && entries.stream().map(LedgerEntry::line).distinct().count() == entries.size()) {
                // The range makes H2 walk the (file_id, line) index; with the IN list alone it filtered every line of the file.
                long first = entries.stream().mapToLong(LedgerEntry::line).min().orElseThrow();
                long last = entries.stream().mapToLong(LedgerEntry::line).max().orElseThrow();
                int moved = Jdbc.update(c, "UPDATE ledger_entry SET state = 'SENDING', send_attempts = send_attempts + 1, updated_at = ?, "
                        + "sending_owner = ? WHERE file_id = ? AND line BETWEEN ? AND ? AND line IN (" + String.join(",", Collections.nCopies(entries.size(), "?"))
                        + ") AND state = 'RECEIVED'", linesAfter(entries, now, instanceId, fileId, first, last));
                if (moved == entries.size()) {
                    return entries;
                }
                // Some were taken by another sender meanwhile: undone, and claimed one by one to know which are ours.
                c.rollback();
            }
            List<LedgerEntry> owned = new ArrayList<>(entries.size());
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE ledger_entry SET state = 'SENDING', send_attempts = send_attempts + 1, updated_at = ?, sending_owner = ? "
                    + "WHERE file_id = ? AND line = ? AND state = 'RECEIVED'")) {
                for (LedgerEntry e : entries) {
                    ps.setObject(1, now);
                    ps.setString(2, instanceId);
                    ps.setLong(3, e.fileId());
                    ps.setLong(4, e.line());
                    if (ps.executeUpdate() == 1) {
                        owned.add(e);
                    }
                }
            }
            return owned;
        });
        if (h2File && !mine.isEmpty()) {
            syncToDisk();
        }
        return mine;
    }

    private static Object[] linesAfter(List<LedgerEntry> entries, Object... first) {
        Object[] args = java.util.Arrays.copyOf(first, first.length + entries.size());
        for (int i = 0; i < entries.size(); i++) {
            args[first.length + i] = entries.get(i).line();
        }
        return args;
    }

    /**
     * Forces everything committed to the disk (H2: {@code CHECKPOINT SYNC}, an fsync). PostgreSQL needs none: its commit
     * returns once the WAL is flushed ({@code synchronous_commit=on}, the default).
     */
    private void syncToDisk() {
        inTransaction(c -> {
            try (Statement st = c.createStatement()) {
                st.execute("CHECKPOINT SYNC");
            }
            return null;
        });
    }

    /** Records what onOffice answered for entries that are SENDING. {@link ActionOutcome.Held} puts an entry back to RECEIVED. */
    public void recordOutcomes(List<ActionOutcome> outcomes) {
        recordOutcomes(outcomes, List.of());
    }

    /**
     * As {@link #recordOutcomes(List)}, for outcomes of {@code sent} (the entries {@link #markSending} handed out): those
     * are found by their file and line, without a look-up of their keys.
     */
    public void recordOutcomes(List<ActionOutcome> outcomes, List<LedgerEntry> sent) {
        Map<String, LedgerEntry> known = new HashMap<>();
        sent.forEach(e -> known.put(e.key(), e));
        String set = "UPDATE ledger_entry SET state = ?, subsequent_payment_url = ?, mail_sent = ?, error_code = ?, message = ?, updated_at = ? WHERE ";
        inTransaction(c -> {
            try (PreparedStatement byLine = c.prepareStatement(set + "file_id = ? AND line = ? AND state = 'SENDING'");
                 PreparedStatement byKey = c.prepareStatement(set + OF_KEY + " AND state = 'SENDING'")) {
                OffsetDateTime now = now();
                boolean anyByKey = false;
                for (ActionOutcome o : outcomes) {
                    LedgerEntry e = known.get(o.identifier());
                    PreparedStatement ps = e != null ? byLine : byKey;
                    bindOutcome(ps, o, now);
                    if (e != null) {
                        ps.setLong(7, e.fileId());
                        ps.setLong(8, e.line());
                    } else {
                        byte[] hash = KeyHash.of(o.identifier());
                        ps.setBytes(7, hash);
                        ps.setBytes(8, hash);
                        anyByKey = true;
                    }
                    ps.addBatch();
                }
                if (anyByKey) {
                    byKey.executeBatch();
                }
                if (!known.isEmpty()) {
                    byLine.executeBatch();
                }
            }
            return null;
        });
    }

    /** Parameters 1-6 of an outcome's update: state, url, mail sent, error code, message, updated at. */
    private static void bindOutcome(PreparedStatement ps, ActionOutcome o, OffsetDateTime now) throws SQLException {
        String url = null;
        Boolean mail = null;
        Integer code = null;
        String message;
        EntryState state;
        if (o instanceof ActionOutcome.Created cr) {
            state = EntryState.CREATED;
            url = cr.subsequentPaymentUrl();
            mail = cr.mailToCustomerSent();
            message = null;
        } else if (o instanceof ActionOutcome.Rejected r) {
            state = EntryState.REJECTED;
            code = r.errorCode();
            message = r.message();
        } else if (o instanceof ActionOutcome.Uncertain u) {
            state = EntryState.UNCERTAIN;
            code = u.errorCode();
            message = u.message();
        } else {
            ActionOutcome.Held h = (ActionOutcome.Held) o;
            state = EntryState.RECEIVED;
            code = h.errorCode();
            message = "held back (" + h.reason() + "): " + h.message();
        }
        ps.setString(1, state.name());
        ps.setString(2, Jdbc.truncate(url, 2000));
        Jdbc.setBoolean(ps, 3, mail);
        Jdbc.setInt(ps, 4, code);
        ps.setString(5, Jdbc.truncate(message, 2000));
        ps.setObject(6, now);
    }

    /** Entries of a run that are not finished: RECEIVED (not yet or held back) or SENDING. */
    public long unfinished(FileRun run) {
        return inTransaction(c -> (long) Jdbc.queryInt(c, "SELECT COUNT(*) FROM ledger_entry WHERE file_id = ? AND state IN ('RECEIVED', 'SENDING')", run.id()));
    }

    public Optional<ResultLine> entry(String key) {
        return inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(ENTRY_RESULT + " WHERE " + OF_KEY)) {
                byte[] hash = KeyHash.of(key);
                ps.setBytes(1, hash);
                ps.setBytes(2, hash);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(entryResult(rs)) : Optional.<ResultLine>empty();
                }
            }
        });
    }

    // ---------------------------------------------------------------- results

    private static final String ENTRY_RESULT = "SELECT line, entry_key, state, transaction_id, price_net, description, subsequent_payment_url, "
            + "mail_sent, error_code, message, payment_link_id FROM ledger_entry";

    /** One page of a run's result lines after {@code afterLine}, in line order: owned entries and issues merged. */
    public List<ResultLine> results(FileRun run, long afterLine, int limit) {
        return inTransaction(c -> {
            List<ResultLine> merged = new ArrayList<>(limit * 2);
            try (PreparedStatement ps = c.prepareStatement(ENTRY_RESULT + " WHERE file_id = ? AND line > ? ORDER BY " + IN_INDEX_ORDER + "line LIMIT ?")) {
                ps.setLong(1, run.id());
                ps.setLong(2, afterLine);
                ps.setInt(3, limit);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        merged.add(entryResult(rs));
                    }
                }
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT line, entry_key, status, transaction_id, price_net, description, field, message "
                    + "FROM intake_issue WHERE file_id = ? AND line > ? ORDER BY " + IN_INDEX_ORDER + "line LIMIT ?")) {
                ps.setLong(1, run.id());
                ps.setLong(2, afterLine);
                ps.setInt(3, limit);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        // The message names the field itself (the validator's reasons start with it).
                        merged.add(new ResultLine(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                                rs.getString(6), null, null, null, rs.getString(8)));
                    }
                }
            }
            merged.sort(java.util.Comparator.comparingLong(ResultLine::line));
            // The first `limit` lines after afterLine are among the first `limit` of each source: merge, keep `limit`.
            return merged.size() <= limit ? merged : merged.subList(0, limit);
        });
    }

    private static ResultLine entryResult(ResultSet rs) throws SQLException {
        BigDecimal price = rs.getBigDecimal(5);
        return new ResultLine(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
                price == null ? null : price.setScale(2).toPlainString(), rs.getString(6), rs.getString(7),
                (Boolean) rs.getObject(8, Boolean.class), (Integer) rs.getObject(9, Integer.class), rs.getString(10));
    }

    // ---------------------------------------------------------------- resolutions: a person's decisions about UNCERTAIN entries

    private static final String TARGET_COLUMNS = "SELECT e.entry_key, e.state, e.file_id, f.file_name, e.line, f.status FROM ";
    /** Bind the key's {@link KeyHash}. */
    private static final String TARGET_OF_KEY = TARGET_COLUMNS + KEYED + " JOIN intake_file f ON f.id = e.file_id WHERE k.key_hash = ?";
    private static final String RECORDED = "SELECT id, entry_key, decision, drop_file, drop_line, previous_state, new_state, applied_at FROM resolution";

    /** The entry of a key, with the file it came from, for a decision about it. */
    public Optional<Resolution.Target> resolutionTarget(String key) {
        return inTransaction(c -> targets(c, TARGET_OF_KEY, KeyHash.of(key)).stream().findFirst());
    }

    /** The entries owned by line {@code line} of files named {@code fileName}: one per run of such a file that owns one. */
    public List<Resolution.Target> resolutionTargets(String fileName, long line) {
        return inTransaction(c -> targets(c, TARGET_COLUMNS + "ledger_entry e JOIN intake_file f ON f.id = e.file_id WHERE f.file_name = ? AND e.line = ? "
                + "ORDER BY e.file_id", fileName, line));
    }

    /** The decision already applied from this line of a drop with this content, if any. */
    public Optional<Resolution.Recorded> resolutionOf(String dropSha256, long dropLine) {
        return inTransaction(c -> recorded(c, RECORDED + " WHERE drop_sha256 = ? AND drop_line = ?", dropSha256, dropLine));
    }

    /**
     * Applies one decision, once, in one transaction: a line of a drop already recorded (same content, same line) is
     * ALREADY_APPLIED; otherwise the entry moves out of UNCERTAIN only by a conditional update ({@code WHERE state =
     * 'UNCERTAIN'}) committed together with its audit row, and an entry no longer UNCERTAIN is REFUSED with why.
     * A resend of an entry whose file is still being processed is refused: its file's own run would send it too.
     */
    public Resolution.Result resolve(Resolution.Request r) {
        try {
            return jdbc.inTransactionChecked(c -> resolveIn(c, r));
        } catch (SQLException e) {
            if (!Jdbc.isUniqueViolation(e)) {
                throw new LedgerException("could not apply " + r.dropFile() + " line " + r.dropLine() + ": " + e.getMessage(), e);
            }
            // The same drop line was applied meanwhile (another instance, the same drop picked up twice): it is recorded now.
            return inTransaction(c -> resolveIn(c, r));
        }
    }

    private Resolution.Result resolveIn(Connection c, Resolution.Request r) throws SQLException {
        Optional<Resolution.Result> same = alreadyApplied(c, r);
        if (same.isPresent()) {
            return same.get();
        }
        byte[] hash = KeyHash.of(r.key());
        List<Resolution.Target> found = targets(c, TARGET_OF_KEY, hash);
        if (found.isEmpty()) {
            return new Resolution.Result(Resolution.Outcome.REFUSED, null, "no ledger entry has the key " + r.key());
        }
        Resolution.Target t = found.get(0);
        if (r.decision() == Resolution.Decision.RESEND && "PROCESSING".equals(t.fileStatus())) {
            return new Resolution.Result(Resolution.Outcome.REFUSED, null, t.fileName() + " is still being processed; decide a resend once its results are written");
        }
        OffsetDateTime now = now();
        String by = r.dropFile() + " line " + r.dropLine();
        String url = r.decision() == Resolution.Decision.CREATED ? r.url() : null;
        String message = switch (r.decision()) {
            case RESEND -> "to be sent again, as a person decided (" + by + ")";
            case CREATED -> "created in onOffice, as a person found (" + by + ")";
            case REJECTED -> r.reason();
            case DROP -> "dropped by a person: " + r.reason();
        };
        int moved = Jdbc.update(c, "UPDATE ledger_entry SET state = ?, subsequent_payment_url = ?, mail_sent = NULL, error_code = NULL, message = ?, "
                + "updated_at = ? WHERE " + OF_KEY + " AND state = 'UNCERTAIN'", r.decision().target().name(), url, Jdbc.truncate(message, 2000), now,
                hash, hash);
        if (moved == 0) {
            // Waiting for the row lock of the same line applied at this moment elsewhere (PostgreSQL): it is recorded now.
            same = alreadyApplied(c, r);
            if (same.isPresent()) {
                return same.get();
            }
            Optional<Resolution.Recorded> last = recorded(c, RECORDED + " WHERE entry_key = ? ORDER BY entry_key, id DESC LIMIT 1", r.key());
            String state = targets(c, TARGET_OF_KEY, hash).get(0).state();
            return new Resolution.Result(Resolution.Outcome.REFUSED, null, last.map(l -> "already resolved " + l.describe() + "; the entry is " + state + " now")
                    .orElse("the entry is " + state + ", not UNCERTAIN: only UNCERTAIN entries are resolved"));
        }
        long id;
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO resolution (drop_file, drop_sha256, drop_line, entry_key, key_hash, decision, url, "
                + "reason, previous_state, new_state, decided_by, decided_at, applied_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'UNCERTAIN', ?, ?, ?, ?)",
                java.sql.Statement.RETURN_GENERATED_KEYS)) {
            Jdbc.bind(ps, Jdbc.truncate(r.dropFile(), 1024), r.dropSha256(), r.dropLine(), r.key(), hash, r.decision().name(), url,
                    Jdbc.truncate(r.reason(), 2000), r.decision().target().name(), Jdbc.truncate(r.dropFile(), 1024), r.decidedAt(), now);
            ps.executeUpdate();
            try (ResultSet keys = ps.getGeneratedKeys()) {
                keys.next();
                id = keys.getLong("id");
            }
        }
        return new Resolution.Result(Resolution.Outcome.APPLIED, new Resolution.Recorded(id, r.key(), r.decision(), r.dropFile(), r.dropLine(),
                EntryState.UNCERTAIN.name(), r.decision().target().name(), now.toInstant()), null);
    }

    private static Optional<Resolution.Result> alreadyApplied(Connection c, Resolution.Request r) throws SQLException {
        return recorded(c, RECORDED + " WHERE drop_sha256 = ? AND drop_line = ?", r.dropSha256(), r.dropLine())
                .map(done -> new Resolution.Result(Resolution.Outcome.ALREADY_APPLIED, done, "already applied " + done.describe()));
    }

    /** The entries among {@code keys} that are RECEIVED, ready for {@link #markSending}, in file and line order. */
    public List<LedgerEntry> receivedEntries(List<String> keys) {
        if (keys.isEmpty()) {
            return List.of();
        }
        return inTransaction(c -> sendable(c, "k.key_hash IN (" + String.join(",", Collections.nCopies(keys.size(), "?")) + ")",
                keys.stream().map(KeyHash::of).toArray()));
    }

    /**
     * Entries a resend decision put back to RECEIVED that are still waiting (sending was paused), oldest decision first.
     * Read through the few resolutions not yet announced, never through the ledger's RECEIVED entries.
     */
    public List<LedgerEntry> pendingResends(int limit) {
        return inTransaction(c -> sendable(c, "k.key_hash IN (SELECT r.key_hash FROM resolution r WHERE r.announced_at IS NULL "
                + "AND r.decision = 'RESEND') LIMIT ?", new Object[] {limit}));
    }

    private static List<LedgerEntry> sendable(Connection c, String where, Object[] args) throws SQLException {
        List<LedgerEntry> entries = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT e.entry_key, e.file_id, e.line, e.transaction_id, e.price_net, e.description, "
                + "e.send_mail FROM " + KEYED + " WHERE e.state = 'RECEIVED' AND " + where)) {
            Jdbc.bind(ps, args);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    PaymentLinkRequest request = new PaymentLinkRequest(rs.getString(4), rs.getBigDecimal(5).setScale(2), rs.getString(6), rs.getBoolean(7));
                    entries.add(new LedgerEntry(rs.getString(1), EntryState.RECEIVED, rs.getLong(2), rs.getLong(3), request));
                }
            }
        }
        entries.sort(java.util.Comparator.comparingLong(LedgerEntry::fileId).thenComparingLong(LedgerEntry::line));
        return entries;
    }

    /**
     * A resend left SENDING (crash or kill while its request was out) may have reached onOffice: UNCERTAIN again,
     * never sent again automatically. Call at start, before anything of this instance sends.
     */
    public int markResendsInterrupted() {
        return inTransaction(c -> resendsInterrupted(c, "", now()));
    }

    /**
     * As {@link #markResendsInterrupted()} with several instances on this database: only resends whose sender is gone,
     * that is, whose instance lock ({@link OwnerLocks}) was not renewed since {@code liveSince} or is not there, or that
     * name no sender (marked before the sender was recorded). {@code atStart}: this instance's own as well (an earlier
     * life under the same paylink.cluster.instance-id). One statement per entry, so a sender that registers and sends
     * meanwhile is seen alive.
     */
    public int markResendsInterrupted(boolean atStart, Instant liveSince) {
        return inTransaction(c -> resendsInterrupted(c, " AND (sending_owner IS NULL OR sending_owner = ? OR NOT EXISTS (SELECT 1 FROM "
                        + OwnerLocks.TABLE + " l WHERE l.processorName = ? AND l.messageId = CONCAT(?, ledger_entry.sending_owner) AND l.createdAt >= ?))",
                now(), atStart ? instanceId : "", OwnerLocks.PROCESSOR, OwnerLocks.INSTANCE, Jdbc.timestamp(liveSince)));
    }

    /** The resends still SENDING (found through their resolutions and keys, not a scan by state) that {@code also} holds for. */
    private static int resendsInterrupted(Connection c, String also, OffsetDateTime now, Object... alsoArgs) throws SQLException {
        List<long[]> resends = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT k.file_id, k.line FROM resolution r JOIN ledger_key k ON k.key_hash = r.key_hash "
                + "WHERE r.announced_at IS NULL AND r.decision = 'RESEND'"); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                resends.add(new long[] {rs.getLong(1), rs.getLong(2)});
            }
        }
        int moved = 0;
        for (long[] at : resends) {
            Object[] args = new Object[4 + alsoArgs.length];
            args[0] = INTERRUPTED_RESEND;
            args[1] = now;
            args[2] = at[0];
            args[3] = at[1];
            System.arraycopy(alsoArgs, 0, args, 4, alsoArgs.length);
            moved += Jdbc.update(c, "UPDATE ledger_entry SET state = 'UNCERTAIN', message = ?, updated_at = ? WHERE file_id = ? AND line = ? "
                    + "AND state = 'SENDING'" + also, args);
        }
        return moved;
    }

    private static final String INTERRUPTED_RESEND = "interrupted while being sent again (crash or kill); the link may exist";

    /** Applied decisions whose entry has settled (not RECEIVED or SENDING) and that were not announced yet, in order. */
    public List<Resolution.Settled> unannouncedResolutions(int limit) {
        return inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT r.id, r.entry_key, r.decision, r.drop_file, r.drop_line, r.previous_state, "
                    + "r.new_state, r.applied_at, r.reason, r.decided_at, e.state, e.subsequent_payment_url, f.id, f.file_name, f.sha256, "
                    + "f.report_base, e.line FROM resolution r JOIN ledger_key k ON k.key_hash = r.key_hash "
                    + "JOIN ledger_entry e ON e.file_id = k.file_id AND e.line = k.line JOIN intake_file f ON f.id = e.file_id "
                    + "WHERE r.announced_at IS NULL AND e.state NOT IN ('RECEIVED', 'SENDING') ORDER BY r.id LIMIT ?")) {
                ps.setInt(1, limit);
                List<Resolution.Settled> settled = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        settled.add(new Resolution.Settled(recorded(rs), rs.getString(9), Jdbc.instant(rs, 10), rs.getString(11), rs.getString(12),
                                new FileRun(rs.getLong(13), rs.getString(14), rs.getString(15), false, true), rs.getString(16), rs.getLong(17)));
                    }
                }
                return settled;
            }
        });
    }

    /** Their link.resolved events are published: not announced again. */
    public void markAnnounced(List<Long> resolutionIds) {
        for (int from = 0; from < resolutionIds.size(); from += IN_LIST) {
            List<Long> part = resolutionIds.subList(from, Math.min(resolutionIds.size(), from + IN_LIST));
            Object[] args = new Object[part.size() + 1];
            args[0] = now();
            for (int i = 0; i < part.size(); i++) {
                args[i + 1] = part.get(i);
            }
            inTransaction(c -> Jdbc.update(c, "UPDATE resolution SET announced_at = ? WHERE id IN ("
                    + String.join(",", Collections.nCopies(part.size(), "?")) + ")", args));
        }
    }

    private static List<Resolution.Target> targets(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            Jdbc.bind(ps, args);
            List<Resolution.Target> found = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    found.add(new Resolution.Target(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getString(4), rs.getLong(5), rs.getString(6)));
                }
            }
            return found;
        }
    }

    private static Optional<Resolution.Recorded> recorded(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            Jdbc.bind(ps, args);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(recorded(rs)) : Optional.empty();
            }
        }
    }

    /** Columns 1-8: id, entry_key, decision, drop_file, drop_line, previous_state, new_state, applied_at. */
    private static Resolution.Recorded recorded(ResultSet rs) throws SQLException {
        return new Resolution.Recorded(rs.getLong(1), rs.getString(2), Resolution.Decision.valueOf(rs.getString(3)), rs.getString(4),
                rs.getLong(5), rs.getString(6), rs.getString(7), Jdbc.instant(rs, 8));
    }

    // ---------------------------------------------------------------- plumbing

    private <T> T inTransaction(Jdbc.Work<T> work) {
        return jdbc.inTransaction(work);
    }

    private static void batch(Connection c, String sql, List<Object[]> rows) throws SQLException {
        if (rows.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (Object[] row : rows) {
                Jdbc.bind(ps, row);
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    private OffsetDateTime now() {
        return Jdbc.timestamp(Instant.now(clock));
    }
}
