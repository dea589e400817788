package dev.paylink.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import dev.paylink.support.TestDatabases;
import java.sql.Connection;
import java.sql.Statement;
import java.util.function.Supplier;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationInfo;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A restart on an up-to-date ledger leaves Flyway out (Ledger.upToDate); every other ledger still goes through Flyway.
 */
class SchemaVersionTest {

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgresql"})
    void theNewestMigrationIsTheSchemaVersionAndAnUpToDateLedgerIsLeftAlone(String database) {
        withLedger(database, ds -> {
            assertThat(Ledger.upToDate(ds)).isFalse();
            assertThat(Ledger.migrate(ds)).as("a new ledger is migrated").isTrue();
            // Flyway's own view of the migrations in this build: the newest one it applied is SCHEMA_VERSION.
            MigrationInfo current = Flyway.configure().dataSource(ds).locations(ClusterWiring.migrations(ds)).load().info().current();
            assertThat(current.getVersion().getVersion()).isEqualTo(Ledger.SCHEMA_VERSION);
            assertThat(Ledger.upToDate(ds)).isTrue();
            assertThat(Ledger.migrate(ds)).as("a restart does not start Flyway").isFalse();
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgresql"})
    void anOlderSchemaIsMigrated(String database) {
        withLedger(database, ds -> {
            Flyway.configure().dataSource(ds).locations(ClusterWiring.migrations(ds)).target("11").load().migrate();
            assertThat(Ledger.upToDate(ds)).isFalse();
            assertThat(Ledger.migrate(ds)).isTrue();
            assertThat(Ledger.upToDate(ds)).isTrue();
            execute(ds, "SELECT key_hash FROM ledger_key"); // V14's column
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgresql"})
    void aFailedMigrationInTheHistoryStillStopsTheStart(String database) {
        withLedger(database, ds -> {
            Ledger.migrate(ds);
            execute(ds, "UPDATE \"flyway_schema_history\" SET \"success\" = FALSE WHERE \"version\" = '" + Ledger.SCHEMA_VERSION + "'");
            assertThat(Ledger.upToDate(ds)).isFalse();
            assertThatThrownBy(() -> Ledger.migrate(ds)).isInstanceOf(FlywayException.class).hasMessageContaining("failed migration");
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgresql"})
    void aSchemaOfANewerBuildGoesToFlyway(String database) {
        withLedger(database, ds -> {
            Ledger.migrate(ds);
            execute(ds, "INSERT INTO \"flyway_schema_history\" (\"installed_rank\", \"version\", \"description\", \"type\", \"script\", "
                    + "\"installed_by\", \"execution_time\", \"success\") VALUES (99, '99', 'from a newer build', 'SQL', 'V99__newer.sql', 'test', 1, TRUE)");
            assertThat(Ledger.upToDate(ds)).isFalse();
            // Flyway ignores a migration it does not know that is newer than its own (its default), as before.
            assertThat(Ledger.migrate(ds)).isTrue();
        });
    }

    private interface Check {
        void run(HikariDataSource ds) throws Exception;
    }

    private static void withLedger(String database, Check check) {
        Supplier<HikariDataSource> make = database.equals("h2") ? TestDatabases::h2 : TestDatabases::postgres;
        HikariDataSource ds = make.get();
        try {
            check.run(ds);
        } catch (Exception e) {
            throw new AssertionError(e);
        } finally {
            if (database.equals("h2")) {
                ds.close();
            } else {
                TestDatabases.dropPostgres(ds);
            }
        }
    }

    private static void execute(HikariDataSource ds, String sql) throws Exception {
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }
}
