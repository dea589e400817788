package dev.paylink.flow;

import static dev.paylink.support.Drops.awaitSummary;
import static dev.paylink.support.Drops.drop;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.paylink.sandbox.OnOfficeSimulator;
import dev.paylink.support.PaylinkApp;
import dev.paylink.support.TestDatabases;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several instances on one PostgreSQL ledger and one inbox (README "Running several instances", "One owner per file"):
 * two applications in this JVM, each with its own CamelContext and instance id, against one onOffice simulator that counts
 * every executed action.
 */
class OneOwnerPerFileTest {

    private static final Duration LEASE = Duration.ofSeconds(4);

    @TempDir
    Path data;

    private final OnOfficeSimulator onOffice = new OnOfficeSimulator();
    private String url;

    @BeforeEach
    void start() {
        onOffice.trackIdentifiers(100_000);
        onOffice.start();
        url = TestDatabases.postgresUrl();
    }

    @AfterEach
    void stop() {
        onOffice.close();
        TestDatabases.dropSchemaOf(url);
    }

    private Map<String, String> instance(String id, int batchSize, int concurrency) {
        Map<String, String> p = new HashMap<>(Map.of("paylink.sandbox", "false", "paylink.onoffice.url", onOffice.url().toString(),
                "paylink.onoffice.token", OnOfficeSimulator.SANDBOX_TOKEN, "paylink.onoffice.secret", OnOfficeSimulator.SANDBOX_SECRET,
                "paylink.ledger.url", url, "paylink.ledger.username", TestDatabases.PG_USER,
                "paylink.onoffice.batch-size", String.valueOf(batchSize), "paylink.onoffice.concurrency", String.valueOf(concurrency)));
        p.put("paylink.cluster.instance-id", id);
        p.put("paylink.cluster.file-lease", LEASE.toSeconds() + "s");
        p.put("paylink.cluster.heartbeat", "1s");
        return p;
    }

    private static String csv(long firstId, int rows) {
        StringBuilder csv = new StringBuilder("transactionid,priceNet,description\n");
        for (int i = 0; i < rows; i++) {
            csv.append(firstId + i).append(",10.00,Posten ").append(i).append('\n');
        }
        return csv.toString();
    }

    @Test
    void twoInstancesOnOneInboxProcessEachFileOnceEachFileByOneOwner() throws Exception {
        int files = 6;
        int rows = 30;
        // Slow answers while the files are taken: an instance sends a file in its consumer's thread and takes one file per
        // poll, so whoever takes part0 is busy with it for seconds, and the other instance has to take the next one. (With
        // fast answers on a loaded machine, the first instance to poll could send all six before the other's first poll.)
        onOffice.setLatency(Duration.ofMillis(500));
        try (PaylinkApp a = PaylinkApp.start(data, instance("node-a", 2, 2)); PaylinkApp b = PaylinkApp.start(data, instance("node-b", 2, 2))) {
            drop(a.inbox(), "part0.csv", csv(1100000000L, rows));
            await().atMost(Duration.ofSeconds(30)).until(() -> count("SELECT COUNT(*) FROM owner_lock WHERE messageId = 'inbox:part0.csv'") == 1);
            for (int f = 1; f < files; f++) {
                drop(a.inbox(), "part" + f + ".csv", csv(1100000000L + f * 1000L, rows));
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> count("SELECT COUNT(DISTINCT owner) FROM owner_lock WHERE messageId LIKE 'inbox:%'") == 2);
            onOffice.setLatency(Duration.ofMillis(20));
            for (int f = 0; f < files; f++) {
                JsonNode summary = awaitSummary(a.outbox(), "part" + f);
                assertThat(summary.at("/counts/CREATED").asInt()).as("part%d", f).isEqualTo(rows);
                assertThat(summary.at("/counts/UNCERTAIN").asInt()).as("part%d: nothing interrupted by a second instance", f).isZero();
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> listed(a.inbox()).isEmpty());
        }
        assertThat(onOffice.executedCount()).as("every row sent once").isEqualTo(files * rows);
        assertThat(onOffice.repeatedExecutions()).isZero();
        List<String> expected = new ArrayList<>();
        for (int f = 0; f < files; f++) {
            expected.add("part" + f + ".csv");
        }
        assertThat(listed(data.resolve("archive"))).as("each file archived once").containsExactlyInAnyOrderElementsOf(expected);

        Map<String, Set<String>> sendersByFile = query("SELECT f.file_name, e.sending_owner FROM ledger_entry e JOIN intake_file f ON f.id = e.file_id");
        assertThat(sendersByFile).hasSize(files);
        sendersByFile.forEach((file, senders) -> assertThat(senders).as("%s: every row sent by its one owner", file).hasSize(1));
        Set<String> owners = new HashSet<>();
        sendersByFile.values().forEach(owners::addAll);
        assertThat(owners).as("both instances took files").containsExactlyInAnyOrder("node-a", "node-b");
        assertThat(query("SELECT file_name, CAST(id AS VARCHAR) FROM intake_file").values()).allSatisfy(runs -> assertThat(runs).hasSize(1));
        assertThat(count("SELECT COUNT(*) FROM owner_lock")).as("every lock released, no instance left registered").isZero();
    }

