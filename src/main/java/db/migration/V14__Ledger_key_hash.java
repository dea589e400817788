package db.migration;

import java.sql.Connection;
import java.sql.Statement;
import java.util.Locale;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * ledger_key holds a key's SHA-256 (32 bytes, {@code dev.paylink.ledger.KeyHash}) instead of the key itself (64 hex
 * characters for most keys). Why: a claim inserts its keys at random places of ledger_key's primary key, so each key
 * dirties a page of its own, and the embedded H2 ledger serializes, compresses and writes every dirty page at each commit.
 * A page holds at most 48 keys whatever their size (MVStore's keysPerPage), so half-size keys make each such page about
 * half the bytes: measured on H2 2.4.240, 400,000 keys claimed 1,000 a commit, ledger_key
 * and ledger_entry as they are: 150 µs CPU and 3.0 KB written per row with the hex keys, 85 µs and 1.8 KB with binary ones.
 *
 * <p>The key itself stays in ledger_entry (and in payment_link and resolution); resolution also gets the hash, to be
 * joined to ledger_key. The foreign keys from payment_link and resolution to ledger_key's key go (they named the column
 * that is gone); the key's uniqueness stays in ledger_key's primary key. In Java for the same reason as V12: the foreign
 * keys have names of the database's choosing.
 */
public class V14__Ledger_key_hash extends BaseJavaMigration {

    @Override
    public void migrate(Context context) throws Exception {
        Connection c = context.getConnection();
        boolean postgres = c.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT).contains("postgres");
        String binary = postgres ? "BYTEA" : "BINARY(32)";
        // SHA-256 of the key's UTF-8 bytes in both, as KeyHash computes it (H2: HashFunction hashes a string's UTF-8 bytes).
        String hash = postgres ? "sha256(convert_to(%s, 'UTF8'))" : "HASH('SHA-256', %s)";
        try (Statement st = c.createStatement()) {
            for (String[] fk : V12__Ledger_key.foreignKeysTo(c, "ledger_key")) {
                st.execute("ALTER TABLE " + fk[0] + " DROP CONSTRAINT " + fk[1]);
            }
            st.execute("CREATE TABLE ledger_key_hashed (key_hash " + binary + " NOT NULL PRIMARY KEY, file_id BIGINT NOT NULL, line BIGINT NOT NULL)");
            // In the hash's order: the new primary key is filled from left to right, not at random.
            st.execute("INSERT INTO ledger_key_hashed (key_hash, file_id, line) SELECT " + hash.formatted("entry_key") + ", file_id, line "
                    + "FROM ledger_key ORDER BY 1");
            st.execute("DROP TABLE ledger_key");
            st.execute("ALTER TABLE ledger_key_hashed RENAME TO ledger_key");
            st.execute("ALTER TABLE resolution ADD COLUMN key_hash " + binary);
            st.execute("UPDATE resolution SET key_hash = " + hash.formatted("entry_key"));
            st.execute("ALTER TABLE resolution ALTER COLUMN key_hash SET NOT NULL");
        }
    }
}
