package dev.paylink.enrichment;

import dev.paylink.Durations;
import dev.paylink.events.Event;
import dev.paylink.events.EventSink;
import dev.paylink.events.EventTypes;
import dev.paylink.events.PaymentEventData;
import dev.paylink.ledger.TrackedLink;
import dev.paylink.ledger.TrackedLinks;
import dev.paylink.smartpay.LinkLookup;
import dev.paylink.smartpay.PaymentLinkSnapshot;
import dev.paylink.smartpay.PaymentStatusClass;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The steps of one enrichment cycle (routes/enrichment.camel.yaml): the tracked links that are due, what each look-up
 * came to (stored, an event when a status changes, the next look scheduled), and the cycle's end (reports, summary).
 * The route looks the links up in parallel (the "enrichment" thread pool profile), at most max-requests-per-second
 * (Throttle EIP). A link that does not change is looked at less and less often (interval doubling up to a maximum);
 * polling stops at a final state (paid, cancelled) or once expiry + grace has passed. Refused credentials pause the
 * cycle: nothing else is asked.
 */
public class Enrichment {

    private static final Logger LOG = LoggerFactory.getLogger(Enrichment.class);

    private final TrackedLinks links;
    private final EventSink events;
    private final PaymentReports reports;
    private final EnrichmentSettings settings;
    private final Clock clock;
    private volatile boolean paused;

    /** What a cycle did. */
    public record CycleSummary(int due, int lookedUp, int changed, int failed, int notFound, boolean paused) {
    }

    /**
     * One cycle's state, in the exchange property {@code paylinkCycle}: the split's sub-exchanges share this one
     * object, so it is thread-safe.
     */
    public static final class Cycle {
        private final List<TrackedLink> due;
        private final AtomicBoolean refused = new AtomicBoolean();
        private final AtomicInteger lookedUp = new AtomicInteger();
        private final AtomicInteger changed = new AtomicInteger();
        private final AtomicInteger failed = new AtomicInteger();
        private final AtomicInteger notFound = new AtomicInteger();
        private final Map<Long, String> touchedFiles = new TreeMap<>();

        Cycle(List<TrackedLink> due) {
            this.due = List.copyOf(due);
        }

        /** The links to look up, in the order the ledger gave them. */
        public List<TrackedLink> getLinks() {
            return due;
        }

        /** Whether the provider refused the credentials in this cycle: the links not yet asked for are left alone. */
        public boolean isRefused() {
            return refused.get();
        }

        private void touched(TrackedLink link) {
            synchronized (touchedFiles) {
                touchedFiles.put(link.fileId(), link.fileName());
            }
        }
    }

    /** Each look-up's outcome (found, not_found, unauthorized, failed), e.g. to a metric. */
    private volatile java.util.function.Consumer<String> outcomes = outcome -> { };

    /** Where each look-up's outcome is counted: {@code paylink_enrichment_requests_total{outcome}} (EnrichmentWiring). */
    public void countOutcomes(java.util.function.Consumer<String> outcomes) {
        this.outcomes = outcomes;
    }

    private static String outcome(LinkLookup result) {
        if (result instanceof LinkLookup.Found) {
            return "found";
        } else if (result instanceof LinkLookup.NotFound) {
            return "not_found";
        } else if (result instanceof LinkLookup.AuthFailed) {
            return "unauthorized";
        }
        return "failed";
    }

    public Enrichment(TrackedLinks links, EventSink events, PaymentReports reports, EnrichmentSettings settings, Clock clock) {
        this.links = links;
        this.events = events;
        this.reports = reports;
        this.settings = settings;
        this.clock = clock;
    }

    /** A cycle begins: the links that are due now (OPEN and their next check reached), at most max-links-per-cycle. */
    public Cycle due() {
        return new Cycle(links.due(clock.instant(), settings.maxLinksPerCycle()));
    }

    /** One link's look-up came back: stored, counted, reported; refused credentials pause enrichment. */
    public void record(Cycle cycle, TrackedLink link, LinkLookup result) {
        cycle.lookedUp.incrementAndGet();
        outcomes.accept(outcome(result));
        Instant now = clock.instant();
        if (result instanceof LinkLookup.Found found) {
            if (apply(link, found.snapshot(), now)) {
                cycle.changed.incrementAndGet();
            }
        } else if (result instanceof LinkLookup.NotFound nf) {
            cycle.notFound.incrementAndGet();
            links.recordNotFound(link.paymentLinkId(), nf.message(), now);
            LOG.warn("payment link {} ({} line {}): not found at the provider, no longer tracked: {}",
                    link.paymentLinkId(), link.fileName(), link.line(), nf.message());
        } else if (result instanceof LinkLookup.AuthFailed af) {
            cycle.refused.set(true);
            pause(af);
            return;
        } else {
            cycle.failed.incrementAndGet();
            Duration wait = backoff(settings.firstInterval(), link.failures() + 1);
            links.recordFailure(link.paymentLinkId(), ((LinkLookup.Failed) result).message(), wait, now.plus(wait), now);
            LOG.warn("payment link {}: look-up failed, next try in {}: {}", link.paymentLinkId(), Durations.spoken(wait),
                    ((LinkLookup.Failed) result).message());
        }
        cycle.touched(link);
    }

    /** A link's look-up or its recording failed for an unexpected reason (a bug, the ledger down): it stays due. */
    public void failedUnexpectedly(TrackedLink link, Exception e) {
        LOG.error("enrichment of payment link {} failed unexpectedly; it stays due", link == null ? "?" : link.paymentLinkId(), e);
    }