    @Test
    void aFileWhoseOwnerStoppedRenewingItsLockIsTakenOverAfterTheLeaseAndResumedFromTheLedger() throws Exception {
        int rows = 200;
        onOffice.setLatency(Duration.ofMillis(10));
        // node-a sends part of the file and stops; what the ledger then holds is made into a kill -9 in the middle of a
        // batch: two rows SENDING by node-a, and node-a's lock on the file, which nobody renews from now on.
        try (PaylinkApp a = PaylinkApp.start(data, instance("node-a", 1, 1))) {
            drop(a.inbox(), "long.csv", csv(1100000000L, rows));
            await().atMost(Duration.ofSeconds(30)).until(() -> onOffice.executedCount() >= 20);
        }
        int answered = onOffice.executedCount();
        assertThat(answered).isLessThan(rows);
        assertThat(data.resolve("inbox/long.csv")).exists();
        execute("UPDATE ledger_entry SET state = 'SENDING', sending_owner = 'node-a' WHERE entry_key IN "
                + "(SELECT entry_key FROM ledger_entry WHERE state = 'RECEIVED' ORDER BY line LIMIT 2)");
        execute("INSERT INTO owner_lock (processorName, messageId, createdAt, owner) VALUES ('paylink', 'inbox:long.csv', CURRENT_TIMESTAMP, 'node-a')");

        try (PaylinkApp b = PaylinkApp.start(data, instance("node-b", 1, 1))) {
            // The lease runs from now: node-b polls the inbox all along, and must leave the file alone meanwhile.
            execute("UPDATE owner_lock SET createdAt = CURRENT_TIMESTAMP WHERE messageId = 'inbox:long.csv'");
            Instant renewedLast = Instant.now();
            await().during(LEASE.minusSeconds(1)).atMost(LEASE).until(() -> onOffice.executedCount() == answered
                    && count("SELECT COUNT(*) FROM ledger_entry WHERE state = 'SENDING'") == 2 && Files.exists(data.resolve("inbox/long.csv")));

            JsonNode summary = awaitSummary(b.outbox(), "long");
            assertThat(summary.at("/counts/UNCERTAIN").asInt()).as("SENDING at the owner's death: UNCERTAIN").isEqualTo(2);
            assertThat(summary.at("/counts/CREATED").asInt()).as("answered rows kept, unsent rows sent").isEqualTo(rows - 2);
            assertThat(count("SELECT COUNT(*) FROM ledger_entry WHERE state = 'UNCERTAIN' AND updated_at >= ?", renewedLast.plus(LEASE).minusMillis(300)))
                    .as("taken over only once the lock was a lease old").isEqualTo(2);
            assertThat(query("SELECT 'all', sending_owner FROM ledger_entry").get("all")).containsExactlyInAnyOrder("node-a", "node-b");
        }
        assertThat(onOffice.executedCount()).as("every row sent once, the two interrupted ones not again").isEqualTo(rows - 2);
        assertThat(onOffice.repeatedExecutions()).isZero();
        assertThat(listed(data.resolve("archive"))).containsExactly("long.csv");
        assertThat(listed(data.resolve("inbox"))).isEmpty();
    }

    private static List<String> listed(Path folder) throws Exception {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(Files::isRegularFile).map(p -> p.getFileName().toString()).toList();
        }
    }

    private Connection connect() throws SQLException {
        return DriverManager.getConnection(url, TestDatabases.PG_USER, null);
    }

    private void execute(String sql) throws SQLException {
        try (Connection c = connect(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.executeUpdate();
        }
    }

    private long count(String sql, Object... args) throws SQLException {
        try (Connection c = connect(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i] instanceof Instant t ? java.sql.Timestamp.from(t) : args[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** Column 1 to the distinct non-null values of column 2. */
    private Map<String, Set<String>> query(String sql) throws SQLException {
        Map<String, Set<String>> found = new HashMap<>();
        try (Connection c = connect(); PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                Set<String> values = found.computeIfAbsent(rs.getString(1), k -> new HashSet<>());
                if (rs.getString(2) != null) {
                    values.add(rs.getString(2));
                }
            }
        }
        return found;
    }
}
