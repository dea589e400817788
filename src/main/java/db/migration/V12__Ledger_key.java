package db.migration;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * A key's uniqueness moves from ledger_entry to a table of its own, ledger_key (key -> file, line), written once when the
 * key is claimed. Why: H2 rewrites an entry in every index of its table on each UPDATE (remove and add, even where the
 * indexed value stays), and the keys are SHA-256 values, so each batch's SENDING and outcome commits rewrote about one page
 * of the key index per row, at random: about 110 KB of the 150 KB each commit wrote, measured. ledger_entry keeps its
 * entry_key column and is found along (file_id, line), pages a batch shares.
 *
 * <p>In Java because the foreign keys that name ledger_entry's primary key were declared without names, and H2 and
 * PostgreSQL named them differently: the database's metadata says which to drop.
 */
public class V12__Ledger_key extends BaseJavaMigration {

    @Override
    public void migrate(Context context) throws Exception {
        Connection c = context.getConnection();
        try (Statement st = c.createStatement()) {
            st.execute("CREATE TABLE ledger_key (entry_key VARCHAR(200) NOT NULL PRIMARY KEY, file_id BIGINT NOT NULL, line BIGINT NOT NULL)");
            st.execute("INSERT INTO ledger_key (entry_key, file_id, line) SELECT entry_key, file_id, line FROM ledger_entry");
            st.execute("CREATE INDEX ledger_key_file_line ON ledger_key (file_id, line)");
            for (String[] fk : foreignKeysTo(c, "ledger_entry")) {
                st.execute("ALTER TABLE " + fk[0] + " DROP CONSTRAINT " + fk[1]);
            }
            st.execute("ALTER TABLE ledger_entry DROP CONSTRAINT " + primaryKey(c, "ledger_entry"));
            st.execute("ALTER TABLE payment_link ADD FOREIGN KEY (entry_key) REFERENCES ledger_key (entry_key)");
            st.execute("ALTER TABLE resolution ADD FOREIGN KEY (entry_key) REFERENCES ledger_key (entry_key)");
        }
    }

    /** (table, constraint) of each foreign key that references {@code table}. */
    static List<String[]> foreignKeysTo(Connection c, String table) throws SQLException {
        DatabaseMetaData md = c.getMetaData();
        List<String[]> found = new ArrayList<>();
        try (ResultSet rs = md.getExportedKeys(c.getCatalog(), c.getSchema(), name(md, table))) {
            while (rs.next()) {
                String[] fk = {rs.getString("FKTABLE_NAME"), rs.getString("FK_NAME")};
                if (found.stream().noneMatch(f -> f[0].equals(fk[0]) && f[1].equals(fk[1]))) {
                    found.add(fk);
                }
            }
        }
        return found;
    }

    private static String primaryKey(Connection c, String table) throws SQLException {
        DatabaseMetaData md = c.getMetaData();
        try (ResultSet rs = md.getPrimaryKeys(c.getCatalog(), c.getSchema(), name(md, table))) {
            if (!rs.next()) {
                throw new IllegalStateException(table + " has no primary key");
            }
            return rs.getString("PK_NAME");
        }
    }

    static String name(DatabaseMetaData md, String table) throws SQLException {
        return md.storesUpperCaseIdentifiers() ? table.toUpperCase(java.util.Locale.ROOT) : table;
    }
}
