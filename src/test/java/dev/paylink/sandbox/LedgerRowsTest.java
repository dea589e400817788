package dev.paylink.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.paylink.config.PaylinkSettings;
import dev.paylink.ledger.Ledger;
import dev.paylink.sandbox.bench.LedgerRows;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ledger's benchmark (bench/ledger.sh) drives every row of its files through the app's Ledger to CREATED. */
class LedgerRowsTest {

    @Test
    void everyRowOfEveryFileIsClaimedMarkedSendingAndCreated(@TempDir Path dir) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(new PaylinkSettings.Ledger(null, null, null, 2, true).jdbcUrl(dir));
        config.setMaximumPoolSize(2);
        try (HikariDataSource dataSource = new HikariDataSource(config)) {
            Ledger.migrate(dataSource);
            Ledger ledger = new Ledger(dataSource, Clock.systemUTC(), "test");

            // two full claims of 1,000 and a part one; the last batch of each file is shorter than the others
            LedgerRows.Figures first = LedgerRows.file(ledger, "first", 2_010, 25);
            LedgerRows.Figures second = LedgerRows.file(ledger, "second", 40, 7);

            assertThat(ledger.countByState()).isEqualTo(Map.of("CREATED", 2_050L));
            assertThat(first.rows()).isEqualTo(2_010);
            assertThat(second.rows()).isEqualTo(40);
            assertThat(first.threadNs()).isGreaterThanOrEqualTo(first.claimNs() + first.nextNs() + first.sendingNs() + first.outcomeNs());
            assertThat(first.sendingNs()).isPositive();
            assertThat(first.outcomeNs()).isPositive();
        }
    }

    @Test
    void runsOnTheLedgerItIsGiven() throws Exception {
        String url = "jdbc:h2:mem:ledger-rows-test;DB_CLOSE_DELAY=-1";
        LedgerRows.main(new String[] {"30", "2", "7", url});

        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        try (HikariDataSource dataSource = new HikariDataSource(config)) {
            assertThat(new Ledger(dataSource, Clock.systemUTC(), "test").countByState()).isEqualTo(Map.of("CREATED", 60L));
        }
        try (var c = DriverManager.getConnection(url); var st = c.createStatement()) {
            st.execute("SHUTDOWN"); // the in-memory database, kept for the check above
        }
    }

    /** -Dledger-rows.threads=2: each round is two files of half the rows, sent at once; all of them end CREATED. */
    @Test
    void twoThreadsSendTwoFilesARoundAtOnce(@TempDir Path dir) throws Exception {
        String url = new PaylinkSettings.Ledger(null, null, null, 2, true).jdbcUrl(dir);
        System.setProperty("ledger-rows.threads", "2");
        try {
            LedgerRows.main(new String[] {"1500", "2", "25", url});
        } finally {
            System.clearProperty("ledger-rows.threads");
        }
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        try (HikariDataSource dataSource = new HikariDataSource(config)) {
            Ledger ledger = new Ledger(dataSource, Clock.systemUTC(), "test");
            assertThat(ledger.countByState()).isEqualTo(Map.of("CREATED", 3_000L));
            try (var c = dataSource.getConnection(); var rs = c.createStatement().executeQuery("SELECT COUNT(*) FROM intake_file")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getInt(1)).as("two rounds of two files").isEqualTo(4);
            }
        }
    }
}
