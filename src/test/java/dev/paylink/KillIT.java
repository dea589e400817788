package dev.paylink;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.paylink.sandbox.CreatedLink;
import dev.paylink.sandbox.OnOfficeSimulator;
import dev.paylink.support.Drops;
import dev.paylink.support.JarProcess;
import dev.paylink.support.TestDatabases;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;

/**
 * The promise (a row is sent at most once, whatever happens, and no row is lost) tested the way it will be
 * checked: the packaged jar processes a file of thousands of rows and is killed with SIGKILL at moments a seeded
 * {@link Random} picks, in every phase of the file (while claiming its rows, while sending them, right after the
 * file is done but before it has left the inbox), restarted on the same data folder after each kill, and at last
 * allowed to finish and stopped with SIGTERM. The onOffice simulator runs in this JVM, so it outlives every kill
 * and counts what was really executed; it answers with a latency, so batches are in flight when a kill lands.
 *
 * <p>Runs on the embedded H2 ledger and on PostgreSQL. The seed is printed; rerun one with {@code -Dkill.seed=N}.
 * A run that fails leaves its folder in {@code target/kill-it/} (the log of every start, the ledger, the outbox, and on H2
 * the ledger file as each kill left it, before the next start opened it: KilledLedgerTest was made from one);
 * one summary line per run is printed and appended to {@code target/kill-it/summary.txt}.
 */
class KillIT {

    private static final String FILE = "kill.csv";
    private static final int ROWS = 3_000;
    /** Every row whose number is a multiple of this names a transaction onOffice does not know: REJECTED, never executed. */
    private static final int REJECT_EVERY = 150;
    private static final int BATCH = 25;
    private static final int CONCURRENCY = 2;
    /** Kills per run: the first while claiming, the last right after the file is done, those between while sending. */
    private static final int KILLS = 5;
    /** At most this many rows can be in flight when a kill lands, so at most this many become UNCERTAIN per kill. */
    private static final int IN_FLIGHT = CONCURRENCY * BATCH;
    private static final Duration PHASE_TIMEOUT = Duration.ofSeconds(60);
    private static final Set<String> FINAL_STATUSES = Set.of("CREATED", "REJECTED", "UNCERTAIN");
    /** The claim's progress line, logged every {@code paylink.intake.progress-interval} while the rows are read and claimed. */
    private static final Pattern READ_PROGRESS = Pattern.compile(Pattern.quote(FILE) + ": read: (\\d+) rows");
    private static final Pattern INTERRUPTED = Pattern.compile(Pattern.quote(FILE) + ": (\\d+) rows? (?:was|were) being sent when the last run stopped");
    private static final Path RUNS = Path.of("target", "kill-it");

    /** The phase a kill is aimed at. */
    enum Aim { CLAIM, SEND, AFTER_DONE }

    /** Where a kill really landed, judged from the log it left, the simulator and the inbox. */
    enum Landed {
        /** picked up, rows not all read and claimed yet, nothing sent. */
        CLAIM,
        /** rows read and claimed, nothing sent yet during this start. */
        BEFORE_SEND,
        /** actions executed during this start, the file not done. */
        SEND,
        /** "done," logged and the file still in the inbox. */
        AFTER_DONE,
        /** "done," logged but the file had already left the inbox: the kill came too late to test anything. */
        AFTER_ARCHIVE,
        /** none of the above (e.g. killed before the file was picked up). */
        OTHER
    }

    record Kill(int number, Aim aim, Landed landed, int exitCode, int executedDuringStart, long rowsReadAtKill) {
    }

    record Row(long line, String transactionId, String priceNet, String description) {
    }

    @Test
    void noRowIsSentTwiceOrLostWhenTheJarIsKilledOnH2() throws Exception {
        new Run("h2", null).go();
    }

    @Test
    void noRowIsSentTwiceOrLostWhenTheJarIsKilledOnPostgres() throws Exception {
        String url = TestDatabases.postgresUrl();
        try {
            new Run("postgresql", url).go();
        } finally {
            TestDatabases.dropSchemaOf(url);
        }
    }

    /** One run: one ledger, one seed, one file, KILLS kills and a last start that finishes. */
    private static final class Run {

