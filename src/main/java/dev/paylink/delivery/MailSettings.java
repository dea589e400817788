package dev.paylink.delivery;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How mail leaves ({@code paylink.mail.*}). {@link #toString()} hides the password.
 *
 * @param host           SMTP server
 * @param port           SMTP port (25/587 for NONE and STARTTLS, 465 for TLS as a rule)
 * @param security       NONE (plain, only for a relay on a trusted network or the sandbox; a login over it only with
 *                       {@code allowPlainAuth}), STARTTLS (upgrade required: a server that does not offer it is an
 *                       error, never a silent fall-back to plain), TLS (implicit TLS from the first byte, {@code smtps})
 * @param username       login; null or blank: no SMTP AUTH
 * @param password       password of the login; only with a username
 * @param from           the From address, e.g. {@code paylink <paylink@example.com>}
 * @param outbox         where the {@code resultsFile} names of {@code file.*} events are resolved for attachments
 * @param connectTimeout to open the connection
 * @param readTimeout    to wait for each server reply (and each write)
 * @param allowPlainAuth SMTP AUTH over a plain connection (security NONE with a username) sends the password in clear:
 *                       refused unless this is true, and then warned about once
 */
public record MailSettings(String host, int port, Security security, String username, String password, String from, Path outbox,
                           Duration connectTimeout, Duration readTimeout, boolean allowPlainAuth) {

    private static final Logger LOG = LoggerFactory.getLogger(MailSettings.class);

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
        if (security == Security.NONE && username != null) {
            if (!allowPlainAuth) {
                throw new IllegalArgumentException("paylink.mail.security: 'none' would send the SMTP password in clear; use starttls or tls, "
                        + "or set paylink.mail.allow-plain-auth=true");
            }
            LOG.warn("paylink.mail.security is 'none' with a username: the SMTP password goes to {}:{} in clear "
                    + "(allowed by paylink.mail.allow-plain-auth=true)", host, port);
        }
    }

    /** Without SMTP AUTH over a plain connection allowed: security NONE with a username is refused. */
    public MailSettings(String host, int port, Security security, String username, String password, String from, Path outbox,
                        Duration connectTimeout, Duration readTimeout) {
        this(host, port, security, username, password, from, outbox, connectTimeout, readTimeout, false);
    }

    /** True when SMTP AUTH is used (a username is set). */
    public boolean authenticates() {
        return username != null;
    }

    @Override
    public String toString() {
        return "MailSettings[host=" + host + ", port=" + port + ", security=" + security + ", username=" + username
                + ", password=" + (password == null ? "<none>" : "<hidden>") + ", from=" + from + ", outbox=" + outbox
                + ", connectTimeout=" + connectTimeout + ", readTimeout=" + readTimeout + ", allowPlainAuth=" + allowPlainAuth + "]";
    }
}
