package dev.paylink.observe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.paylink.flow.IntakeGate;
import dev.paylink.ledger.Deliveries;
import dev.paylink.support.MutableClock;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The gauges read the database once per cache time, say NaN rather than 0 when they cannot, and follow the gate. */
class PaylinkMetricsTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T10:00:00Z"));
    private final AtomicInteger reads = new AtomicInteger();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private volatile boolean databaseDown;

    private Counts counts() {
        return new Counts(() -> {
            reads.incrementAndGet();
            if (databaseDown) {
                throw new IllegalStateException("ledger operation failed: connection refused");
            }
            return Map.of("CREATED", 7L, "UNCERTAIN", 2L, "INVALID", 1L);
        }, () -> List.of(new Deliveries.Backlog("webhook", "DEAD", 3, clock.instant().minusSeconds(90)),
                new Deliveries.Backlog("sms", "PENDING", 1, clock.instant().minusSeconds(30))), () -> 5L, Duration.ofSeconds(10), clock,
                new Redactor(List.of()));
    }

    private double gauge(String name, String... tags) {
        return registry.get(name).tags(tags).gauge().value();
    }

    @Test
    void everySeriesOfAScrapeComesFromOneReadingPerCacheTime() {
        Optional<IntakeGate.PauseState>[] pause = new Optional[] {Optional.empty()};
        PaylinkMetrics.register(registry, counts()::get, () -> pause[0], true);

        assertThat(gauge("paylink.rows", "status", "CREATED")).isEqualTo(7);
        assertThat(gauge("paylink.rows", "status", "REJECTED")).isZero();
        assertThat(gauge("paylink.rows", "status", "INVALID")).isEqualTo(1);
        assertThat(gauge("paylink.uncertain.open")).isEqualTo(2);
        assertThat(gauge("paylink.tracked.links.open")).isEqualTo(5);
        assertThat(gauge("paylink.deliveries", "output", "webhook", "state", "DEAD")).isEqualTo(3);
        assertThat(gauge("paylink.deliveries", "output", "mail", "state", "DEAD")).isZero();
        assertThat(gauge("paylink.deliveries.oldest.pending", "output", "webhook")).isZero();
        // An output first seen in the queue gets its series.
        assertThat(gauge("paylink.deliveries", "output", "sms", "state", "PENDING")).isEqualTo(1);
        assertThat(gauge("paylink.deliveries.oldest.pending", "output", "sms")).isEqualTo(30);
        assertThat(reads).hasValue(1);

        clock.advance(Duration.ofSeconds(10));
        assertThat(gauge("paylink.rows", "status", "CREATED")).isEqualTo(7);
        assertThat(reads).hasValue(2);

        assertThat(gauge("paylink.sending.paused", "kind", "outage")).isZero();
        pause[0] = Optional.of(new IntakeGate.PauseState("outage", "onOffice cannot be reached", false, null));
        assertThat(gauge("paylink.sending.paused", "kind", "outage")).isEqualTo(1);
        assertThat(gauge("paylink.sending.paused", "kind", "needs-action")).isZero();
    }

    @Test
    void aDatabaseThatCannotBeReadIsNaNNotZero() {
        PaylinkMetrics.register(registry, counts()::get, Optional::empty, false);
        databaseDown = true;

        assertThat(gauge("paylink.rows", "status", "CREATED")).isNaN();
        assertThat(registry.find("paylink.tracked.links.open").gauge()).as("enrichment off: no series").isNull();
    }

    @Test
    void camelTimersPublishBucketsAndEndpointTagsLoseTheirUserInfo() {
        registry.config().meterFilter(PaylinkMetrics.camelMeters(new Redactor(List.of())));

        Timer sent = Timer.builder("camel.exchange.event.notifier").tag("endpointName", "https://user:pw-secret@crm.example/hook")
                .tag("eventType", "ExchangeSentEvent").register(registry);
        sent.record(Duration.ofMillis(300));

        assertThat(registry.find("camel.exchange.event.notifier").tag("endpointName", "https://****@crm.example/hook").timer()).isNotNull();
        assertThat(sent.takeSnapshot().histogramCounts()).hasSize(13);
        assertThat(Timer.builder("camel.route.policy").tag("routeId", "onoffice-batch").register(registry).takeSnapshot().histogramCounts())
                .hasSize(13);
        assertThat(Timer.builder("other.timer").register(registry).takeSnapshot().histogramCounts()).isEmpty();
    }
}
