package dev.paylink.flow;

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
 * Decides which inbox files the intake route may pick up now. While sending is paused (credentials, clock,
 * onOffice unreachable) no file is picked up, so files wait in the inbox untouched; when the pause has lasted
 * {@code retryAfter}, one pick-up is let through as a probe. A file whose processing failed for another reason
 * (ledger down, a bug) waits with a growing back-off instead of being retried in a tight loop.
 */
public class IntakeGate implements GenericFileFilter<Object> {

    private static final Logger LOG = LoggerFactory.getLogger(IntakeGate.class);
    private static final Duration MAX_FILE_BACKOFF = Duration.ofMinutes(10);

    private final Clock clock;
    private final Duration retryAfter;
    private final Duration fileBackoff;
    private final Map<String, Backoff> failedFiles = new ConcurrentHashMap<>();
    private volatile Pause pause;
    private volatile boolean stopping;

    /** While {@code probing}, one file has been let through to find out whether the cause is gone. */
    private record Pause(String reason, Instant until, boolean probing) {
    }

    private record Backoff(Instant until, Duration last) {
    }

    public IntakeGate(Clock clock, Duration retryAfter, Duration fileBackoff) {
        this.clock = clock;
        this.retryAfter = retryAfter;
        this.fileBackoff = fileBackoff;
    }

    @Override
    public boolean accept(GenericFile<Object> file) {
        return file.isDirectory() || mayPickUp(file.getFileName());
    }

    /** Whether the file of that name may be picked up now. */
    public boolean mayPickUp(String fileName) {
        Instant now = clock.instant();
        Pause p = pause;
        if (p != null) {
            if (now.isBefore(p.until())) {
                return false;
            }
            // Let one pick-up through as a probe; if it fails the same way, the pause starts again.
            pause = new Pause(p.reason(), now.plus(retryAfter), true);
            LOG.info("Sending was paused ({}); trying {} again now", p.reason(), fileName);
        }
        Backoff b = failedFiles.get(fileName);
        return b == null || !now.isBefore(b.until());
    }

    /** Pauses every pick-up; logs once per pause what a person must fix. */
    public void pause(String reason, String whatToFix) {
        Pause before = pause;
        pause = new Pause(reason, clock.instant().plus(retryAfter), false);
        if (before == null || !before.reason().equals(reason)) {
            LOG.error("SENDING PAUSED: {}. {} Files stay in the inbox and nothing is lost; the next try is in {}.",
                    reason, whatToFix, retryAfter);
        }
    }

    /** A file went through: any pause is over, and that file's back-off is forgotten. */
    public void succeeded(String fileName) {
        if (pause != null) {
            LOG.info("Sending resumed");
            pause = null;
        }
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

    /** True while sending must not start: paused (unless a probe is under way), or the application is stopping. */
    public boolean paused() {
        Pause p = pause;
        return stopping || (p != null && !p.probing());
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
