package dev.paylink.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import dev.paylink.smartml.ActionOutcome;
import dev.paylink.support.TestDatabases;
import java.sql.Connection;
import java.sql.PreparedStatement;
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
 * resolutions, and stays one entry per key, once the keys have moved to ledger_key (V12) and ledger_key holds their
 * hashes (V14).
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
                        + "VALUES (100, 'old.csv', '" + "0".repeat(64) + "', 'COMPLETED', TRUE, 3, CURRENT_TIMESTAMP)");
                st.execute("INSERT INTO ledger_entry (entry_key, state, file_id, line, transaction_id, price_net, description, send_mail, "
                        + "send_attempts, created_at, updated_at) VALUES ('k2', 'UNCERTAIN', 100, 2, '1', 12.50, 'a', FALSE, 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP), "
                        + "('k3', 'SENDING', 100, 3, '2', 13.50, 'b', FALSE, 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP), "
                        + "('k\u00e4', 'RECEIVED', 100, 4, '3', 14.50, 'c', FALSE, 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)");
                st.execute("INSERT INTO payment_link (payment_link_id, entry_key, file_id, line, tracking, checks, failures, check_interval_s, "
                        + "next_check_at, created_at, updated_at) VALUES ('pl-1', 'k2', 100, 2, 'OPEN', 0, 0, 0, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)");
                // A person's resend of line 4, not yet sent again (announced_at NULL): found again through the key's hash.
                st.execute("INSERT INTO resolution (drop_file, drop_sha256, drop_line, entry_key, decision, previous_state, new_state, decided_by, "
                        + "decided_at, applied_at) VALUES ('resolve.csv', '" + "1".repeat(64) + "', 2, 'k\u00e4', 'RESEND', 'UNCERTAIN', 'RECEIVED', "
                        + "'resolve.csv', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)");
            }

            Ledger.migrate(ds);
            Ledger ledger = new Ledger(ds, Clock.systemUTC());

            assertThat(ledger.entry("k2")).get().extracting(ResultLine::status).isEqualTo("UNCERTAIN");
            assertThat(ledger.resolutionTarget("k3")).get().extracting(Resolution.Target::line).isEqualTo(3L);
            ledger.recordOutcomes(List.of(new ActionOutcome.Created("k3", "https://pay.invalid/3", false)));
            assertThat(ledger.entry("k3")).get().extracting(ResultLine::status).isEqualTo("CREATED");
            // The SQL migration hashed the keys as KeyHash does (UTF-8, so the umlaut counts).
            assertThat(ledger.pendingResends(10)).extracting(LedgerEntry::key).containsExactly("k\u00e4");
            assertThat(ledger.receivedEntries(List.of("k\u00e4", "k2"))).extracting(LedgerEntry::line).containsExactly(4L);
            // Still one entry per key: a new file with these keys claims none of them.
            FileRun again = ledger.beginRun("again.csv", "2".repeat(64));
            assertThat(ledger.accept(again, List.of(LedgerContract.row(2, "k2", "1"), LedgerContract.row(3, "k\u00e4", "3")), List.of()))
                    .isEqualTo(new Ledger.ChunkResult(0, 2, 0));
            try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement("INSERT INTO ledger_key (key_hash, file_id, line) VALUES (?, 100, 9)")) {
                ps.setBytes(1, KeyHash.of("k2"));
                assertThatThrownBy(ps::executeUpdate).isInstanceOf(SQLException.class);
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
