package dev.paylink.observe;

import dev.paylink.Durations;
import dev.paylink.config.ConfigurationException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * The {@code paylink.observe.*} keys: the management server's host and port (only checked here: Camel Main binds them as
 * {@code camel.management.host/port}), thresholds of the health checks and how long answers are reused. All are read and
 * checked together; any problem fails the start with one line per key ({@link ConfigurationException}).
 *
 * @param ledgerTimeout       how long the ledger check waits for a pooled connection to answer
 * @param smartPayTimeout     how long the SmartPay check waits for a TCP connection
 * @param smartPayCache       how long a SmartPay check result is reused
 * @param countsCache         how long counts read from the database are reused by scrapes and the delivery check
 * @param maxDeadLetters      dead deliveries allowed before the delivery check is DOWN
 * @param maxPendingDeliveries PENDING deliveries allowed before the delivery check is DOWN
 * @param maxPendingAge       how old the oldest PENDING delivery may be before the delivery check is DOWN
 */
public record ObserveSettings(Duration ledgerTimeout, Duration smartPayTimeout, Duration smartPayCache, Duration countsCache,
                              long maxDeadLetters, long maxPendingDeliveries, Duration maxPendingAge) {

    public static final String PREFIX = "paylink.observe.";

    /** Reads and checks every key; {@code properties} answers empty for a key that is not set. */
    public static ObserveSettings read(Function<String, Optional<String>> properties) {
        Reader r = new Reader(properties);
        // Camel binds camel.management.port itself and took 'abc' for 0, a random port: checked here, before the server starts.
        r.value("port", "9876", 0, v -> {
            int port = Integer.parseInt(v);
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException();
            }
            return port;
        }, "is not a port from 0 to 65535");
        r.value("host", "127.0.0.1", "", v -> v, "");
        ObserveSettings settings = new ObserveSettings(r.duration("ledger-timeout"), r.duration("smartpay-timeout"),
                r.duration("smartpay-cache"), r.duration("counts-cache"), r.count("max-dead-letters"), r.count("max-pending-deliveries"),
                r.duration("max-pending-age"));
        if (!r.problems.isEmpty()) {
            throw new ConfigurationException(r.problems);
        }
        return settings;
    }

    private static final class Reader {
        private final Function<String, Optional<String>> properties;
        private final List<String> problems = new ArrayList<>();

        Reader(Function<String, Optional<String>> properties) {
            this.properties = properties;
        }

        Duration duration(String name) {
            return value(name, "5s", Duration.ofSeconds(1), v -> {
                Duration d = Durations.parse(v);
                if (d.isNegative() || d.isZero()) {
                    throw new IllegalArgumentException("is not a positive duration (e.g. 3s, 500ms, PT3S)");
                }
                return d;
            }, "is not a duration (e.g. 3s, 500ms, PT3S)");
        }

        long count(String name) {
            return value(name, "0", 0L, v -> {
                long n = Long.parseLong(v);
                if (n < 0) {
                    throw new IllegalArgumentException("is not a whole number of 0 or more");
                }
                return n;
            }, "is not a whole number of 0 or more");
        }

        <T> T value(String name, String example, T standIn, Function<String, T> form, String why) {
            String key = PREFIX + name;
            Optional<String> text;
            try {
                text = properties.apply(key).map(String::strip).filter(v -> !v.isEmpty());
            } catch (RuntimeException e) {
                problems.add(key + ": cannot be read: " + e.getMessage());
                return standIn;
            }
            if (text.isEmpty()) {
                problems.add(key + ": must be set (e.g. " + example + ")");
                return standIn;
            }
            try {
                return form.apply(text.get());
            } catch (RuntimeException e) {
                String shown = text.get().length() > 120 ? text.get().substring(0, 117) + "..." : text.get();
                String reason = e.getMessage() != null && e.getMessage().startsWith("is not") ? e.getMessage() : why;
                problems.add(key + ": '" + shown + "' " + reason);
                return standIn;
            }
        }
    }
}
