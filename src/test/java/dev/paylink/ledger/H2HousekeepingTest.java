package dev.paylink.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import ch.qos.logback.classic.Level;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.paylink.config.PaylinkSettings;
import dev.paylink.intake.AcceptedRow;
import dev.paylink.smartml.ActionOutcome;
import dev.paylink.support.LogCapture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded H2 ledger file, the app's own URL, while a file's rows are claimed, marked SENDING and answered in batches of
 * 25: without housekeeping the file keeps every superseded page; with a tick every 40 batches (the route ticks every 500 ms,
 * ~40 batches at 0 ms latency) it stays near its data and shrinks once idle, and every row is still recorded.
 */
class H2HousekeepingTest {

    private static final int ROWS = 10_000;
    private static final int BATCH = 25;
    /** The idle ticks before a shrink starts, and at least one that shrinks. */
    private static final int QUIET_TICKS_AND_A_SHRINK = H2Housekeeping.QUIET_TICKS + 1;

    @TempDir
    Path dir;

    @RegisterExtension
    final LogCapture logs = LogCapture.of(H2Housekeeping.class.getName());

    @Test
    void theFileStaysNearItsDataWhileRowsAreSentAndShrinksOnceIdle() throws Exception {
        long without;
        try (HikariDataSource ds = pool(dir.resolve("without"))) {
            without = send(ds, dir.resolve("without"), null).maxSize;
        }
        try (HikariDataSource ds = pool(dir.resolve("with"))) {
            H2Housekeeping housekeeping = new H2Housekeeping(ds, ds.getJdbcUrl());
            Sent sent = send(ds, dir.resolve("with"), housekeeping);
            long busy = sent.maxSize;
            for (int i = 0; i < 500 && !housekeeping.settled(); i++) {
                housekeeping.tick();
            }
            long idle = size(dir.resolve("with"));

            assertThat(housekeeping.settled()).as("idle ticks come to rest").isTrue();
            assertThat(logs.messages(Level.INFO)).singleElement(InstanceOfAssertFactories.STRING).startsWith("ledger file shrunk while idle: ");
            assertThat(busy).as("largest while sent, against %,d bytes without housekeeping", without).isLessThan(without / 2);
            assertThat(idle).as("once idle, against %,d bytes when the last row was answered", sent.endSize).isLessThan(sent.endSize * 9 / 10);
            assertThat(sent.ledger.countByState()).containsExactlyEntriesOf(Map.of("CREATED", (long) ROWS));
            assertThat(sent.ledger.entry(key(ROWS - 1))).get().extracting(ResultLine::status).isEqualTo("CREATED");
        }
        try (HikariDataSource reopened = pool(dir.resolve("with"))) {
            assertThat(new Ledger(reopened, Clock.systemUTC()).countByState()).containsExactlyEntriesOf(Map.of("CREATED", (long) ROWS));
        }
    }

