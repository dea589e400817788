package dev.paylink.delivery;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * How mail leaves ({@code paylink.mail.*}). {@link #toString()} hides the password.
 *
 * @param host           SMTP server
 * @param port           SMTP port (25/587 for NONE and STARTTLS, 465 for TLS as a rule)
 * @param security       NONE (plain, only for a relay on a trusted network or the sandbox), STARTTLS (upgrade required:
 *                       a server that does not offer it is an error, never a silent fall-back to plain), TLS (implicit
 *                       TLS from the first byte, {@code smtps})
 * @param username       login; null or blank: no SMTP AUTH
 * @param password       password of the login; only with a username
 * @param from           the From address, e.g. {@code paylink <paylink@example.com>}
 * @param outbox         where the {@code resultsFile} names of {@code file.*} events are resolved for attachments
 * @param connectTimeout to open the connection
 * @param readTimeout    to wait for each server reply (and each write)
 */
public record MailSettings(String host, int port, Security security, String username, String password, String from, Path outbox,
                           Duration connectTimeout, Duration readTimeout) {

    /** How the SMTP connection is protected. */
    public enum Security {
        NONE, STARTTLS, TLS;

        /** {@code none}, {@code starttls} or {@code tls}, any case. */
        public static Security parse(String text) {
            try {
                return valueOf(text.strip().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("paylink.mail.security must be none, starttls or tls, not '" + text + "'");
            }
        }
    }

    public MailSettings {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(security, "security");
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(outbox, "outbox");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(readTimeout, "readTimeout");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("paylink.mail.port must be 1..65535, not " + port);
        }
        username = username == null || username.isBlank() ? null : username.strip();
        password = username == null || password == null || password.isEmpty() ? null : password;
    }

    /** True when SMTP AUTH is used (a username is set). */
    public boolean authenticates() {
        return username != null;
    }

    /**
     * The properties {@code routes/mail.camel.yaml} reads, derived from these settings: the route cannot compute a
     * scheme from a security mode or milliseconds from a duration itself. Add them as override properties before the
     * routes start. The login keys are present only when a username is set, so that the route's optional placeholders
     * {@code {{?...}}} leave the endpoint without credentials (no SMTP AUTH) rather than with empty ones.
     */
    public Map<String, String> routeProperties() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("paylink.mail.enabled", "true");
        p.put("paylink.mail.host", host);
        p.put("paylink.mail.port", String.valueOf(port));
        p.put("paylink.mail.scheme", security == Security.TLS ? "smtps" : "smtp");
        p.put("paylink.mail.starttls", String.valueOf(security == Security.STARTTLS));
        p.put("paylink.mail.connect-timeout-millis", String.valueOf(connectTimeout.toMillis()));
        p.put("paylink.mail.read-timeout-millis", String.valueOf(readTimeout.toMillis()));
        if (username != null) {
            p.put("paylink.mail.login-username", username);
            p.put("paylink.mail.login-password", password == null ? "" : password);
        }
        return p;
    }

    @Override
    public String toString() {
        return "MailSettings[host=" + host + ", port=" + port + ", security=" + security + ", username=" + username
                + ", password=" + (password == null ? "<none>" : "<hidden>") + ", from=" + from + ", outbox=" + outbox
                + ", connectTimeout=" + connectTimeout + ", readTimeout=" + readTimeout + "]";
    }
}
