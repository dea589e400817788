package dev.paylink.sandbox.bench;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.paylink.config.PaylinkSettings;
import dev.paylink.intake.AcceptedRow;
import dev.paylink.intake.LedgerKey;
import dev.paylink.ledger.FileRun;
import dev.paylink.ledger.Ledger;
import dev.paylink.ledger.LedgerEntry;
import dev.paylink.smartml.ActionOutcome;
import dev.paylink.smartml.PaymentLinkRequest;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.sql.DataSource;

/**
 * What the ledger alone costs a row (bench/ledger.sh): the app's own {@link Ledger} on a new ledger, no HTTP,
 * no Camel. Each file of {@code rows} is claimed in chunks of 1,000 ({@code accept}, as the intake does), then sent in
 * batches the way the sender does it: {@code nextToSend}, {@code markSending} (its commit and, on an H2 file, the fsync
 * before a request may leave), {@code recordOutcomes} (every row CREATED, with a payment URL). Prints, per round, the
 * threads' CPU per row for each step, the whole process's (H2's own threads, the JIT and GC included), rows/s and, on an
 * H2 file, the bytes H2 wrote per row. {@code -Dledger-rows.threads=N}: each round is N files of ROWS/N sent at once, a
 * thread each (as the app's senders at concurrency N; one by default).
 *
 * <p>{@code java -cp target/paylink-routes-sandbox.jar dev.paylink.sandbox.bench.LedgerRows ROWS ROUNDS BATCH [JDBC-URL [USER
 * [PASSWORD]]]}: without a URL, the app's default ledger (an H2 file with its crash-safe settings, compressed) in a new
 * temporary folder, removed at the end; {@code -Dpaylink.ledger.compress=false} for an uncompressed one.
 */
