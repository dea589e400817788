package dev.paylink.support;

import dev.paylink.Application;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.sql.DataSource;
import org.apache.camel.CamelContext;
import org.apache.camel.main.Main;

/**
 * The application as the jar starts it (Camel Main, the YAML routes, {@code PaylinkConfiguration}), with its
 * folders under a test's directory and any setting overridden. Stop it with {@link #close()}.
 */
public final class PaylinkApp implements AutoCloseable {

    private final Main main;
    public final Path data;

    private PaylinkApp(Main main, Path data) {
        this.main = main;
        this.data = data;
    }

    /** Fast polling and read lock for tests; everything else as configured in application.properties. */
    public static Map<String, String> testDefaults(Path data) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("paylink.data", data.toString());
        p.put("paylink.sandbox.examples", "");
        p.put("paylink.intake.min-age", "200ms");
        p.put("paylink.intake.poll-delay", "100ms");
        p.put("paylink.intake.progress-interval", "1s");
        p.put("paylink.onoffice.request-timeout", "2s");
        p.put("paylink.onoffice.connect-timeout", "1s");
        p.put("paylink.onoffice.connect-backoff", "10ms");
        p.put("paylink.onoffice.outage-retry", "300ms");
        p.put("camel.main.shutdown-timeout", "5");
        // The management server (health, metrics) on a free port: tests run side by side, and next to a running app.
        p.put("camel.management.port", "0");
        return p;
    }

    public static PaylinkApp start(Path data, Map<String, String> overrides) throws Exception {
        Map<String, String> props = testDefaults(data);
        props.putAll(overrides);
        Main main = new Main(Application.class);
        props.forEach(main::addOverrideProperty);
        main.start();
        return new PaylinkApp(main, data);
    }

    public CamelContext camel() {
        return main.getCamelContext();
    }

    public <T> T bean(String name, Class<T> type) {
        return camel().getRegistry().lookupByNameAndType(name, type);
    }

    /** The one value {@code sql} selects from the app's ledger (its first column); fails if it selects no row. */
    public String ledgerValue(String sql) throws SQLException {
        try (Connection c = bean("ledgerDataSource", DataSource.class).getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery(sql)) {
            if (!rs.next()) {
                throw new AssertionError("no row: " + sql);
            }
            return rs.getString(1);
        }
    }

    public Path inbox() {
        return data.resolve("inbox");
    }

    public Path outbox() {
        return data.resolve("outbox");
    }

    public Path archive() {
        return data.resolve("archive");
    }

    public Path error() {
        return data.resolve("error");
    }

    @Override
    public void close() throws Exception {
        main.stop();
    }
}
