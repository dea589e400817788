package dev.paylink.ledger;

import com.zaxxer.hikari.HikariDataSource;
import dev.paylink.support.TestDatabases;

/** Resolutions on the embedded H2 database, the default. */
class H2ResolutionLedgerTest extends ResolutionLedgerContract {

    H2ResolutionLedgerTest() {
        super(TestDatabases::h2, HikariDataSource::close);
    }
}
