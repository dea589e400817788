package dev.paylink.flow;

import static org.assertj.core.api.Assertions.assertThat;

import dev.paylink.support.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
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
        assertThat(gate.paused()).as("only the probe's own row may leave, not a batch").isTrue();
        assertThat(gate.probing()).isTrue();
        assertThat(gate.mayPickUp("b.csv")).as("only one probe per pause period").isFalse();

        gate.pause("credentials refused", "fix them");
        assertThat(gate.paused()).isTrue();
        clock.advance(Duration.ofMinutes(5));
        assertThat(gate.mayPickUp("b.csv")).isTrue();
        gate.succeeded("b.csv");
        assertThat(gate.mayPickUp("a.csv")).as("a file that went through without a probe answered ends no pause").isFalse();
        gate.resumed("probe answered");
        assertThat(gate.paused()).isFalse();
        assertThat(gate.mayPickUp("a.csv")).isTrue();
    }

    @Test
    void anOutagePausesForTheOutageRetryDoublingPerFailedProbeUpToThePauseRetry() {
        IntakeGate outages = new IntakeGate(clock, Duration.ofMinutes(5), Duration.ofSeconds(30), Duration.ofSeconds(30));
        outages.pauseForOutage("onOffice is failing (HTTP 500)");
        assertThat(outages.paused()).isTrue();
        clock.advance(Duration.ofSeconds(29));
        assertThat(outages.probeNow("a.csv")).isFalse();
        clock.advance(Duration.ofSeconds(1));
        assertThat(outages.probeNow("a.csv")).isTrue();
        assertThat(outages.probeNow("b.csv")).as("one probe at a time").isFalse();
        assertThat(outages.readProbeFirst()).isTrue();

        // Each failed probe doubles the wait: 60 s, 120 s, 240 s, then 300 s (pause-retry) and a row is risked.
        for (Duration wait : List.of(Duration.ofSeconds(60), Duration.ofSeconds(120), Duration.ofSeconds(240), Duration.ofMinutes(5))) {
            outages.pauseForOutage("onOffice still fails");
            clock.advance(wait.minusSeconds(1));
            assertThat(outages.probeNow("a.csv")).isFalse();
            clock.advance(Duration.ofSeconds(1));
            assertThat(outages.probeNow("a.csv")).isTrue();
        }
        assertThat(outages.readProbeFirst()).as("reads kept failing for pause-retry: a row goes").isFalse();
        outages.resumed("probe answered");
        assertThat(outages.paused()).isFalse();
        assertThat(outages.readProbeFirst()).isFalse();
    }

    @Test
    void aPauseForCredentialsNeverProbesWithARead() {
        gate.pause("credentials refused", "fix them");
        clock.advance(Duration.ofMinutes(5));
        assertThat(gate.probeNow("a.csv")).isTrue();
        assertThat(gate.readProbeFirst()).isFalse();
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
