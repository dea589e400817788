package dev.paylink.observe;

import dev.paylink.flow.IntakeGate;
import dev.paylink.ledger.Deliveries;
import dev.paylink.ledger.EntryState;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * The application's own gauges, next to what camel-micrometer measures per route and endpoint. In Prometheus names:
 * <ul>
 * <li>{@code paylink_rows{status}}: rows of all files by status (ledger entries RECEIVED, SENDING, CREATED, REJECTED,
 * UNCERTAIN, TRACKED; rows without an entry INVALID, DUPLICATE);</li>
 * <li>{@code paylink_uncertain_open}: UNCERTAIN entries waiting for a person's resolution drop;</li>
 * <li>{@code paylink_sending_paused{kind}}: 1 for the kind of the current pause (needs-action, outage, stopping), else 0;</li>
 * <li>{@code paylink_deliveries{output,state}}: PENDING and DEAD deliveries per output (mail, webhook);</li>
 * <li>{@code paylink_deliveries_oldest_pending_seconds{output}}: how long the oldest PENDING delivery has waited;</li>
 * <li>{@code paylink_tracked_links_open}: payment links still polled at SmartPay (only while enrichment is on).</li>
 * </ul>
 * Database counts come from {@link Counts}, read once per its cache time however often they are scraped.
 */
final class PaylinkMetrics {

    /** Row statuses that always have a series, 0 until a row has them. */
    static final List<String> STATUSES;
    static final List<String> PAUSE_KINDS = List.of("needs-action", "outage", "stopping");
    /** The outputs fed from the delivery queue; another one found in it gets its series when first seen. */
    static final List<String> OUTPUTS = List.of("mail", "webhook");

    static {
        List<String> s = new ArrayList<>();
        for (EntryState e : EntryState.values()) {
            s.add(e.name());
        }
        s.add("INVALID");
        s.add("DUPLICATE");
        STATUSES = List.copyOf(s);
    }

    /**
     * Histogram buckets of the route and endpoint timers, in nanoseconds: 10 ms to 2 min (an onOffice request may take up to
     * its request timeout, 60 s by default), 13 buckets a series rather than Micrometer's ~70 of a percentile histogram.
     */
    private static final double[] LATENCY_BUCKETS = java.util.stream.Stream.of(Duration.ofMillis(10), Duration.ofMillis(25),
            Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1),
            Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(60),
            Duration.ofSeconds(120)).mapToDouble(d -> (double) d.toNanos()).toArray();

    private final MeterRegistry registry;
    private final Supplier<Counts.Snapshot> counts;
    private final Set<String> outputs = new LinkedHashSet<>();

    private PaylinkMetrics(MeterRegistry registry, Supplier<Counts.Snapshot> counts) {
        this.registry = registry;
        this.counts = counts;
    }

    static void register(MeterRegistry registry, Supplier<Counts.Snapshot> counts, Supplier<Optional<IntakeGate.PauseState>> gate,
                         boolean enrichment) {
        PaylinkMetrics m = new PaylinkMetrics(registry, counts);
        for (String status : STATUSES) {
            m.gauge("paylink.rows", "Rows of all files by status", s -> s.rows(status), Tag.of("status", status));
        }
        m.gauge("paylink.uncertain.open", "UNCERTAIN rows waiting for a person's decision", s -> s.rows(EntryState.UNCERTAIN.name()));
        for (String kind : PAUSE_KINDS) {
            Gauge.builder("paylink.sending.paused", gate, g -> g.get().filter(p -> p.kind().equals(kind)).isPresent() ? 1 : 0)
                    .description("1 while sending to onOffice is paused, by the kind of pause").tag("kind", kind).strongReference(true)
                    .register(registry);
        }
        OUTPUTS.forEach(m::output);
        if (enrichment) {
            m.gauge("paylink.tracked.links.open", "Payment links still polled at SmartPay", Counts.Snapshot::trackedOpen);
        }
    }

    private void gauge(String name, String description, ToDoubleFunction<Counts.Snapshot> value, Tag... tags) {
        gauge(name, description, null, value, tags);
    }

    private void gauge(String name, String description, String unit, ToDoubleFunction<Counts.Snapshot> value, Tag... tags) {
        Gauge.builder(name, this, m -> m.read(value)).description(description).baseUnit(unit).tags(List.of(tags)).strongReference(true)
                .register(registry);
    }

    /**
     * NaN while the database cannot be read: no made-up zero. An output first seen in the queue gets its series here, during
     * a scrape, so they appear from the next scrape on.
     */
    private double read(ToDoubleFunction<Counts.Snapshot> value) {
        Counts.Snapshot s = counts.get();
        if (s.failure() != null) {
            return Double.NaN;
        }
        s.deliveries().forEach(b -> output(b.output()));
        return value.applyAsDouble(s);
    }

    private synchronized void output(String output) {
        if (!outputs.add(output)) {
            return;
        }
        for (String state : List.of(Deliveries.PENDING, Deliveries.DEAD)) {
            gauge("paylink.deliveries", "Deliveries waiting (PENDING) or given up (DEAD), per output", s -> s.deliveries(output, state),
                    Tag.of("output", output), Tag.of("state", state));
        }
        gauge("paylink.deliveries.oldest.pending", "How long the oldest PENDING delivery of an output has waited", "seconds",
                s -> s.oldestPendingSeconds(output), Tag.of("output", output));
    }

    /**
     * Two adjustments to the meters camel-micrometer makes: route timers ({@code camel.route.policy}) and endpoint timers
     * ({@code camel.exchange.event.notifier}; ExchangeSentEvent for an exchange sent to an endpoint) publish histogram buckets ({@code _bucket} series), so
     * Prometheus can compute p50/p95 latencies (of the {@code onoffice-batch} route and its HTTP call, for one); and an
     * endpoint URI in a tag never carries user info or a password.
     */
    static MeterFilter camelMeters(Redactor redactor) {
        return new MeterFilter() {
            @Override
            public Meter.Id map(Meter.Id id) {
                if (!id.getName().startsWith("camel.")) {
                    return id;
                }
                List<Tag> tags = new ArrayList<>();
                boolean changed = false;
                for (Tag t : id.getTagsAsIterable()) {
                    String clean = t.getValue().contains("://") || t.getValue().contains("password") ? redactor.clean(t.getValue()) : t.getValue();
                    changed |= !clean.equals(t.getValue());
                    tags.add(Tag.of(t.getKey(), clean));
                }
                return changed ? id.replaceTags(tags) : id;
            }

            @Override
            public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
                // Every timer of a name, not only some: Prometheus allows one type per name, and a scrape that met a histogram
                // and a summary under camel_exchange_event_notifier_seconds failed with a ClassCastException.
                if (!id.getName().equals("camel.route.policy") && !id.getName().equals("camel.exchange.event.notifier")) {
                    return config;
                }
                return DistributionStatisticConfig.builder().serviceLevelObjectives(LATENCY_BUCKETS).build().merge(config);
            }
        };
    }
}
