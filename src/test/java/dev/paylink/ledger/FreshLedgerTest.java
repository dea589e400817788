package dev.paylink.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.paylink.config.PaylinkSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A new default ledger is made from the build's script (FreshLedger), and is the ledger Flyway would have made. */
class FreshLedgerTest {

    private static final PaylinkSettings.Ledger DEFAULT = new PaylinkSettings.Ledger(null, "sa", null, 5, true);

    @TempDir
    Path dir;

    @Test
    void aNewLedgerFromTheScriptIsTheOneFlywayMakes() throws Exception {
        Path made = dir.resolve("made/ledger");
        assertThat(FreshLedger.makeIfAbsent(made, DEFAULT::h2Url, "sa", null)).isTrue();
        assertThat(dir.resolve("made/ledger.mv.db")).exists();
        assertThat(dir.resolve("made/ledger-new.mv.db")).doesNotExist();

        try (HikariDataSource fromScript = pool(made); HikariDataSource byFlyway = pool(dir.resolve("flyway/ledger"))) {
            assertThat(Ledger.migrate(fromScript)).as("up to date, Flyway left out").isFalse();
            assertThat(Ledger.migrate(byFlyway)).isTrue();
            // The same statements; H2 lists a table's indexes in no fixed order, so not necessarily in the same order.
            assertThat(schema(fromScript)).containsExactlyInAnyOrderElementsOf(schema(byFlyway)).anyMatch(l -> l.contains("\"LEDGER_ENTRY\""));
            assertThat(rows(fromScript, "SELECT \"installed_rank\", \"version\", \"description\", \"type\", \"script\", \"checksum\", \"success\" "
                    + "FROM \"flyway_schema_history\" ORDER BY 1")).isEqualTo(rows(byFlyway, "SELECT \"installed_rank\", \"version\", \"description\", "
                    + "\"type\", \"script\", \"checksum\", \"success\" FROM \"flyway_schema_history\" ORDER BY 1"));
            // Flyway itself finds every migration applied with the checksum it computes: a later migration goes on from here.
            Flyway.configure().dataSource(fromScript).locations("classpath:db/migration").load().validate();
            assertThat(rows(fromScript, "SELECT DISTINCT \"installed_by\" FROM \"flyway_schema_history\" WHERE \"installed_rank\" > 0"))
                    .containsExactly(List.of("SA"));
            Ledger ledger = new Ledger(fromScript, Clock.systemUTC());
            FileRun run = ledger.beginRun("a.csv", "0".repeat(64));
            assertThat(ledger.accept(run, List.of(LedgerContract.row(2, "k1", "1")), List.of())).isEqualTo(new Ledger.ChunkResult(1, 0, 0));
            assertThat(ledger.markSending(ledger.nextToSend(run, 0, 10))).extracting(LedgerEntry::key).containsExactly("k1");
        }
    }

    @Test
    void aLedgerThatExistsIsLeftAsItIs() throws Exception {
        Path ledger = dir.resolve("ledger");
        try (HikariDataSource ds = pool(ledger)) {
            Ledger.migrate(ds);
            new Ledger(ds, Clock.systemUTC()).beginRun("a.csv", "0".repeat(64));
        }
        byte[] before = Files.readAllBytes(dir.resolve("ledger.mv.db"));

        assertThat(FreshLedger.makeIfAbsent(ledger, DEFAULT::h2Url, "sa", null)).isFalse();

        assertThat(Files.readAllBytes(dir.resolve("ledger.mv.db"))).isEqualTo(before);
        assertThat(dir.resolve("ledger-new.mv.db")).doesNotExist();
    }

    @Test
    void whatAStartKilledWhileItMadeTheLedgerLeftIsMadeAgain() throws Exception {
        Files.writeString(dir.resolve("ledger-new.mv.db"), "half a ledger");
        Files.writeString(dir.resolve("ledger-new.trace.db"), "what H2 said");

        assertThat(FreshLedger.makeIfAbsent(dir.resolve("ledger"), DEFAULT::h2Url, "sa", null)).isTrue();

        assertThat(dir.resolve("ledger-new.mv.db")).doesNotExist();
        assertThat(dir.resolve("ledger-new.trace.db")).doesNotExist();
        try (HikariDataSource ds = pool(dir.resolve("ledger"))) {
            assertThat(Ledger.upToDate(ds)).isTrue();
        }
    }

    @Test
    void aDataFolderThatCannotBeMadeIsLeftToThePoolToReport() throws Exception {
        Files.writeString(dir.resolve("data"), "a file where the data folder should be");

        assertThat(FreshLedger.makeIfAbsent(dir.resolve("data/ledger"), DEFAULT::h2Url, "sa", null)).isFalse();

        assertThat(Files.readString(dir.resolve("data"))).isEqualTo("a file where the data folder should be");
    }

    private static HikariDataSource pool(Path file) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(DEFAULT.h2Url(file));
        config.setUsername("sa");
        return new HikariDataSource(config);
    }

    /** H2's own script of the schema, without its users. */
    private static List<String> schema(HikariDataSource ds) throws SQLException {
        List<String> lines = new ArrayList<>();
        for (List<String> row : rows(ds, "SCRIPT NODATA NOPASSWORDS NOSETTINGS")) {
            if (!row.get(0).startsWith("CREATE USER ")) {
                lines.add(row.get(0));
            }
        }
        return lines;
    }

    private static List<List<String>> rows(HikariDataSource ds, String sql) throws SQLException {
        List<List<String>> rows = new ArrayList<>();
        try (Connection c = ds.getConnection(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            int columns = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<String> row = new ArrayList<>();
                for (int i = 1; i <= columns; i++) {
                    row.add(rs.getString(i));
                }
                rows.add(row);
            }
        }
        return rows;
    }
}
