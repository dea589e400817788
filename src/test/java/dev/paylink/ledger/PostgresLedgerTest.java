package dev.paylink.ledger;

import com.zaxxer.hikari.HikariDataSource;
import dev.paylink.support.TestDatabases;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;

/** The ledger contract on PostgreSQL (127.0.0.1:5432), the database several instances share. */
class PostgresLedgerTest extends LedgerContract {

    private final HikariDataSource ds = TestDatabases.postgres();

    @Override
    protected DataSource dataSource() {
        return ds;
    }

    @AfterEach
    void drop() {
        TestDatabases.dropPostgres(ds);
    }
}
