package dev.paylink.delivery;

import dev.paylink.Durations;
import dev.paylink.ledger.Deliveries;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.camel.spi.ExecutorServiceManager;
import org.apache.camel.spi.ThreadPoolProfile;
import org.apache.camel.util.concurrent.ThreadPoolRejectedPolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends due deliveries, each try through its output's route ({@link RouteOutput}, {@code direct:output-<name>}). Every
 * output has its own Camel thread pool, so a mail server that is down never holds up webhooks (or the reverse). Within the webhook output every endpoint has its own <em>lane</em>: its own
 * queue of due deliveries and at most {@code concurrency} of them in flight. A timer tick only tops lanes up and
 * returns at once; it never waits for a receiver. So an endpoint that hangs until the timeout, with a backlog, never
 * delays another endpoint by more than a poll interval.
 *
 * <p>A failed try is retried with exponential back-off; a receiver's Retry-After wins when longer, up to
 * {@code maxRetryAfter}. After the last attempt, or at once for a permanent failure, the delivery is dead and written
 * to the dead-letter folder. Nothing is dropped silently. Each failed try is one WARN line, a dead delivery one ERROR.
 *
 * <p>Several instances may send from one queue (a PostgreSQL ledger): a lane takes deliveries by claiming them
 * ({@link Deliveries#claimDue}), renews the claim as a try starts (a try whose claim was taken over does not start),
 * and records the outcome only under its claim, so with all instances alive each delivery goes out once, and one dead
 * delivery is one dead letter. Claims still held when the dispatcher closes are let go for the other instances.
 */
public class Dispatcher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);
    /** The default ceiling of a receiver's Retry-After ({@code paylink.deliver.max-retry-after}). */
    public static final Duration DEFAULT_MAX_RETRY_AFTER = Duration.ofHours(1);
    /** How long {@link #close()} lets tries in flight end on their own. */
    static final Duration GRACE = Duration.ofSeconds(5);

    /**
     * @param maxAttempts   tries in all before a delivery is dead (default 6)
     * @param firstBackoff  wait after the first failed try; doubled after each further one
     * @param maxBackoff    the longest wait between tries of the back-off
     * @param maxRetryAfter the longest wait a receiver's Retry-After can ask for
     * @param concurrency   deliveries in flight at most per lane (per webhook endpoint; for mail, in all)
     * @param batch         deliveries a lane holds ready at most
     */
    public record Settings(int maxAttempts, Duration firstBackoff, Duration maxBackoff, Duration maxRetryAfter, int concurrency, int batch) {

        public Settings(int maxAttempts, Duration firstBackoff, Duration maxBackoff, int concurrency, int batch) {
            this(maxAttempts, firstBackoff, maxBackoff, DEFAULT_MAX_RETRY_AFTER, concurrency, batch);
        }
    }

    private final Deliveries queue;
    private final Map<String, Output> outputs;
    private final DeadLetters deadLetters;
    private final Settings settings;
    private final Clock clock;
    private final ExecutorServiceManager executors;
    private final Map<String, ExecutorService> pools = new ConcurrentHashMap<>();
    private final Map<String, Lane> lanes = new ConcurrentHashMap<>();
    private volatile boolean closed;

    /**
     * @param executors Camel's: every output gets a pool of its own ({@link #profile}), shut down by {@link #close()}
     * @param lanes     per output, how many lanes it may have at once (webhook: its endpoints); bounds its pool
     */
    public Dispatcher(Deliveries queue, Map<String, Output> outputs, DeadLetters deadLetters, Settings settings, Clock clock,
                      ExecutorServiceManager executors, Map<String, Integer> lanes) {
        this.queue = queue;
        this.outputs = outputs;
        this.deadLetters = deadLetters;
        this.settings = settings;
        this.clock = clock;
        this.executors = executors;
        outputs.keySet().forEach(name -> pools.put(name,
                executors.newThreadPool(this, "deliver-" + name, profile(name, settings.concurrency() * lanes.getOrDefault(name, 1)))));
    }

    /**
     * Threads come and go with the work, at most {@code max}: the lanes' in-flight limits keep below it; a try the pool
     * refuses stays PENDING for the next tick. Camel's DefaultThreadPoolFactory 4.18 turns poolSize 0 with no queue into
     * a single thread (core and max 1), so the core is 1 and times out.
     */
    static ThreadPoolProfile profile(String output, int max) {
        ThreadPoolProfile p = new ThreadPoolProfile("paylink-deliver-" + output);
        p.setPoolSize(1);
        p.setMaxPoolSize(Math.max(1, max));
        p.setMaxQueueSize(0);
        p.setKeepAliveTime(30L);
        p.setTimeUnit(TimeUnit.SECONDS);
        p.setAllowCoreThreadTimeOut(true);
        p.setRejectedPolicy(ThreadPoolRejectedPolicy.Abort);
        return p;
    }

    /** One tick of the delivery timer: {@link #tick(String)} for every output. */
    public int tick() {
        int n = 0;
        for (String output : outputs.keySet()) {
            try {
                n += tick(output);
            } catch (RuntimeException e) {
                // one output's trouble (its ledger query) never keeps the others from their tick
                LOG.warn("{} deliveries: could not look for due ones: {}", output, e.toString());
            }
        }
        return n;
    }

    /**
     * One tick of the output's timer: tops up the lane of every target with due deliveries and starts what the lanes'
     * limits allow. Returns at once; returns how many deliveries were newly taken up.
     */
    public int tick(String output) {
        return takeUp(output, null);
    }

    /** A tick that waits until the deliveries it took up have been tried once (a command-line send, tests). */
    public int dispatch(String output) throws InterruptedException {
        List<CompletableFuture<Void>> taken = new ArrayList<>();
        int n = takeUp(output, taken);
        try {
            CompletableFuture.allOf(taken.toArray(CompletableFuture[]::new)).get();
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
        return n;
    }

    private int takeUp(String output, List<CompletableFuture<Void>> taken) {
        Output out = outputs.get(output);
        if (out == null || closed) {
            return 0;
        }
        Instant now = clock.instant();
        List<String> targets = out.isolatesTargets() ? queue.dueTargets(output, now) : java.util.Collections.singletonList(null);
        int n = 0;
        for (String target : targets) {
            n += lanes.computeIfAbsent(output + "\u0000" + target, k -> new Lane(out, target)).fill(now, taken);
        }
        return n;
    }

    /** The deliveries of one output and target (or of a whole output): a queue and an in-flight limit of their own. */
    private final class Lane {

        private final Output out;
        /** null: every target of the output. */
        private final String target;
        private final ArrayDeque<Job> ready = new ArrayDeque<>();
        /** Ready or in flight, by delivery id: never taken up twice. */
        private final Map<Long, Job> held = new HashMap<>();
        private int inFlight;
        /** The last look found as many due as it asked for: there may be more. */
        private boolean more;

        Lane(Output out, String target) {
            this.out = out;
            this.target = target;
        }

        /**
         * Claims due deliveries, up to the batch, and starts what the limit allows. The claim is made under the lane's
         * lock, after finished tries have written their outcome: a delivery is never taken twice. One that is held here
         * still (its claim lapsed while it waited or was tried) keeps its job, under the new claim.
         */
        synchronized int fill(Instant now, List<CompletableFuture<Void>> taken) {
            int room = settings.batch() - ready.size();
            int added = 0;
            if (room > 0) {
                List<Delivery> due = queue.claimDue(out.name(), target, now, room);
                more = due.size() == room;
                for (Delivery d : due) {
                    Job job = held.get(d.id());
                    if (job != null) {
                        job.delivery = d;
                        continue;
                    }
                    job = new Job(d, new CompletableFuture<>());
                    held.put(d.id(), job);
                    ready.add(job);
                    if (taken != null) {
                        taken.add(job.done);
                    }
                    added++;
                }
            }
            start();
            return added;
        }

        private void start() {
            while (inFlight < settings.concurrency() && !ready.isEmpty() && !closed) {
                Job job = ready.poll();
                inFlight++;
                try {
                    pools.get(out.name()).execute(() -> run(job));
                } catch (RejectedExecutionException e) {
                    // closing: the delivery stays PENDING in the ledger, its claim let go for another instance or the restart
                    inFlight--;
                    held.remove(job.delivery.id());
                    release(job);
                    job.done.complete(null);
                }
            }
        }

        private void run(Job job) {
            try {
                if (queue.renew(job.delivery, clock.instant())) {
                    attempt(out, job);
                } else {
                    LOG.info("{} delivery {} to {}: its claim lapsed and another instance took it over; not sent from here", out.name(),
                            job.delivery.id(), out.describe(job.delivery.target()));
                }
            } catch (RuntimeException e) {
                LOG.error("{} delivery {} to {} failed unexpectedly; it stays due", out.name(), job.delivery.id(),
                        out.describe(job.delivery.target()), e);
            } finally {
                synchronized (this) {
                    inFlight--;
                    held.remove(job.delivery.id());
                    if (ready.isEmpty() && more && !closed) {
                        // a backlog: top up now rather than at the next tick
                        try {
                            fill(clock.instant(), null);
                        } catch (RuntimeException e) {
                            LOG.warn("{} deliveries to {}: could not look for more due ones: {}", out.name(), out.describe(target), e.toString());
                        }
                    } else {
                        start();
                    }
                }
                job.done.complete(null);
            }
        }

        /** Closing: the claims of deliveries that wait in the lane are let go, so another instance sends them now. */
        synchronized void releaseWaiting() {
            for (Job job = ready.poll(); job != null; job = ready.poll()) {
                held.remove(job.delivery.id());
                release(job);
                job.done.complete(null);
            }
        }
    }

    /** A delivery a lane holds; {@code delivery} carries the claim it is held under (renewed when it lapsed meanwhile). */
    private static final class Job {
        volatile Delivery delivery;
        final CompletableFuture<Void> done;

        Job(Delivery delivery, CompletableFuture<Void> done) {
            this.delivery = delivery;
            this.done = done;
        }
    }

    private void release(Job job) {
        try {
            queue.release(job.delivery);
        } catch (RuntimeException e) {
            LOG.debug("claim of delivery {} not let go ({}); it lapses by itself", job.delivery.id(), e.toString());
        }
    }

    private void attempt(Output out, Job job) {
        Delivery d = job.delivery;
        DeliveryResult result;
        try {
            result = out.deliver(d);
        } catch (RuntimeException e) {
            result = new DeliveryResult.Retry("unexpected " + e, null);
        }
        Instant now = clock.instant();
        int attempts = d.attempts() + 1;
        // the outcome under the job's claim as it is now (taken anew here if it lapsed during the try)
        Delivery held = job.delivery;
        if (result instanceof DeliveryResult.Delivered ok) {
            if (!queue.delivered(held, now)) {
                notRecorded(out, d, "delivered");
                return;
            }
            LOG.debug("{} of {} {} delivered to {}: {}", d.output(), d.eventType(), d.eventId(), out.describe(d.target()), ok.detail());
        } else if (result instanceof DeliveryResult.Retry retry && attempts < settings.maxAttempts()) {
            Duration wait = backoff(attempts);
            String why = "";
            if (retry.retryAfter() != null) {
                Duration asked = retry.retryAfter();
                Duration granted = asked.compareTo(settings.maxRetryAfter()) > 0 ? settings.maxRetryAfter() : asked;
                if (granted.compareTo(wait) > 0) {
                    wait = granted;
                    why = granted.equals(asked) ? " (the receiver's Retry-After)"
                            : " (the receiver asked for " + Durations.spoken(asked) + "; paylink.deliver.max-retry-after caps it)";
                }
            }
            if (!queue.retryAt(held, retry.error(), now.plus(wait), now)) {
                notRecorded(out, d, "failed: " + retry.error());
                return;
            }
            LOG.warn("{} of {} {} to {} failed (try {} of {}): {}; next try in {}{}", d.output(), d.eventType(), d.eventId(),
                    out.describe(d.target()), attempts, settings.maxAttempts(), retry.error(), Durations.spoken(wait), why);
        } else {
            String error = result instanceof DeliveryResult.Retry r ? r.error() : ((DeliveryResult.Failed) result).error();
            if (!queue.dead(held, error, now)) {
                notRecorded(out, d, "given up: " + error);
                return;
            }
            deadLetters.write(d, attempts, error, out.describe(d.target()));
        }
    }

    /** The try outlasted its claim and another instance holds the delivery now: its outcome is that instance's to record. */
    private static void notRecorded(Output out, Delivery d, String outcome) {
        LOG.warn("{} of {} {} to {}: the try outlasted its claim ({}) and another instance holds the delivery now; this outcome "
                + "({}) is not recorded. Make paylink.cluster.delivery-lease longer than a try can take.", d.output(), d.eventType(),
                d.eventId(), out.describe(d.target()), d.claim(), outcome);
    }

    /** Wait after the n-th failed try: first, 2×first, 4×first … capped. */
    Duration backoff(int failedTries) {
        Duration wait = settings.firstBackoff();
        for (int i = 1; i < failedTries && wait.compareTo(settings.maxBackoff()) < 0; i++) {
            wait = wait.multipliedBy(2);
        }
        return wait.compareTo(settings.maxBackoff()) > 0 ? settings.maxBackoff() : wait;
    }

    /**
     * Starts nothing more, gives the tries in flight up to {@link #GRACE} to end on their own and record their outcome
     * (before the ledger closes), then interrupts the rest: an interrupted try stays PENDING and is made again after the
     * restart (receivers drop repeats by event id).
     */
    @Override
    public void close() {
        closed = true;
        lanes.values().forEach(Lane::releaseWaiting);
        // all stop taking work at once; then Camel's shutdownGraceful awaits each up to the grace and interrupts what is left
        pools.values().forEach(ExecutorService::shutdown);
        pools.values().forEach(pool -> executors.shutdownGraceful(pool, GRACE.toMillis()));
    }
}