    @Test
    void theLedgerClosesWithoutACompactionAndReopensWithEveryRow() throws Exception {
        Path folder = dir.resolve("stopped");
        long open;
        try (HikariDataSource ds = pool(folder)) {
            H2Housekeeping housekeeping = new H2Housekeeping(ds, ds.getJdbcUrl());
            send(ds, folder, housekeeping);
            for (int i = 0; i < 500 && !housekeeping.settled(); i++) {
                housekeeping.tick();
            }
            // Half the rows changed after the file was shrunk, and a tick (its pin) since: two thirds of the chunks are dead.
            try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
                st.executeUpdate("UPDATE ledger_entry SET message = 'changed' WHERE line < " + ROWS / 2);
                housekeeping.tick();
                // What the tick's busy compaction rewrote is written by the next commit (in the app, the next tick's
                // CHECKPOINT): written here, so that the close has none of it to write (it did with binary keys: +20 %).
                st.execute("CHECKPOINT");
            }
            open = size(folder);
            // As the app stops: the housekeeping lets go of its pin (after its route), then the pool closes; with the last
            // connection H2 closes the store.
            housekeeping.close();
            housekeeping.tick();
        }
        // H2 does not compact as it closes (MAX_COMPACT_TIME=0: its compaction on close lost commits, KilledLedgerTest): the
        // dead chunks stay until the housekeeping's next idle shrink. Until 2026-12-01 the close compacted (and the pin, had
        // close() not let go of it, kept it from dropping what it rewrote: a 50,000-row ledger grew from 43 MB to 455 MB).
        // (A compaction of this half-dead store changed its size by a sixth or more: 10.2 to 8.6 MB uncompressed, 5.8 to 7.2 MB
        // compressed.)
        assertThat(size(folder)).as("closed, against %,d bytes open", open).isBetween(open * 9 / 10, open * 11 / 10);
        assertThat(logs.messages(Level.WARN)).isEmpty();
        try (HikariDataSource reopened = pool(folder)) {
            assertThat(new Ledger(reopened, Clock.systemUTC()).countByState()).containsExactlyEntriesOf(Map.of("CREATED", (long) ROWS));
        }
    }

    /**
     * A kill leaves the file as the last write left it (the operating system has every write), so a copy taken between ticks
     * is what a kill there would leave. Each is opened as the next start opens it (one connection by hand, closed, then
     * again; H2's retention time covering the copy's age, as for a start right after the kill: KilledLedgerTest).
     */
    @Test
    void whatTheHousekeepingLeavesOnTheDiskAtEveryTickOpensWithEveryCommit() throws Exception {
        Path folder = dir.resolve("killed");
        List<Path> copies = new ArrayList<>();
        List<Long> createdAtCopy = new ArrayList<>();
        AfterTick copy = created -> {
            Path at = dir.resolve("kill-" + copies.size());
            Files.createDirectories(at);
            Files.copy(folder.resolve("ledger.mv.db"), at.resolve("ledger.mv.db"));
            copies.add(at);
            createdAtCopy.add(created);
        };
        try (HikariDataSource ds = pool(folder)) {
            H2Housekeeping housekeeping = new H2Housekeeping(ds, ds.getJdbcUrl());
            send(ds, folder, housekeeping, copy);
            int busy = copies.size();
            for (int i = 0; i < 500 && !housekeeping.settled(); i++) {
                housekeeping.tick();
                copy.after(ROWS);
            }
            assertThat(copies.size() - busy).as("idle ticks").isGreaterThan(QUIET_TICKS_AND_A_SHRINK);
        }
        for (int i = 0; i < copies.size(); i++) {
            String url = new PaylinkSettings.Ledger(null, "sa", null, 4, true).jdbcUrl(copies.get(i)) + ";RETENTION_TIME=" + Integer.MAX_VALUE;
            for (String open : List.of("first open", "opened again")) {
                try (Connection c = DriverManager.getConnection(url, "sa", "");
                     Statement st = c.createStatement();
                     ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM ledger_entry WHERE state = 'CREATED'")) {
                    rs.next();
                    assertThat(rs.getLong(1)).as("copy %d of %d, %s", i, copies.size(), open).isEqualTo(createdAtCopy.get(i));
                }
            }
        }
    }

    @Test
    void aFailingTickIsLoggedOnceAndNeverThrows() {
        HikariDataSource ds = pool(dir.resolve("closed"));
        H2Housekeeping housekeeping = new H2Housekeeping(ds, ds.getJdbcUrl());
        housekeeping.tick();
        ds.close();

        assertThatCode(housekeeping::tick).doesNotThrowAnyException();
        assertThatCode(housekeeping::tick).doesNotThrowAnyException();
        assertThat(logs.messages(Level.WARN)).singleElement(InstanceOfAssertFactories.STRING)
                .startsWith("ledger housekeeping failed (the ledger file may grow until it succeeds; nothing recorded is affected)");
    }

    @Test
    void retentionStaysH2sUntilATickHasPinnedASyncedVersion() throws Exception {
        Path folder = dir.resolve("no-admin");
        try (HikariDataSource admin = pool(folder); Connection c = admin.getConnection(); Statement st = c.createStatement()) {
            st.execute("CREATE USER clerk PASSWORD 'clerk'");
        }
        HikariConfig config = new HikariConfig();
        // The file alone: the app's URL settings need an admin to open the database.
        config.setJdbcUrl("jdbc:h2:file:" + folder.resolve("ledger"));
        config.setUsername("clerk");
        config.setPassword("clerk");
        try (HikariDataSource clerk = new HikariDataSource(config)) {
            // CHECKPOINT SYNC needs an admin: the tick cannot sync, so it must not pin, and must not drop the retention.
            new H2Housekeeping(clerk, clerk.getJdbcUrl()).tick();

            try (Connection c = clerk.getConnection()) {
                assertThat(H2Housekeeping.store(c).getRetentionTime()).isEqualTo(45_000);
            }
        }
        assertThat(logs.messages(Level.WARN)).singleElement(InstanceOfAssertFactories.STRING).startsWith("ledger housekeeping failed");
    }

    private record Sent(Ledger ledger, long maxSize, long endSize) {
    }

    /** One file of ROWS rows through the ledger, as the app sends it; with housekeeping, a tick every 40 batches. */
    private Sent send(HikariDataSource ds, Path folder, H2Housekeeping housekeeping) throws Exception {
        return send(ds, folder, housekeeping, created -> { });
    }

    /** What a test does after each tick while rows are sent, given how many rows are recorded CREATED by then. */
    private interface AfterTick {
        void after(long created) throws Exception;
    }

    private Sent send(HikariDataSource ds, Path folder, H2Housekeeping housekeeping, AfterTick afterTick) throws Exception {
        Ledger.migrate(ds);
        Ledger ledger = new Ledger(ds, Clock.systemUTC());
        FileRun run = ledger.beginRun("big.csv", "0".repeat(64));
        long maxSize = 0;
        int batches = 0;
        long sentUpTo = -1;
        long created = 0;
        // As the app does it: a chunk of 1,000 rows claimed, its rows sent, the next chunk claimed, ...
        for (int first = 0; first < ROWS; first += 1000) {
            List<AcceptedRow> rows = new ArrayList<>();
            for (int line = first; line < first + 1000; line++) {
                rows.add(LedgerContract.row(line, key(line), "T-" + line));
            }
            ledger.accept(run, rows, List.of());
            for (List<LedgerEntry> batch = ledger.nextToSend(run, sentUpTo, BATCH); !batch.isEmpty(); batch = ledger.nextToSend(run, sentUpTo, BATCH)) {
                List<LedgerEntry> mine = ledger.markSending(batch);
                ledger.recordOutcomes(mine.stream().<ActionOutcome>map(e -> new ActionOutcome.Created(e.key(), "https://pay.invalid/" + e.line(), true))
                        .toList(), mine);
                sentUpTo = batch.get(batch.size() - 1).line();
                created += mine.size();
                if (housekeeping != null && ++batches % 40 == 0) {
                    housekeeping.tick();
                    afterTick.after(created);
                }
                maxSize = Math.max(maxSize, size(folder));
            }
        }
        return new Sent(ledger, maxSize, size(folder));
    }

    /** Keys as the app makes them: SHA-256 in hex, spread over the whole key index. */
    private static String key(int line) {
        try {
            return HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(("row " + line).getBytes()));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static long size(Path folder) throws Exception {
        return Files.size(folder.resolve("ledger.mv.db"));
    }

    /** The app's own URL, compressed as by default. */
    private static HikariDataSource pool(Path folder) {
        return pool(folder, true);
    }

    private static HikariDataSource pool(Path folder, boolean compress) {
        HikariConfig c = new HikariConfig();
        c.setJdbcUrl(new PaylinkSettings.Ledger(null, "sa", null, 4, compress).jdbcUrl(folder));
        c.setUsername("sa");
        c.setMaximumPoolSize(4);
        return new HikariDataSource(c);
    }
}
