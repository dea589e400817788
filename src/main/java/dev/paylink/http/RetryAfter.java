package dev.paylink.http;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/** The one reader of {@code Retry-After} (RFC 9110 §10.2.3), for SmartPay's answers and the webhook receivers'. */
public final class RetryAfter {

    private RetryAfter() {
    }

    /**
     * A {@code Retry-After} value: delay-seconds or an HTTP date (a date in the past is no wait); never negative, at most
     * {@code max}; empty when absent, blank or unreadable.
     */
    public static Optional<Duration> parse(String header, Instant now, Duration max) {
        String value = header == null ? "" : header.strip();
        if (value.isEmpty()) {
            return Optional.empty();
        }
        Duration wait;
        if (value.chars().allMatch(c -> c >= '0' && c <= '9')) {
            wait = value.length() > 9 ? max : Duration.ofSeconds(Long.parseLong(value));
        } else {
            try {
                wait = Duration.between(now, ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
            } catch (DateTimeParseException e) {
                return Optional.empty();
            }
        }
        return Optional.of(wait.isNegative() ? Duration.ZERO : wait.compareTo(max) > 0 ? max : wait);
    }
}
