package dev.paylink.ledger;

import dev.paylink.support.TestDatabases;

/** Resolutions on PostgreSQL (127.0.0.1:5432), where several instances may apply drops at once. */
class PostgresResolutionLedgerTest extends ResolutionLedgerContract {

    PostgresResolutionLedgerTest() {
        super(TestDatabases::postgres, TestDatabases::dropPostgres);
    }
}
