package dev.paylink.flow;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.paylink.support.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class WatchdogTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-30T10:00:00Z"));
    private final IntakeGate gate = new IntakeGate(clock, Duration.ofMinutes(5), Duration.ofSeconds(30), Duration.ofSeconds(30));
    private final Watchdog watchdog = new Watchdog(clock, Duration.ofMinutes(3), gate);
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();

    @BeforeEach
    void capture() {
        logs.start();
        ((Logger) LoggerFactory.getLogger(Watchdog.class)).addAppender(logs);
    }

    @AfterEach
    void release() {
        ((Logger) LoggerFactory.getLogger(Watchdog.class)).detachAppender(logs);
    }

    private List<String> warnings() {
        return logs.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    }

    @Test
    void aFileWithoutProgressIsNamedOncePerStallPeriodAndNotWhileItMoves() {
        watchdog.progress("big.csv", "sending, 1200 of 5000 rows handed out");
        clock.advance(Duration.ofMinutes(2));
        watchdog.check();
        assertThat(warnings()).isEmpty();

        clock.advance(Duration.ofMinutes(1));
        watchdog.check();
        watchdog.check();
        assertThat(warnings()).containsExactly(
                "big.csv: no progress for 3 min (last: sending, 1200 of 5000 rows handed out); if this lasts, look for a hung request or ledger, or a bug in the log above");

        clock.advance(Duration.ofMinutes(3));
        watchdog.check();
        assertThat(warnings()).hasSize(2).last().asString().startsWith("big.csv: no progress for 6 min");

        watchdog.progress("big.csv", "sending, a batch answered");
        clock.advance(Duration.ofMinutes(1));
        watchdog.check();
        watchdog.done("big.csv");
        clock.advance(Duration.ofMinutes(10));
        watchdog.check();
        assertThat(warnings()).hasSize(2);
    }

    @Test
    void aPausedFileIsNotStalled() {
        watchdog.progress("big.csv", "sending");
        gate.pauseForOutage("onOffice is failing (HTTP 500)");
        clock.advance(Duration.ofMinutes(4));
        watchdog.check();
        assertThat(warnings()).isEmpty();
    }
}