    /** The cycle is over: its unused claims let go, reports of the files it touched, the summary line, and the end of a pause if the provider answered. */
    public CycleSummary endCycle(Cycle cycle) {
        // The links the cycle took but did not look up (credentials refused, a failure of its own) are due again at once.
        links.release();
        if (cycle.due.isEmpty()) {
            return new CycleSummary(0, 0, 0, 0, 0, paused);
        }
        if (!cycle.isRefused() && paused && cycle.lookedUp.get() > 0) {
            paused = false;
            LOG.info("Enrichment resumed: the provider accepts the credentials again");
        }
        cycle.touchedFiles.forEach(reports::write);
        CycleSummary summary = new CycleSummary(cycle.due.size(), cycle.lookedUp.get(), cycle.changed.get(), cycle.failed.get(),
                cycle.notFound.get(), cycle.isRefused());
        LOG.info("enrichment cycle: {} due, {} looked up, {} changed, {} failed, {} not found{}", summary.due(), summary.lookedUp(),
                summary.changed(), summary.failed(), summary.notFound(), summary.paused() ? "; PAUSED (credentials refused)" : "");
        return summary;
    }

    /** Stores a look-up and schedules the next; returns whether the status changed. */
    private boolean apply(TrackedLink link, PaymentLinkSnapshot s, Instant now) {
        PaymentStatusClass cls = s.statusClass();
        Instant expiry = s.expiryDate();
        if (expiry != null && now.isAfter(expiry) && cls != PaymentStatusClass.PAID && cls != PaymentStatusClass.CANCELLED) {
            cls = PaymentStatusClass.EXPIRED;
        }
        boolean pastGrace = expiry != null && now.isAfter(expiry.plus(settings.graceAfterExpiry()));
        boolean done = cls == PaymentStatusClass.PAID || cls == PaymentStatusClass.CANCELLED || pastGrace;
        boolean firstLook = link.statusClass() == null;
        boolean changed = firstLook || link.statusClass() != cls || !Objects.equals(link.statusRaw(), s.rawStatus());
        Duration interval = changed || link.interval().isZero() ? settings.firstInterval() : min(link.interval().multipliedBy(2), settings.maxInterval());
        Instant next = now.plus(interval);
        if (expiry != null) {
            // Look again right when the link expires, and when its grace ends, rather than long after.
            Instant deadline = now.isBefore(expiry) ? expiry : expiry.plus(settings.graceAfterExpiry());
            if (next.isAfter(deadline) && deadline.isAfter(now)) {
                next = deadline.plusSeconds(1);
            }
        }
        // Events first, then the new state: a crash in between re-emits (same ids) rather than losing the change.
        if (changed) {
            emit(link, s, cls, firstLook);
        }
        links.recordFound(link.paymentLinkId(), s, cls, done ? TrackedLinks.DONE : TrackedLinks.OPEN, interval, done ? null : next, now);
        return changed && !firstLook;
    }

    private void emit(TrackedLink link, PaymentLinkSnapshot s, PaymentStatusClass cls, boolean firstLook) {
        PaymentEventData data = new PaymentEventData(link.paymentLinkId(), link.entryKey(), link.fileName(), link.line(),
                link.statusRaw(), link.statusClass() == null ? null : link.statusClass().name(), s.rawStatus(), cls.name(),
                s.amount(), s.currency(), s.expiryDate(), s.consumerName(), s.consumerEmail(), s.paymentUrl(), s.latestTransactionId());
        // Ids follow from the link and its check, so an event emitted again after a crash is delivered once.
        String identity = link.paymentLinkId() + "|" + link.checks() + "|" + s.rawStatus() + "|" + cls;
        List<Event<?>> out = new ArrayList<>();
        if (!firstLook) {
            out.add(Event.stable(EventTypes.PAYMENT_STATUS_CHANGED, identity, data, clock));
            LOG.info("payment link {} ({} line {}): {} -> {}", link.paymentLinkId(), link.fileName(), link.line(),
                    describe(link.statusRaw(), link.statusClass()), describe(s.rawStatus(), cls));
        }
        boolean classChanged = link.statusClass() != cls;
        if (classChanged && cls == PaymentStatusClass.PAID) {
            out.add(Event.stable(EventTypes.PAYMENT_PAID, identity, data, clock));
        } else if (classChanged && cls == PaymentStatusClass.EXPIRED) {
            out.add(Event.stable(EventTypes.PAYMENT_EXPIRED, identity, data, clock));
        }
        events.publishAll(out);
    }

    private void pause(LinkLookup.AuthFailed af) {
        if (!paused) {
            paused = true;
            LOG.error("ENRICHMENT PAUSED: the payment-link provider refused our credentials (HTTP {}): {}. Check "
                    + "paylink.smartpay.auth and its keys (PAYLINK_SMARTPAY_MERCHANT_KEY / _AUTHENTICATION_KEY, or _CLIENT_ID / "
                    + "_CLIENT_SECRET) and restart; links keep their schedule and nothing is lost. The next cycle tries again.",
                    af.httpStatus(), af.message());
        }
    }

    private static String describe(String raw, PaymentStatusClass cls) {
        return cls == null ? "(new)" : (raw == null ? "no transaction" : raw) + " [" + cls + "]";
    }

    private Duration backoff(Duration first, int failures) {
        Duration wait = first;
        for (int i = 1; i < failures && wait.compareTo(settings.maxInterval()) < 0; i++) {
            wait = wait.multipliedBy(2);
        }
        return min(wait, settings.maxInterval());
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    public boolean paused() {
        return paused;
    }
}
