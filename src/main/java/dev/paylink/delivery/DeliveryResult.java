package dev.paylink.delivery;

import dev.paylink.Durations;
import java.time.Duration;

/** What one try of a delivery came to. */
public sealed interface DeliveryResult {

    /** For a log line or a dead letter: what happened, in words (never the record's toString). */
    String summary();

    /** The receiver took it (2xx, SMTP accepted). */
    record Delivered(String detail) implements DeliveryResult {
        @Override
        public String summary() {
            return detail;
        }
    }

    /** Try again later (5xx, 429, timeouts, connection failures, SMTP down). {@code retryAfter} may be null. */
    record Retry(String error, Duration retryAfter) implements DeliveryResult {
        @Override
        public String summary() {
            return retryAfter == null ? error : error + " (Retry-After " + Durations.spoken(retryAfter) + ")";
        }
    }

    /** Trying again will not help (4xx other than 429, a malformed recipient): dead-lettered now. */
    record Failed(String error) implements DeliveryResult {
        @Override
        public String summary() {
            return error;
        }
    }
}
