package dev.paylink.flow;

import dev.paylink.Durations;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.camel.component.file.GenericFile;
import org.apache.camel.component.file.GenericFileFilter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides which inbox files the intake route may pick up now. While sending is paused no file is picked up, so files
 * wait in the inbox untouched; when the pause has lasted its time, one pick-up is let through as a probe, whose first
 * request carries a single row ({@link SendQueue}). Two kinds of pause:
 * <ul>
 * <li>a person must act (credentials, clock, a malformed envelope): tried again after {@code retryAfter};</li>
 * <li>an outage (onOffice unreachable, or failing: 5xx, timeouts, broken answers): tried again after
 * {@code outageRetry}, twice as long after each failed probe, up to {@code retryAfter}.</li>
 * </ul>
 * A file whose processing failed for another reason (ledger down, a bug) waits with a growing back-off instead of
 * being retried in a tight loop.
 */
public class IntakeGate implements GenericFileFilter<Object> {

    private static final Logger LOG = LoggerFactory.getLogger(IntakeGate.class);
    private static final Duration MAX_FILE_BACKOFF = Duration.ofMinutes(10);

    private final Clock clock;
    private final Duration retryAfter;
    private final Duration outageRetry;
    private final Duration fileBackoff;
    private final Map<String, Backoff> failedFiles = new ConcurrentHashMap<>();
    private volatile Pause pause;
    private volatile boolean stopping;

    /**
     * While {@code probing}, one file has been let through to find out whether the cause is gone; {@code wait} is how
     * long this pause lasts ({@code pauseLength}), so a failed probe of an outage waits twice as long.
     */
    private record Pause(String reason, Instant until, boolean probing, Duration pauseLength, boolean outage) {
    }

    private record Backoff(Instant until, Duration last) {
    }

    public IntakeGate(Clock clock, Duration retryAfter, Duration fileBackoff) {
        this(clock, retryAfter, retryAfter, fileBackoff);
    }

    public IntakeGate(Clock clock, Duration retryAfter, Duration outageRetry, Duration fileBackoff) {
        this.clock = clock;
        this.retryAfter = retryAfter;
        this.outageRetry = min(outageRetry, retryAfter);
        this.fileBackoff = fileBackoff;
    }

    @Override
    public boolean accept(GenericFile<Object> file) {
        return file.isDirectory() || (mayPickUp(file.getFileName()) && !ownedElsewhere.test(file.getFileName()));
    }

    /**
     * Files another live instance owns (their read lock held and renewed): left out of the listing, so that this instance
     * picks the oldest file nobody owns instead of failing on the same owned one at every poll. The lock stays the judge.
     */
    public void ownedElsewhere(java.util.function.Predicate<String> owned) {
        this.ownedElsewhere = owned;
    }

    private volatile java.util.function.Predicate<String> ownedElsewhere = name -> false;

    /** Whether the file of that name may be picked up now. */
    public boolean mayPickUp(String fileName) {
        if (pause != null && !probeNow(fileName)) {
            return false;
        }
        Backoff b = failedFiles.get(fileName);
        return b == null || !clock.instant().isBefore(b.until());
    }

    /**
     * True for exactly one caller once a pause has run its time: that caller sends one row as the probe (a file let
     * through, or a resend waiting in the ledger). If the probe fails the same way, the pause starts again.
     */
    public synchronized boolean probeNow(String what) {
        Pause p = pause;
        Instant now = clock.instant();
        if (p == null || now.isBefore(p.until())) {
            return false;
        }
        pause = new Pause(p.reason(), now.plus(p.pauseLength()), true, p.pauseLength(), p.outage());
        LOG.info("Sending was paused ({}); trying again now, with {}", p.reason(), what);
        return true;
    }

    /** Pauses every pick-up until a person has fixed {@code whatToFix}; logs once per pause what that is. */
    public void pause(String reason, String whatToFix) {
        Pause before = pause;
        pause = new Pause(reason, clock.instant().plus(retryAfter), false, retryAfter, false);
        if (before == null || !before.reason().equals(reason)) {
            LOG.error("SENDING PAUSED: {}. {} Files stay in the inbox and nothing is lost; the next try is in {}.",
                    reason, whatToFix, Durations.spoken(retryAfter));
        }
    }

