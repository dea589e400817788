package dev.paylink.delivery;

import java.time.Duration;

/** What one try of a delivery came to. */
public sealed interface DeliveryResult {

    /** The receiver took it (2xx, SMTP accepted). */
    record Delivered(String detail) implements DeliveryResult {
    }

    /** Try again later (5xx, 429, timeouts, connection failures, SMTP down). {@code retryAfter} may be null. */
    record Retry(String error, Duration retryAfter) implements DeliveryResult {
    }

    /** Trying again will not help (4xx other than 429, a malformed recipient): dead-lettered now. */
    record Failed(String error) implements DeliveryResult {
    }
}