public final class LedgerRows {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private LedgerRows() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 3) {
            System.err.println("usage: LedgerRows ROWS ROUNDS BATCH [JDBC-URL [USER [PASSWORD]]]");
            System.exit(2);
        }
        int rows = Integer.parseInt(args[0]);
        int rounds = Integer.parseInt(args[1]);
        int batch = Integer.parseInt(args[2]);
        int threads = Integer.getInteger("ledger-rows.threads", 1);
        Path folder = args.length > 3 ? null : Files.createTempDirectory("ledger-rows");
        boolean compress = Boolean.parseBoolean(System.getProperty("paylink.ledger.compress", "true"));
        String url = folder == null ? args[3] : new PaylinkSettings.Ledger(null, null, null, 2, compress).jdbcUrl(folder);
        HikariConfig config = new HikariConfig();
        config.setPoolName("ledger");
        config.setJdbcUrl(url);
        config.setUsername(args.length > 4 ? args[4] : null);
        config.setPassword(args.length > 5 ? args[5] : null);
        config.setMaximumPoolSize(threads + 1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try (HikariDataSource dataSource = new HikariDataSource(config)) {
            Ledger.migrate(dataSource);
            Ledger ledger = new Ledger(dataSource, Clock.systemUTC(), "ledger-rows");
            System.out.printf("ledger %s, %d rows a round (%s), claims of 1,000, batches of %d%n", url.replaceAll(";.*", "")
                    + (folder == null ? "" : " (the app's default settings" + (compress ? "" : ", uncompressed") + ")"), rows,
                    threads == 1 ? "one file, one thread" : threads + " files of " + rows / threads + " at once, a thread each", batch);
            long seed = System.currentTimeMillis();
            for (int round = 1; round <= rounds; round++) {
                long written0 = h2WriteBytes(dataSource);
                long process0 = processCpu();
                long wall0 = System.nanoTime();
                List<Future<Figures>> running = new ArrayList<>();
                for (int t = 1; t <= threads; t++) {
                    String name = "ledger-rows-" + seed + "-" + round + "-" + t;
                    running.add(pool.submit(() -> file(ledger, name, rows / threads, batch)));
                }
                long claim = 0;
                long next = 0;
                long sending = 0;
                long outcome = 0;
                long thread = 0;
                for (Future<Figures> f : running) {
                    Figures x = f.get();
                    claim += x.claimNs();
                    next += x.nextNs();
                    sending += x.sendingNs();
                    outcome += x.outcomeNs();
                    thread += x.threadNs();
                }
                long wall = System.nanoTime() - wall0;
                long process = processCpu() - process0;
                long written = h2WriteBytes(dataSource) - written0;
                int sent = rows / threads * threads;
                System.out.printf("round %d: the threads %d µs/row (claim %d, next batch %d, SENDING %d, outcome %d); the process %d µs/row; "
                        + "%,d rows/s%s%n", round, thread / 1000 / sent, claim / 1000 / sent, next / 1000 / sent, sending / 1000 / sent,
                        outcome / 1000 / sent, process / 1000 / sent, Math.round(sent * 1e9 / wall),
                        written < 0 ? "" : String.format("; H2 wrote %,d bytes/row", written / sent));
            }
        } finally {
            pool.shutdown();
            if (folder != null) {
                try (var paths = Files.walk(folder)) {
                    paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
        }
    }

    /** What H2 has written to its file since it was opened ({@code info.FILE_WRITE_BYTES}); -1 for another database. */
    private static long h2WriteBytes(DataSource dataSource) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            if (!c.getMetaData().getURL().startsWith("jdbc:h2:file:")) {
                return -1;
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT SETTING_VALUE FROM INFORMATION_SCHEMA.SETTINGS WHERE SETTING_NAME = 'info.FILE_WRITE_BYTES'");
                 ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Long.parseLong(rs.getString(1)) : -1;
            }
        }
    }

    /** The CPU nanoseconds one file took of the thread that sent it: each step's, and in all. */
    public record Figures(int rows, long claimNs, long nextNs, long sendingNs, long outcomeNs, long threadNs) {
    }

    /** Claims a file of {@code rows} and sends it in batches of {@code batch}, every row CREATED; fails if a row is left. */
    public static Figures file(Ledger ledger, String name, int rows, int batch) {
        long t0 = THREADS.getCurrentThreadCpuTime();
        FileRun run = ledger.beginRun(name + ".csv", "0".repeat(64));
        List<AcceptedRow> chunk = new ArrayList<>(1000);
        for (int line = 2; line <= rows + 1; line++) {
            PaymentLinkRequest request = new PaymentLinkRequest(name + "-" + line, new BigDecimal("129.90"),
                    "Monthly rent " + line + " for unit " + line % 97, true);
            chunk.add(new AcceptedRow(line, LedgerKey.of(request), request, null, null));
            if (chunk.size() == 1000 || line == rows + 1) {
                if (ledger.accept(run, chunk, List.of()).claimed() != chunk.size()) {
                    throw new IllegalStateException("a key of " + name + " was taken already");
                }
                chunk.clear();
            }
        }
        ledger.markAccepted(run, rows, List.of());
        long t1 = THREADS.getCurrentThreadCpuTime();
        long next = 0;
        long sending = 0;
        long outcome = 0;
        long after = 0;
        int sent = 0;
        while (true) {
            long s0 = THREADS.getCurrentThreadCpuTime();
            List<LedgerEntry> entries = ledger.nextToSend(run, after, batch);
            if (entries.isEmpty()) {
                break;
            }
            long s1 = THREADS.getCurrentThreadCpuTime();
            List<LedgerEntry> mine = ledger.markSending(entries);
            long s2 = THREADS.getCurrentThreadCpuTime();
            List<ActionOutcome> outcomes = new ArrayList<>(mine.size());
            for (LedgerEntry e : mine) {
                outcomes.add(new ActionOutcome.Created(e.key(), "https://smartpay.example.com/pay/subsequent/" + e.key().substring(0, 40)
                        + "?lang=de", true));
            }
            ledger.recordOutcomes(outcomes, mine);
            long s3 = THREADS.getCurrentThreadCpuTime();
            next += s1 - s0;
            sending += s2 - s1;
            outcome += s3 - s2;
            sent += mine.size();
            after = entries.get(entries.size() - 1).line();
        }
        if (sent != rows) {
            throw new IllegalStateException(name + ": " + sent + " of " + rows + " rows sent");
        }
        return new Figures(rows, t1 - t0, next, sending, outcome, THREADS.getCurrentThreadCpuTime() - t0);
    }

    private static long processCpu() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }
}
