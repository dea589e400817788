package dev.paylink.support;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

/**
 * Fresh, empty ledger databases for tests: an in-memory H2 one, or a schema of its own in the PostgreSQL server
 * on 127.0.0.1:5432 (trust auth; database {@code test}, overridable with PAYLINK_TEST_PG_URL / PAYLINK_TEST_PG_USER).
 */
public final class TestDatabases {

    public static final String PG_URL = System.getenv().getOrDefault("PAYLINK_TEST_PG_URL", "jdbc:postgresql://127.0.0.1:5432/test");
    public static final String PG_USER = System.getenv().getOrDefault("PAYLINK_TEST_PG_USER", "postgres");

    private TestDatabases() {
    }

    /** A database that lives as long as the returned pool. */
    public static HikariDataSource h2() {
        return pool("jdbc:h2:mem:ledger-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", "sa", null);
    }

    /** A new schema in the local PostgreSQL; drop it with {@link #dropPostgres(HikariDataSource)}. */
    public static HikariDataSource postgres() {
        String schema = "t_" + UUID.randomUUID().toString().replace("-", "");
        execute("CREATE SCHEMA " + schema);
        return pool(PG_URL + "?currentSchema=" + schema, PG_USER, null);
    }

    /** The JDBC URL of a new PostgreSQL schema, for tests that configure the app by URL. */
    public static String postgresUrl() {
        String schema = "t_" + UUID.randomUUID().toString().replace("-", "");
        execute("CREATE SCHEMA " + schema);
        return PG_URL + "?currentSchema=" + schema;
    }

    /** A pool of its own onto the database of {@code ds}: what another instance of the app on the same ledger has. */
    public static HikariDataSource anotherPool(HikariDataSource ds) {
        return pool(ds.getJdbcUrl(), ds.getUsername(), null);
    }

    public static void dropPostgres(HikariDataSource ds) {
        String url = ds.getJdbcUrl();
        ds.close();
        dropSchemaOf(url);
    }

    public static void dropSchemaOf(String url) {
        execute("DROP SCHEMA " + url.substring(url.indexOf("currentSchema=") + "currentSchema=".length()) + " CASCADE");
    }

    private static HikariDataSource pool(String url, String user, String password) {
        HikariConfig c = new HikariConfig();
        c.setJdbcUrl(url);
        c.setUsername(user);
        c.setPassword(password);
        c.setMaximumPoolSize(4);
        return new HikariDataSource(c);
    }

    private static void execute(String sql) {
        try (Connection c = DriverManager.getConnection(PG_URL, PG_USER, null); Statement st = c.createStatement()) {
            st.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("PostgreSQL on 127.0.0.1:5432 is needed for this test (.ci/run starts it): " + e.getMessage(), e);
        }
    }
}
