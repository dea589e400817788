package dev.paylink.flow;

import static org.assertj.core.api.Assertions.assertThat;

import dev.paylink.support.MutableClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class IntakeGateTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-21T10:00:00Z"));
    private final IntakeGate gate = new IntakeGate(clock, Duration.ofMinutes(5), Duration.ofSeconds(30));

    @Test
    void aPauseHoldsEveryFileUntilItsTimeThenLetsOneProbeThrough() {
        gate.pause("credentials refused", "fix them");
        assertThat(gate.paused()).isTrue();
        assertThat(gate.mayPickUp("a.csv")).isFalse();

        clock.advance(Duration.ofMinutes(5));
        assertThat(gate.mayPickUp("a.csv")).isTrue();
        assertThat(gate.paused()).as("a probe may send").isFalse();
        assertThat(gate.mayPickUp("b.csv")).as("only one probe per pause period").isFalse();

        gate.pause("credentials refused", "fix them");
        assertThat(gate.paused()).isTrue();
        clock.advance(Duration.ofMinutes(5));
        assertThat(gate.mayPickUp("b.csv")).isTrue();
        gate.succeeded("b.csv");
        assertThat(gate.paused()).isFalse();
        assertThat(gate.mayPickUp("a.csv")).isTrue();
    }

    @Test
    void aFailedFileWaitsTwiceAsLongEachTimeUpToTenMinutes() {
        assertThat(gate.failed("a.csv")).isEqualTo(Duration.ofSeconds(30));
        assertThat(gate.mayPickUp("a.csv")).isFalse();
        assertThat(gate.mayPickUp("other.csv")).isTrue();
        clock.advance(Duration.ofSeconds(30));
        assertThat(gate.mayPickUp("a.csv")).isTrue();

        assertThat(gate.failed("a.csv")).isEqualTo(Duration.ofSeconds(60));
        for (int i = 0; i < 10; i++) {
            gate.failed("a.csv");
        }
        assertThat(gate.failed("a.csv")).isEqualTo(Duration.ofMinutes(10));
        gate.succeeded("a.csv");
        assertThat(gate.mayPickUp("a.csv")).isTrue();
    }
}
