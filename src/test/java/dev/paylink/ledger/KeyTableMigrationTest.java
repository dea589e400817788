package dev.paylink.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import dev.paylink.smartml.ActionOutcome;
import dev.paylink.support.TestDatabases;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.List;
import java.util.function.Supplier;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A ledger made before migration V12 (keys unique in ledger_entry) keeps every key, its payment links and its
 * resolutions, and stays one entry per key, once the keys have moved to ledger_key.
 */
class KeyTableMigrationTest {

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgresql"})
    void anExistingLedgerKeepsItsKeysLinksAndResolutions(String database) throws Exception {
        Supplier<HikariDataSource> make = database.equals("h2") ? TestDatabases::h2 : TestDatabases::postgres;
        HikariDataSource ds = make.get();
        try {
            Flyway.configure().dataSource(ds).locations(ClusterWiring.migrations(ds)).target("11").load().migrate();
            try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
                st.execute("INSERT INTO intake_file (id, file_name, sha256, status, accepted, rows_read, started_at) "
                        + "VALUES (1, 'old.csv', '" + "0".repeat(64) + "', 'COMPLETED', TRUE, 2, CURRENT_TIMESTAMP)");
                st.execute("INSERT INTO ledger_entry (entry_key, state, file_id, line, transaction_id, price_net, description, send_mail, "
                        + "send_attempts, created_at, updated_at) VALUES ('k2', 'UNCERTAIN', 1, 2, '1', 12.50, 'a', FALSE, 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP), "
                        + "('k3', 'SENDING', 1, 3, '2', 13.50, 'b', FALSE, 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)");
                st.execute("INSERT INTO payment_link (payment_link_id, entry_key, file_id, line, tracking, checks, failures, check_interval_s, "
                        + "next_check_at, created_at, updated_at) VALUES ('pl-1', 'k2', 1, 2, 'OPEN', 0, 0, 0, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)");
            }

            Ledger.migrate(ds);
            Ledger ledger = new Ledger(ds, Clock.systemUTC());

            assertThat(ledger.entry("k2")).get().extracting(ResultLine::status).isEqualTo("UNCERTAIN");
            assertThat(ledger.resolutionTarget("k3")).get().extracting(Resolution.Target::line).isEqualTo(3L);
            ledger.recordOutcomes(List.of(new ActionOutcome.Created("k3", "https://pay.invalid/3", false)));
            assertThat(ledger.entry("k3")).get().extracting(ResultLine::status).isEqualTo("CREATED");
            try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
                // Still one entry per key, and links and resolutions still name existing keys only.
                assertThatThrownBy(() -> st.execute("INSERT INTO ledger_key (entry_key, file_id, line) VALUES ('k2', 1, 9)"))
                        .isInstanceOf(SQLException.class);
                assertThatThrownBy(() -> st.execute("INSERT INTO payment_link (payment_link_id, entry_key, file_id, line, tracking, checks, "
                        + "failures, check_interval_s, next_check_at, created_at, updated_at) VALUES ('pl-2', 'nope', 1, 2, 'OPEN', 0, 0, 0, "
                        + "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)")).isInstanceOf(SQLException.class);
            }
        } finally {
            if (database.equals("h2")) {
                ds.close();
            } else {
                TestDatabases.dropPostgres(ds);
            }
        }
    }
}