        private final String ledger;
        private final String ledgerUrl;
        private final long seed = Long.getLong("kill.seed", new SecureRandom().nextLong());
        private final Random random = new Random(seed);
        private final Path dir;
        private final Path data;
        private final List<Row> rows = new ArrayList<>();
        private final List<Kill> kills = new ArrayList<>();
        private final List<Integer> leftSendingPerKill = new ArrayList<>();
        /** Every results file seen, by name: the hash of its content when first seen, and when that was. */
        private final Map<String, String> resultsHashes = new TreeMap<>();
        private final Map<String, String> resultsFirstSeen = new TreeMap<>();
        private String inputHash;
        private int starts;

        Run(String ledger, String ledgerUrl) {
            this.ledger = ledger;
            this.ledgerUrl = ledgerUrl;
            this.dir = RUNS.resolve(ledger + "-seed" + seed).toAbsolutePath();
            this.data = dir.resolve("data");
        }

        void go() throws Exception {
            System.out.printf("KillIT %s: seed %d (rerun with -Dkill.seed=%d), folder %s%n", ledger, seed, seed, dir);
            deleteRecursively(dir);
            Files.createDirectories(data);
            long began = System.nanoTime();
            try (OnOfficeSimulator sim = new OnOfficeSimulator()) {
                Duration latency = Duration.ofMillis(20 + random.nextInt(21));
                sim.setLatency(latency);
                sim.trackIdentifiers(Integer.MAX_VALUE);
                sim.start();
                byte[] input = input();
                inputHash = Drops.sha256(input);
                Drops.drop(data.resolve("inbox"), FILE, input);

                Aim previous = null;
                for (int k = 1; k <= KILLS; k++) {
                    Aim aim = aim(k, previous);
                    kills.add(killOnce(sim, k, aim));
                    previous = aim;
                }
                finish(sim);
                double wall = (System.nanoTime() - began) / 1e9;
                check(sim, latency, wall);
            }
        }

        /** The first kill claims, the last comes right after done; between them a seeded mix of send and, while claiming is unfinished, claim again. */
        private Aim aim(int k, Aim previous) {
            if (k == 1) {
                return Aim.CLAIM;
            }
            if (k == KILLS) {
                return Aim.AFTER_DONE;
            }
            boolean claimStillOpen = previous == Aim.CLAIM && kills.get(kills.size() - 1).landed() == Landed.CLAIM;
            boolean lastChanceToSend = k == KILLS - 1 && kills.stream().noneMatch(x -> x.aim() == Aim.SEND);
            return claimStillOpen && !lastChanceToSend && random.nextInt(3) == 0 ? Aim.CLAIM : Aim.SEND;
        }

        private JarProcess startApp(OnOfficeSimulator sim) throws IOException {
            starts++;
            List<String> options = new ArrayList<>(List.of("-Xmx256m", "-Dpaylink.sandbox=false", "-Dpaylink.data=" + data,
                    "-Dpaylink.onoffice.url=" + sim.url(), "-Dpaylink.onoffice.batch-size=" + BATCH,
                    "-Dpaylink.onoffice.concurrency=" + CONCURRENCY, "-Dpaylink.intake.min-age=200ms", "-Dpaylink.intake.poll-delay=100ms",
                    // Frequent progress lines let a claim kill land after a seeded number of rows was read.
                    "-Dpaylink.intake.progress-interval=10ms",
                    // On PostgreSQL the killed process's file lock is not renewed any more: the next start takes the file
                    // over after the lease (README "One owner per file"), kept short here.
                    "-Dpaylink.cluster.file-lease=2s", "-Dpaylink.cluster.heartbeat=500ms"));
            if (ledgerUrl != null) {
                options.add("-Dpaylink.ledger.url=" + ledgerUrl);
                options.add("-Dpaylink.ledger.username=" + TestDatabases.PG_USER);
            }
            return JarProcess.start(dir.resolve("app-" + starts + ".log"), Map.of(
                    "PAYLINK_ONOFFICE_TOKEN", OnOfficeSimulator.SANDBOX_TOKEN,
                    "PAYLINK_ONOFFICE_SECRET", OnOfficeSimulator.SANDBOX_SECRET), options);
        }

