package dev.paylink.config;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;

/**
 * Opens one connection to the ledger before the pool is made, so that a ledger that cannot be reached (a wrong host
 * or port, a refused password, a missing database, an H2 file another instance holds) is one configuration line with
 * the driver's own reason, rather than the pool's stack trace.
 */
public final class LedgerReach {

    private LedgerReach() {
    }

    /** @throws ConfigurationException naming {@code paylink.ledger.url}, when no connection can be opened */
    public static void check(String jdbcUrl, String username, String password) {
        Properties login = new Properties();
        if (username != null) {
            login.setProperty("user", username);
        }
        if (password != null) {
            login.setProperty("password", password);
        }
        try (Connection c = DriverManager.getConnection(jdbcUrl, login)) {
            c.isValid(5);
        } catch (SQLException e) {
            throw ConfigurationException.of("paylink.ledger.url", "cannot open the ledger at " + Binder.shown(jdbcUrl.replaceAll("[?;].*", ""))
                    + " as " + (username == null ? "no user" : "user '" + username + "'") + ": " + reason(e));
        }
    }

    /** The driver's message, and the underlying cause when the message does not say it (PostgreSQL: "The connection attempt failed."). */
    private static String reason(SQLException e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = String.valueOf(e.getMessage());
        if (root instanceof java.net.UnknownHostException) {
            return message + " (unknown host " + root.getMessage() + ")";
        }
        // A short, general message ("The connection attempt failed.") says less than its cause.
        return root == e || message.length() >= 60 || message.contains(String.valueOf(root.getMessage())) ? message
                : message + " (" + root.getClass().getSimpleName() + ": " + root.getMessage() + ")";
    }
}
