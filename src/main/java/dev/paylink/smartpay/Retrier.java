package dev.paylink.smartpay;

import dev.paylink.Durations;
import dev.paylink.smartml.Sleeper;
import java.net.http.HttpHeaders;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.IntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a safe call up to {@code attempts} times: waits {@code backoff}, doubled per further attempt, between them;
 * a {@code Retry-After} header (seconds or an HTTP date) wins over the backoff. Every wait is capped at {@link #MAX_WAIT}.
 */
final class Retrier {

    private static final Logger LOG = LoggerFactory.getLogger(SmartPayClient.class);
    static final Duration MAX_WAIT = Duration.ofMinutes(5);

    private final int attempts;
    private final Duration backoff;
    private final Clock clock;
    private final Sleeper sleeper;

    Retrier(int attempts, Duration backoff, Clock clock, Sleeper sleeper) {
        this.attempts = attempts;
        this.backoff = backoff;
        this.clock = clock;
        this.sleeper = sleeper;
    }

    int attempts() {
        return attempts;
    }

    sealed interface Try<R> {
    }

    /** Final for this call, success or not. */
    record Done<R>(R result) implements Try<R> {
    }

    /** Worth another attempt; {@code headers} of the answer, if any, may carry Retry-After. */
    record Again<R>(String reason, HttpHeaders headers) implements Try<R> {
    }

    /**
     * @param what    e.g. "GET /payment-links/abc", for the log
     * @param attempt called with the attempt number, 1-based
     * @param giveUp  makes the result when the attempts are spent (or the thread is interrupted), from a reason
     */
    <R> R run(String what, IntFunction<Try<R>> attempt, Function<String, R> giveUp) {
        for (int n = 1; ; n++) {
            if (Thread.currentThread().isInterrupted()) {
                return giveUp.apply(what + ": interrupted before attempt " + n);
            }
            Try<R> outcome = attempt.apply(n);
            if (outcome instanceof Done<R> done) {
                return done.result();
            }
            Again<R> again = (Again<R>) outcome;
            if (n >= attempts) {
                return giveUp.apply(what + " failed after " + n + (n == 1 ? " attempt: " : " attempts: ") + again.reason());
            }
            if (Thread.currentThread().isInterrupted()) {
                return giveUp.apply(what + ": interrupted after attempt " + n + ": " + again.reason());
            }
            int failed = n;
            Duration wait = retryAfter(again.headers()).orElseGet(() -> backoff(failed));
            LOG.warn("SmartPay {} (attempt {} of {}): {}; next attempt in {}", what, n, attempts, again.reason(), Durations.spoken(wait));
            if (!wait.isZero()) {
                try {
                    sleeper.sleep(wait);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return giveUp.apply(what + ": interrupted while waiting to retry after " + n + " attempt(s): " + again.reason());
                }
            }
        }
    }

    private Duration backoff(int failedAttempts) {
        Duration wait = backoff.multipliedBy(1L << Math.min(failedAttempts - 1, 20));
        return wait.compareTo(MAX_WAIT) > 0 ? MAX_WAIT : wait;
    }

    /** Retry-After as delay-seconds or an HTTP date, never negative, capped; empty when absent or unreadable. */
    Optional<Duration> retryAfter(HttpHeaders headers) {
        if (headers == null) {
            return Optional.empty();
        }
        Optional<String> header = headers.firstValue("Retry-After").map(String::strip).filter(s -> !s.isEmpty());
        if (header.isEmpty()) {
            return Optional.empty();
        }
        String value = header.get();
        Duration wait;
        if (value.chars().allMatch(Character::isDigit)) {
            wait = value.length() > 9 ? MAX_WAIT : Duration.ofSeconds(Long.parseLong(value));
        } else {
            try {
                Instant at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
                wait = Duration.between(clock.instant(), at);
            } catch (DateTimeParseException e) {
                LOG.debug("ignoring unreadable Retry-After {}", value);
                return Optional.empty();
            }
        }
        if (wait.isNegative()) {
            wait = Duration.ZERO;
        }
        return Optional.of(wait.compareTo(MAX_WAIT) > 0 ? MAX_WAIT : wait);
    }
}
