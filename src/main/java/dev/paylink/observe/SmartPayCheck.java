package dev.paylink.observe;

import dev.paylink.Durations;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import org.apache.camel.health.HealthCheckResultBuilder;

/**
 * {@code smartpay}: the SmartPay API can be reached (only registered while enrichment is on). The check opens a plain TCP
 * connection to the API's host and port, with a short timeout, and closes it: no request, no credentials, no token, nothing
 * counted against the provider's rate limit, and it works the same for Basic and OAuth2. The answer is reused for
 * {@code cache} (30 s by default), so a health endpoint polled every second connects twice a minute at most. It proves that
 * DNS, routing and a listener are there, not that SmartPay accepts our credentials: refused credentials show in the
 * enrichment outcomes ({@code paylink_enrichment_requests_total}). In sandbox mode the host is the built-in simulator.
 * Readiness only: a restart cannot bring SmartPay back.
 */
final class SmartPayCheck extends PaylinkCheck {

    private final String host;
    private final int port;
    private final Duration timeout;
    private final Duration cache;
    private final Clock clock;
    private Instant checkedAt;
    private String problem;

    SmartPayCheck(URI url, Duration timeout, Duration cache, Clock clock) {
        super("smartpay", false);
        this.host = url.getHost();
        this.port = url.getPort() > 0 ? url.getPort() : "http".equals(url.getScheme().toLowerCase(Locale.ROOT)) ? 80 : 443;
        this.timeout = timeout;
        this.cache = cache;
        this.clock = clock;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        Instant at;
        String found;
        synchronized (this) {
            Instant now = clock.instant();
            if (checkedAt == null || !now.isBefore(checkedAt.plus(cache))) {
                problem = connect();
                checkedAt = now;
            }
            at = checkedAt;
            found = problem;
        }
        builder.detail("host", host).detail("port", port).detail("checked-at", at.toString());
        if (found == null) {
            builder.up();
        } else {
            builder.message("SmartPay at " + host + ":" + port + " cannot be reached: " + found).down();
        }
    }

    /** Null when a TCP connection was made within the timeout. */
    private String connect() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), (int) Math.max(1, timeout.toMillis()));
            return null;
        } catch (java.net.SocketTimeoutException e) {
            return "no connection within " + Durations.spoken(timeout);
        } catch (IOException | RuntimeException e) {
            return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
        }
    }
}