        private Kill killOnce(OnOfficeSimulator sim, int number, Aim aim) throws Exception {
            int executedAtStart = sim.executedCount();
            try (JarProcess app = startApp(sim)) {
                switch (aim) {
                    case CLAIM -> {
                        app.awaitLogged(FILE + ": picked up", PHASE_TIMEOUT);
                        // A third of the claim kills right at pick-up, the others once a seeded number of rows was read.
                        long readTarget = random.nextInt(3) == 0 ? 0 : 1 + random.nextInt(ROWS - 1);
                        await().atMost(PHASE_TIMEOUT).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1)).until(() ->
                                rowsRead(app.output()) >= readTarget || app.logged(" rows read (")
                                        || app.failIfExited(readTarget + " rows were read"));
                    }
                    case SEND -> {
                        int target = executedAtStart + 1 + random.nextInt(sendSpan(sim, number));
                        await().atMost(PHASE_TIMEOUT).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1)).until(() ->
                                sim.executedCount() >= target || app.logged(FILE + ": done,")
                                        || app.failIfExited(target + " actions were executed"));
                    }
                    case AFTER_DONE -> app.awaitLogged(FILE + ": done,", PHASE_TIMEOUT);
                }
                int exit = app.kill();
                keepLedgerAsKilled(number);
                noteLeftSending(app);
                boolean stillInInbox = Files.exists(data.resolve("inbox").resolve(FILE));
                int executedDuringStart = sim.executedCount() - executedAtStart;
                sampleResults("after kill " + number);
                String log = app.output();
                Kill kill = new Kill(number, aim, landed(log, executedDuringStart, stillInInbox), exit, executedDuringStart, rowsRead(log));
                System.out.printf("KillIT %s: kill %d aimed at %s landed in %s (exit %d; %s; %d actions executed during this start, %d in all)%n",
                        ledger, number, aim, kill.landed(), exit, kill.landed() == Landed.CLAIM
                                ? "claim progress: " + kill.rowsReadAtKill() + " of " + ROWS + " rows read" : "file " + (stillInInbox ? "in" : "not in") + " the inbox",
                        executedDuringStart, sim.executedCount());
                return kill;
            }
        }

        /**
         * How far beyond what is executed already a send kill may reach: the rows still to be executed, shared out
         * among the send kills left (and the rest of the file), so that every send kill finds rows left to send.
         */
        private int sendSpan(OnOfficeSimulator sim, int number) {
            int sendKillsLeft = KILLS - number; // this one and those before the after-done kill
            int rejected = ROWS / REJECT_EVERY;
            int left = ROWS - rejected - sim.executionsByIdentifier().size() - IN_FLIGHT * (number - 1);
            return Math.max(1, left / (sendKillsLeft + 1));
        }

        private Landed landed(String log, int executedDuringStart, boolean stillInInbox) {
            if (log.contains(FILE + ": done,")) {
                return stillInInbox ? Landed.AFTER_DONE : Landed.AFTER_ARCHIVE;
            }
            if (executedDuringStart > 0) {
                return Landed.SEND;
            }
            if (!log.contains(FILE + ": picked up")) {
                return Landed.OTHER;
            }
            boolean claimed = log.contains(" rows read (") || log.contains("every row already accepted");
            return claimed ? Landed.BEFORE_SEND : Landed.CLAIM;
        }

        /** The last claim progress in a start's log: how many rows it had read (0 if it logged none). */
        private static long rowsRead(String log) {
            long read = 0;
            for (Matcher m = READ_PROGRESS.matcher(log); m.find(); ) {
                read = Long.parseLong(m.group(1));
            }
            return read;
        }

        /** A copy of the H2 ledger file as the kill left it, before the next start opens it: what a failed run is read from. */
        private void keepLedgerAsKilled(int number) throws IOException {
            Path file = data.resolve("ledger.mv.db");
            if (ledgerUrl == null && Files.exists(file)) {
                Files.copy(file, dir.resolve("ledger-after-kill-" + number + ".mv.db"));
            }
        }

        /** The last start after the kills: it must finish the file; then it is stopped with SIGTERM. */
        private void finish(OnOfficeSimulator sim) throws Exception {
            Path inboxFile = data.resolve("inbox").resolve(FILE);
            try (JarProcess app = startApp(sim)) {
                await().atMost(PHASE_TIMEOUT).pollInterval(Duration.ofMillis(20)).until(() -> {
                    sampleResults("during the last start");
                    return !Files.exists(inboxFile) || app.failIfExited(FILE + " left the inbox");
                });
                sampleResults("after the last start finished the file");
                if (!app.stop(Duration.ofSeconds(60))) {
                    throw new AssertionError("the app did not stop within 60 s of SIGTERM; see " + app.log());
                }
                noteLeftSending(app);
            }
        }

        /**
         * For information: how many rows a start (after the first) found left SENDING by the kill before it, as it
         * logs them when it resumes the file; 0 when it logs nothing.
         */
        private void noteLeftSending(JarProcess ended) {
            if (starts > 1) {
                Matcher m = INTERRUPTED.matcher(ended.output());
                leftSendingPerKill.add(m.find() ? Integer.parseInt(m.group(1)) : 0);
            }
        }

        // ------------------------------------------------------------------------------------------ input

        private byte[] input() {
            StringBuilder csv = new StringBuilder("transactionid;priceNet;description\n");
            for (int i = 1; i <= ROWS; i++) {
                String tx = i % REJECT_EVERY == 0 ? OnOfficeSimulator.TRIGGER_NOT_FOUND : String.valueOf(1_100_000_000L + i);
                Row row = new Row(i + 1, tx, String.format("%d,%02d", 1 + i % 5000, i % 100), "Kill-Test Posten " + i);
                rows.add(row);
                csv.append(row.transactionId()).append(';').append(row.priceNet()).append(';').append(row.description()).append('\n');
            }
            return csv.toString().getBytes(StandardCharsets.UTF_8);
        }

        // ------------------------------------------------------------------------------------------ results files

        /** Records the hash of every results file the first time it is seen; an overwrite shows at the end. */
        private void sampleResults(String when) throws Exception {
            Path outbox = data.resolve("outbox");
            if (!Files.isDirectory(outbox)) {
                return;
            }
            try (Stream<Path> files = Files.list(outbox)) {
                for (Path f : files.filter(KillIT::isResultsFile).toList()) {
                    String name = f.getFileName().toString();
                    if (!resultsHashes.containsKey(name)) {
                        resultsHashes.put(name, Drops.sha256(Files.readAllBytes(f)));
                        resultsFirstSeen.put(name, when + " (" + statusCounts(f) + ")");
                    }
                }
            }
        }

        // ------------------------------------------------------------------------------------------ checks

        private void check(OnOfficeSimulator sim, Duration latency, double wallSeconds) throws Exception {
            SoftAssertions softly = new SoftAssertions();
            String run = "[" + ledger + ", seed " + seed + "] ";
            Map<String, Integer> executions = sim.executionsByIdentifier();
            Map<String, List<CreatedLink>> links = sim.createdLinks().stream().collect(Collectors.groupingBy(CreatedLink::identifier));
            Map<Landed, Long> landed = new EnumMap<>(Landed.class);
            kills.forEach(k -> landed.merge(k.landed(), 1L, Long::sum));

            // The test's own mechanics: real SIGKILLs, and every phase reached.
            for (Kill k : kills) {
                softly.assertThat(k.exitCode()).as(run + "exit code of kill " + k.number() + " (SIGKILL, not a clean stop)").isEqualTo(JarProcess.SIGKILL_EXIT);
            }
            softly.assertThat(landed.getOrDefault(Landed.SEND, 0L)).as(run + "kills that landed while sending").isPositive();
            softly.assertThat(landed.getOrDefault(Landed.AFTER_DONE, 0L) + landed.getOrDefault(Landed.AFTER_ARCHIVE, 0L))
                    .as(run + "kills that landed after \"done,\"").isPositive();

            // Sent at most once.
            softly.assertThat(sim.repeatedExecutions()).as(run + "repeated executions in the simulator").isZero();
            List<String> twice = executions.entrySet().stream().filter(e -> e.getValue() > 1)
                    .map(e -> e.getKey() + " x" + e.getValue()).sorted().toList();
            none(softly, run + "identifiers executed more than once", twice);

            // The final results: one line per input row, each with a final status that matches the simulator.
            Path outbox = data.resolve("outbox");
            Path results = finalResults(outbox);
            Map<String, Long> statusCounts = new TreeMap<>();
            Map<String, String> statusByKey = new HashMap<>();
            if (results == null) {
                softly.fail(run + "no summary names " + FILE + " in " + outbox);
            } else {
                List<CSVRecord> records = readResults(results);
                Map<Long, Row> byLine = rows.stream().collect(Collectors.toMap(Row::line, r -> r));
                Map<Long, Integer> lineCount = new TreeMap<>();
                List<String> wrongRows = new ArrayList<>();
                List<String> wrongCreated = new ArrayList<>();
                List<String> executedRejected = new ArrayList<>();
                for (CSVRecord r : records) {
                    long line = Long.parseLong(r.get("line"));
                    String status = r.get("status");
                    String key = r.get("key");
                    lineCount.merge(line, 1, Integer::sum);
                    statusCounts.merge(status, 1L, Long::sum);
                    statusByKey.put(key, status);
                    Row row = byLine.get(line);
                    if (row == null || !row.description().equals(r.get("description")) || !row.transactionId().equals(r.get("transactionid"))) {
                        wrongRows.add("line " + line + ": " + r.toList());
                    }
                    int executed = executions.getOrDefault(key, 0);
                    if ("CREATED".equals(status)) {
                        List<CreatedLink> made = links.getOrDefault(key, List.of());
                        if (executed != 1 || made.size() != 1 || !made.get(0).url().equals(r.get("subsequentPaymentUrl"))
                                || !made.get(0).description().equals(r.get("description"))) {
                            wrongCreated.add("line " + line + " key " + key + ": executed " + executed + " time(s), results URL "
                                    + r.get("subsequentPaymentUrl") + ", simulator " + made.stream().map(CreatedLink::url).toList());
                        }
                    } else if ("REJECTED".equals(status) && executed > 0) {
                        executedRejected.add("line " + line + " key " + key);
                    }
                }
                softly.assertThat(records).as(run + "lines in " + results.getFileName()).hasSize(ROWS);
                softly.assertThat(lineCount.keySet()).as(run + "input lines in " + results.getFileName())
                        .containsExactlyElementsOf(byLine.keySet().stream().sorted().toList());
                none(softly, run + "input lines listed more than once",
                        lineCount.entrySet().stream().filter(e -> e.getValue() != 1).map(e -> "line " + e.getKey() + " x" + e.getValue()).toList());
                none(softly, run + "result lines that do not match their input line", wrongRows);
                softly.assertThat(statusCounts.keySet()).as(run + "statuses in " + results.getFileName() + " " + statusCounts)
                        .isSubsetOf(FINAL_STATUSES);
                none(softly, run + "CREATED rows not executed exactly once with the simulator's URL", wrongCreated);
                none(softly, run + "REJECTED rows the simulator executed", executedRejected);
                softly.assertThat(statusCounts.getOrDefault("UNCERTAIN", 0L)).as(run + "UNCERTAIN rows (at most one in-flight window per kill)")
                        .isLessThanOrEqualTo((long) KILLS * IN_FLIGHT);
            }

            // Nothing executed is lost: every executed identifier is CREATED or UNCERTAIN in the results.
            List<String> lost = executions.keySet().stream()
                    .filter(id -> !"CREATED".equals(statusByKey.get(id)) && !"UNCERTAIN".equals(statusByKey.get(id)))
                    .map(id -> id + " -> " + statusByKey.get(id)).sorted().toList();
            none(softly, run + "executed identifiers that are neither CREATED nor UNCERTAIN in the results", lost);

            // The input was archived exactly once, and nothing is left behind.
            softly.assertThat(filesWithHash(data.resolve("archive"), inputHash)).as(run + "copies of the input in archive/").hasSize(1);
            softly.assertThat(filesWithHash(data.resolve("inbox"), inputHash)).as(run + "copies of the input left in inbox/").isEmpty();
            softly.assertThat(filesWithHash(data.resolve("error"), inputHash)).as(run + "copies of the input in error/").isEmpty();

            // No results file was ever overwritten.
            List<String> overwritten = new ArrayList<>();
            for (Map.Entry<String, String> e : resultsHashes.entrySet()) {
                Path f = outbox.resolve(e.getKey());
                if (!Files.exists(f)) {
                    overwritten.add(e.getKey() + " (first seen " + resultsFirstSeen.get(e.getKey()) + ") is gone");
                } else if (!Drops.sha256(Files.readAllBytes(f)).equals(e.getValue())) {
                    overwritten.add(e.getKey() + " (first seen " + resultsFirstSeen.get(e.getKey()) + ") now holds " + statusCounts(f));
                }
            }
            none(softly, run + "results files overwritten", overwritten);

            String summary = summaryLine(sim, latency, wallSeconds, statusCounts, twice.size());
            System.out.println(summary);
            Files.createDirectories(RUNS);
            Files.writeString(RUNS.resolve("summary.txt"), summary + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            softly.assertAll();
            deleteRecursively(dir); // kept only when something failed
        }

        private String summaryLine(OnOfficeSimulator sim, Duration latency, double wallSeconds, Map<String, Long> statusCounts, int executedTwice) {
            Map<Aim, Long> aimed = new EnumMap<>(Aim.class);
            kills.forEach(k -> aimed.merge(k.aim(), 1L, Long::sum));
            Map<Landed, Long> landed = new EnumMap<>(Landed.class);
            kills.forEach(k -> landed.merge(k.landed(), 1L, Long::sum));
            long uncertain = statusCounts.getOrDefault("UNCERTAIN", 0L);
            String perKill = leftSendingPerKill.stream().map(String::valueOf).collect(Collectors.joining("/"));
            return String.format("KillIT summary: ledger %s, seed %d, latency %d ms, %d kills aimed %s landed %s, rows %d %s, "
                            + "executed %d (%d identifiers), executed twice %d (repeats %d), UNCERTAIN %d (%.1f per kill, left SENDING per kill %s, bound %d), "
                            + "wall %.1f s",
                    ledger, seed, latency.toMillis(), kills.size(), aimed, landed, ROWS, statusCounts, sim.executedCount(),
                    sim.executionsByIdentifier().size(), executedTwice, sim.repeatedExecutions(), uncertain, (double) uncertain / kills.size(),
                    perKill, IN_FLIGHT, wallSeconds);
        }
    }

    // ---------------------------------------------------------------------------------------------- helpers

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Asserts that {@code found} is empty; the message counts them and shows the first few, not thousands. */
    private static void none(SoftAssertions softly, String what, List<String> found) {
        String examples = found.stream().limit(5).collect(Collectors.joining("\n    ", "\n    ", found.size() > 5 ? "\n    ..." : ""));
        softly.assertThat(found.size()).as(what + (found.isEmpty() ? "" : ": " + found.size() + ", e.g." + examples)).isZero();
    }

    private static boolean isResultsFile(Path f) {
        String name = f.getFileName().toString();
        return name.endsWith(".results.csv") && !name.startsWith(".");
    }

    /** The results file named by the latest summary of {@link #FILE} that describes a finished run; null if none. */
    private static Path finalResults(Path outbox) throws IOException {
        if (!Files.isDirectory(outbox)) {
            return null;
        }
        Map<Instant, JsonNode> summaries = new TreeMap<>(Comparator.reverseOrder());
        try (Stream<Path> files = Files.list(outbox)) {
            for (Path f : files.filter(p -> p.getFileName().toString().endsWith(".summary.json") && !p.getFileName().toString().startsWith(".")).toList()) {
                JsonNode s = JSON.readTree(f.toFile());
                if (FILE.equals(s.path("file").asText()) && "COMPLETED".equals(s.path("status").asText())) {
                    summaries.put(Instant.parse(s.path("finishedAt").asText()), s);
                }
            }
        }
        return summaries.isEmpty() ? null : outbox.resolve(summaries.values().iterator().next().path("resultsFile").asText());
    }

    private static List<CSVRecord> readResults(Path results) throws IOException {
        try (Reader r = Files.newBufferedReader(results, StandardCharsets.UTF_8)) {
            return CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get().parse(r).getRecords();
        }
    }

    private static String statusCounts(Path results) {
        try {
            Map<String, Long> counts = new LinkedHashMap<>();
            readResults(results).forEach(r -> counts.merge(r.get("status"), 1L, Long::sum));
            return counts.toString();
        } catch (IOException | RuntimeException e) {
            return "unreadable: " + e.getMessage();
        }
    }

    private static List<Path> filesWithHash(Path folder, String hash) throws Exception {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        List<Path> found = new ArrayList<>();
        try (Stream<Path> files = Files.list(folder)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                if (Drops.sha256(Files.readAllBytes(f)).equals(hash)) {
                    found.add(f.getFileName());
                }
            }
        }
        return found;
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
