package dev.paylink.ledger;

import com.zaxxer.hikari.HikariDataSource;
import dev.paylink.support.TestDatabases;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;

/** The ledger contract on the embedded H2 database, the default. */
class H2LedgerTest extends LedgerContract {

    private final HikariDataSource ds = TestDatabases.h2();

    @Override
    protected DataSource dataSource() {
        return ds;
    }

    @AfterEach
    void close() {
        ds.close();
    }
}
