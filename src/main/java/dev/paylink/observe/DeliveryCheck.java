package dev.paylink.observe;

import dev.paylink.Durations;
import dev.paylink.ledger.Deliveries;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.apache.camel.health.HealthCheckResultBuilder;

/**
 * {@code delivery}: the durable delivery queue (mail, webhooks) keeps up and nothing waits for a person. DOWN when there are
 * more dead deliveries than {@code paylink.observe.max-dead-letters} (a dead letter is an event a receiver never got: someone
 * must look at it and replay it), more PENDING ones than {@code max-pending-deliveries}, or the oldest PENDING one was queued
 * longer ago than {@code max-pending-age}. The counts per output are in the details. Readiness only: a restart does not
 * deliver anything.
 */
final class DeliveryCheck extends PaylinkCheck {

    private final Supplier<Counts.Snapshot> counts;
    private final ObserveSettings settings;

    DeliveryCheck(Supplier<Counts.Snapshot> counts, ObserveSettings settings) {
        super("delivery", false);
        this.counts = counts;
        this.settings = settings;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        Counts.Snapshot s = counts.get();
        if (s.failure() != null) {
            builder.message("the delivery queue cannot be read: " + s.failure()).down();
            return;
        }
        long dead = 0;
        long pending = 0;
        double oldest = 0;
        TreeSet<String> outputs = new TreeSet<>();
        s.deliveries().forEach(b -> outputs.add(b.output()));
        for (String output : outputs) {
            long d = s.deliveries(output, Deliveries.DEAD);
            long p = s.deliveries(output, Deliveries.PENDING);
            double age = s.oldestPendingSeconds(output);
            builder.detail(output + ".dead", d).detail(output + ".pending", p).detail(output + ".oldest-pending-seconds", (long) age);
            dead += d;
            pending += p;
            oldest = Math.max(oldest, age);
        }
        builder.detail("dead", dead).detail("pending", pending).detail("max-dead-letters", settings.maxDeadLetters())
                .detail("max-pending-deliveries", settings.maxPendingDeliveries())
                .detail("max-pending-age-seconds", settings.maxPendingAge().toSeconds());

        List<String> problems = new ArrayList<>();
        if (dead > settings.maxDeadLetters()) {
            problems.add(dead + " dead " + (dead == 1 ? "delivery" : "deliveries") + " (" + perOutput(s, outputs, Deliveries.DEAD)
                    + "), more than the " + settings.maxDeadLetters() + " of paylink.observe.max-dead-letters: see outbox/deadletter, replay them");
        }
        if (pending > settings.maxPendingDeliveries()) {
            problems.add(pending + " pending deliveries (" + perOutput(s, outputs, Deliveries.PENDING) + "), more than the "
                    + settings.maxPendingDeliveries() + " of paylink.observe.max-pending-deliveries");
        }
        if (oldest > settings.maxPendingAge().toSeconds()) {
            problems.add("the oldest pending delivery was queued " + Durations.spoken(Duration.ofSeconds((long) oldest))
                    + " ago, longer than the " + Durations.spoken(settings.maxPendingAge()) + " of paylink.observe.max-pending-age");
        }
        if (problems.isEmpty()) {
            builder.up();
        } else {
            builder.message(String.join("; ", problems)).down();
        }
    }

    private static String perOutput(Counts.Snapshot s, TreeSet<String> outputs, String state) {
        List<String> parts = new ArrayList<>();
        for (String output : outputs) {
            long n = s.deliveries(output, state);
            if (n > 0) {
                parts.add(output + " " + n);
            }
        }
        return String.join(", ", parts);
    }
}
