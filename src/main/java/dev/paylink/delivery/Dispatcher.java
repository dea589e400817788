package dev.paylink.delivery;

import dev.paylink.ledger.Deliveries;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends due deliveries of one output at a time; each output has its own threads and its own timer route, so a
 * mail server that is down never holds up webhooks (or the reverse). A failed try is retried with exponential
 * back-off (a receiver's Retry-After wins when longer); after the last attempt, or at once for a permanent
 * failure, the delivery is dead and written to the dead-letter folder. Nothing is dropped silently.
 */
public class Dispatcher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);

    /**
     * @param maxAttempts  tries in all before a delivery is dead (default 6)
     * @param firstBackoff wait after the first failed try; doubled after each further one
     * @param maxBackoff   the longest wait between tries
     * @param batch        deliveries taken per output per tick
     */
    public record Settings(int maxAttempts, Duration firstBackoff, Duration maxBackoff, int concurrency, int batch) {
    }

    private final Deliveries queue;
    private final Map<String, Output> outputs;
    private final DeadLetters deadLetters;
    private final Settings settings;
    private final Clock clock;
    private final Map<String, ExecutorService> pools;

    public Dispatcher(Deliveries queue, Map<String, Output> outputs, DeadLetters deadLetters, Settings settings, Clock clock) {
        this.queue = queue;
        this.outputs = outputs;
        this.deadLetters = deadLetters;
        this.settings = settings;
        this.clock = clock;
        this.pools = new java.util.HashMap<>();
        outputs.keySet().forEach(name -> pools.put(name, Executors.newFixedThreadPool(settings.concurrency(), r -> {
            Thread t = new Thread(r, "deliver-" + name);
            t.setDaemon(true);
            return t;
        })));
    }

    /** One tick for one output: sends what is due, in parallel; returns how many tries were made. */
    public int dispatch(String output) throws InterruptedException {
        Output out = outputs.get(output);
        if (out == null) {
            return 0;
        }
        List<Delivery> due = queue.due(output, clock.instant(), settings.batch());
        if (due.isEmpty()) {
            return 0;
        }
        List<Callable<Void>> tries = new ArrayList<>();
        for (Delivery d : due) {
            tries.add(() -> {
                attempt(out, d);
                return null;
            });
        }
        for (Future<Void> f : pools.get(output).invokeAll(tries)) {
            try {
                f.get();
            } catch (ExecutionException e) {
                LOG.error("a {} delivery failed unexpectedly; it stays due", output, e.getCause());
            }
        }
        return due.size();
    }

    private void attempt(Output out, Delivery d) {
        DeliveryResult result;
        try {
            result = out.deliver(d);
        } catch (RuntimeException e) {
            result = new DeliveryResult.Retry("unexpected " + e, null);
        }
        Instant now = clock.instant();
        int attempts = d.attempts() + 1;
        if (result instanceof DeliveryResult.Delivered ok) {
            queue.delivered(d.id(), now);
            LOG.debug("{} {} {} delivered to {}: {}", d.output(), d.eventType(), d.eventId(), DeadLetters.safeTarget(d.target()), ok.detail());
        } else if (result instanceof DeliveryResult.Retry retry && attempts < settings.maxAttempts()) {
            Duration wait = backoff(attempts);
            if (retry.retryAfter() != null && retry.retryAfter().compareTo(wait) > 0) {
                wait = retry.retryAfter().compareTo(settings.maxBackoff()) > 0 ? settings.maxBackoff() : retry.retryAfter();
            }
            queue.retryAt(d.id(), retry.error(), now.plus(wait), now);
            LOG.warn("{} of {} {} to {} failed (attempt {} of {}): {}; next try in {}", d.output(), d.eventType(), d.eventId(),
                    DeadLetters.safeTarget(d.target()), attempts, settings.maxAttempts(), retry.error(), wait);
        } else {
            String error = result instanceof DeliveryResult.Retry r ? r.error() : ((DeliveryResult.Failed) result).error();
            queue.dead(d.id(), error, now);
            deadLetters.write(d, attempts, error);
        }
    }

    /** Wait after the n-th failed try: first, 2×first, 4×first … capped. */
    Duration backoff(int failedTries) {
        Duration wait = settings.firstBackoff();
        for (int i = 1; i < failedTries && wait.compareTo(settings.maxBackoff()) < 0; i++) {
            wait = wait.multipliedBy(2);
        }
        return wait.compareTo(settings.maxBackoff()) > 0 ? settings.maxBackoff() : wait;
    }

    @Override
    public void close() {
        pools.values().forEach(ExecutorService::shutdownNow);
    }
}