    /**
     * onOffice is unreachable or failing: pauses every pick-up, so that no new batch of any file leaves. The probe after
     * the pause is a harmless read, then one row ({@link BatchSender#probe}); each failed probe doubles the wait, up to
     * {@code retryAfter}. One ERROR line per outage.
     */
    public void pauseForOutage(String reason) {
        Pause before = pause;
        Duration wait = before != null && before.outage() && before.probing() ? min(before.pauseLength().multipliedBy(2), retryAfter)
                : before != null && before.outage() ? before.pauseLength() : outageRetry;
        pause = new Pause(reason, clock.instant().plus(wait), false, wait, true);
        if (before == null) {
            LOG.error("SENDING PAUSED: {}. No new batch is sent to onOffice; files stay in the inbox and nothing is lost. "
                    + "onOffice is asked again in {} (a harmless read, then one row), and sending resumes once it answers.",
                    reason, Durations.spoken(wait));
        } else if (before.probing()) {
            LOG.warn("Sending stays paused: the probe failed ({}); the next try is in {}", reason, Durations.spoken(wait));
        }
    }

    /** True while a probe is under way: the file let through sends one row before anything else. */
    public boolean probing() {
        Pause p = pause;
        return p != null && p.probing();
    }

    /**
     * True while probing after an outage whose pause has not reached {@code retryAfter}: a harmless read goes before
     * any row. Once reads have kept failing that long, a row is risked, in case the API fails reads but not links.
     */
    public boolean readProbeFirst() {
        Pause p = pause;
        return p != null && p.outage() && p.pauseLength().compareTo(retryAfter) < 0;
    }

    /**
     * Why sending is paused, for health checks and metrics: {@code kind} is {@code stopping}, {@code outage} (onOffice
     * unreachable or failing) or {@code needs-action} (credentials, clock, a malformed envelope); {@code reason} is the
     * logged reason (no secrets), {@code until} when the next probe may go.
     */
    public record PauseState(String kind, String reason, boolean probing, Instant until) {
    }

    /** Empty while sending runs. */
    public java.util.Optional<PauseState> pauseState() {
        Pause p = pause;
        if (stopping) {
            return java.util.Optional.of(new PauseState("stopping", "the application is stopping", false, null));
        }
        return p == null ? java.util.Optional.empty()
                : java.util.Optional.of(new PauseState(p.outage() ? "outage" : "needs-action", p.reason(), p.probing(), p.until()));
    }

    /** The probe was answered: sending resumes for every file. */
    public void resumed(String why) {
        if (pause != null) {
            pause = null;
            LOG.info("Sending resumed: {}", why);
        }
    }

    /**
     * A file went through: its back-off is forgotten. A pause is not over for that: only an answered probe ends it
     * ({@link #resumed}), since a file may go through without sending anything (all rows duplicates, or finished before).
     */
    public void succeeded(String fileName) {
        failedFiles.remove(fileName);
    }

    /** A file failed for a reason other than a pause: try it again later, waiting twice as long each time. */
    public Duration failed(String fileName) {
        Backoff next = failedFiles.compute(fileName, (name, b) -> {
            Duration wait = b == null ? fileBackoff : min(b.last().multipliedBy(2), MAX_FILE_BACKOFF);
            return new Backoff(clock.instant().plus(wait), wait);
        });
        return next.last();
    }

    /** As {@link #failed}, said for the log line of the intake route: {@code 30 s}, {@code 1 min}. */
    public String failedRetryIn(String fileName) {
        return Durations.spoken(failed(fileName));
    }

    /** The application is stopping: not even a probe leaves. */
    public boolean stopping() {
        return stopping;
    }

    /**
     * True while no batch may leave: paused (a probe under way included: only the probe's own row goes, through
     * {@link BatchSender#probe}), or the application is stopping.
     */
    public boolean paused() {
        return stopping || pause != null;
    }

    /**
     * The application is stopping: no new batch is handed out, batches in flight finish, and the file in progress
     * stays in the inbox with its unsent rows RECEIVED, to be resumed at the next start. Nothing becomes UNCERTAIN.
     */
    public void stop() {
        if (!stopping) {
            stopping = true;
            LOG.info("Stopping: no new batches are sent; a file in progress stays in the inbox and resumes at the next start");
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
