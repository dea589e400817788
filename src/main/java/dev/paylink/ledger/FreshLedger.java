package dev.paylink.ledger;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.function.Function;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A new embedded H2 ledger made in one step from a script of the whole schema, instead of by Flyway applying every
 * migration: Flyway took ~0.9 s of a first start's ~3.3 s (bench/startup.sh, case "fresh"), this 0.23-0.29 s (the
 * recorder's {@code Wire(new ledger)}: H2 making the file, running the script, closing it).
 *
 * <p>The script is not a second source of the schema: the build makes it from the migrations ({@link #main}, run by the
 * exec-maven-plugin before the tests), by letting Flyway migrate a new H2 file and having H2 write that database out as SQL,
 * Flyway's history with its checksums included. So the ledger it makes is the one Flyway would have made, and is up to date
 * for {@link Ledger#migrate} (a later build's migrations go on from there through Flyway). {@code FreshLedgerTest} compares
 * the two.
 *
 * <p>The ledger is made as {@code ledger-new.mv.db} beside the real one and, once complete and on disk, published as
 * {@code ledger.mv.db} by a hard link, which fails instead of replacing a file that exists; so a kill while it is made leaves
 * no half-made ledger, only the new file, which the next start deletes. Whatever fails here (no script in the class path,
 * a folder that cannot be written, no hard links) is left to the usual way: the pool opens the ledger, reports a problem in
 * one line naming the key, and Flyway makes the schema.
 */
public final class FreshLedger {

    private static final Logger LOG = LoggerFactory.getLogger(FreshLedger.class);
    /** In the jar; made by the build ({@link #main}). */
    static final String SCRIPT = "db/h2/fresh-ledger.sql";
    private static final String H2_FILE = ".mv.db";

    private FreshLedger() {
    }

    /**
     * Makes the H2 ledger {@code file} (a path without {@code .mv.db}, as in the JDBC URL) from the script, unless it exists.
     *
     * @param urlOf the JDBC URL of an H2 file ledger at a path (the default ledger's settings)
     * @return whether it made the ledger
     */
    public static boolean makeIfAbsent(Path file, Function<Path, String> urlOf, String user, String password) {
        Path ledger = Path.of(file + H2_FILE);
        if (Files.exists(ledger) || FreshLedger.class.getClassLoader().getResource(SCRIPT) == null) {
            return false;
        }
        Path newFile = file.resolveSibling(file.getFileName() + "-new");
        Path made = Path.of(newFile + H2_FILE);
        try {
            deleteNew(newFile); // left by a start that was killed while it made the ledger
            Properties login = new Properties();
            if (user != null) {
                login.setProperty("user", user);
            }
            if (password != null) {
                login.setProperty("password", password);
            }
            try (Connection c = DriverManager.getConnection(urlOf.apply(newFile), login); Statement st = c.createStatement()) {
                st.execute("RUNSCRIPT FROM 'classpath:" + SCRIPT + "'");
                // The history as Flyway writes it: when, and by whom (the build's values otherwise).
                st.execute("UPDATE \"flyway_schema_history\" SET \"installed_on\" = LOCALTIMESTAMP, \"installed_by\" = CURRENT_USER");
                st.execute("CHECKPOINT SYNC");
                st.execute("SHUTDOWN");
            }
            try {
                Files.createLink(ledger, made);
            } catch (FileAlreadyExistsException e) {
                return false; // made meanwhile by someone else: theirs stays
            } finally {
                deleteNew(newFile);
            }
            syncFolder(ledger.getParent());
            return true;
        } catch (SQLException | IOException | RuntimeException e) {
            LOG.debug("new ledger not made from {} ({}); Flyway makes its schema", SCRIPT, e.toString());
            try {
                deleteNew(newFile);
            } catch (IOException ignored) {
                // the next start deletes it
            }
            return false;
        }
    }

    /** The new file and the trace file H2 writes beside it when something failed. */
    private static void deleteNew(Path newFile) throws IOException {
        Files.deleteIfExists(Path.of(newFile + H2_FILE));
        Files.deleteIfExists(Path.of(newFile + ".trace.db"));
    }

    /** The folder's entries on disk (the new name of the ledger): Linux lets a folder be opened and forced. */
    private static void syncFolder(Path folder) {
        try (FileChannel dir = FileChannel.open(folder, StandardOpenOption.READ)) {
            dir.force(true);
        } catch (IOException e) {
            LOG.debug("could not force {} to disk: {}", folder, e.toString());
        }
    }

    /**
     * For the build: writes the script of a ledger that Flyway has made from this class path's migrations to {@code args[0]}.
     * H2's own {@code SCRIPT}, without its users (the ledger's user is the one who opens it) and settings.
     */
    public static void main(String[] args) throws Exception {
        Path out = Path.of(args[0]);
        Path work = Files.createTempDirectory("fresh-ledger");
        try {
            String url = "jdbc:h2:file:" + work.resolve("ledger") + ";MAX_COMPACT_TIME=0";
            Flyway.configure().dataSource(url, "sa", null).locations("classpath:db/migration").load().migrate();
            List<String> statements = new ArrayList<>();
            try (Connection c = DriverManager.getConnection(url, "sa", ""); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SCRIPT NOPASSWORDS NOSETTINGS")) {
                while (rs.next()) {
                    if (!rs.getString(1).startsWith("CREATE USER ")) {
                        statements.add(rs.getString(1));
                    }
                }
            }
            Files.createDirectories(out.getParent());
            Files.write(out, statements, StandardCharsets.UTF_8);
        } finally {
            try (var files = Files.walk(work)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
