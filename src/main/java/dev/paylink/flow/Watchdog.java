package dev.paylink.flow;

import dev.paylink.Durations;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Says when a file in progress has made no progress for {@code stallAfter}: a batch that never comes back, a ledger that
 * hangs, a bug. Fed by the intake steps; checked by the {@code stall-watchdog} route. A paused file is not stalled.
 */
public class Watchdog {

    private static final Logger LOG = LoggerFactory.getLogger(Watchdog.class);

    private final Clock clock;
    private final Duration stallAfter;
    private final IntakeGate gate;
    private final Map<String, Activity> files = new ConcurrentHashMap<>();

    private record Activity(Instant at, String what, Instant warned) {
    }

    public Watchdog(Clock clock, Duration stallAfter, IntakeGate gate) {
        this.clock = clock;
        this.stallAfter = stallAfter;
        this.gate = gate;
    }

    /** The file moved on: {@code what} says where it is now. */
    public void progress(String fileName, String what) {
        files.put(fileName, new Activity(clock.instant(), what, null));
    }

    /** The file's exchange ended (done, refused, paused or failed): no longer watched. */
    public void done(String fileName) {
        files.remove(fileName);
    }

    /** Logs one WARN per file that has not moved for {@code stallAfter}, again every {@code stallAfter} while it stays so. */
    public void check() {
        if (gate.paused()) {
            return;
        }
        Instant now = clock.instant();
        files.forEach((name, a) -> {
            Instant since = a.warned() != null ? a.warned() : a.at();
            if (!now.isBefore(since.plus(stallAfter))) {
                LOG.warn("{}: no progress for {} (last: {}); if this lasts, look for a hung request or ledger, or a bug in the log above",
                        name, Durations.spoken(Duration.between(a.at(), now)), a.what());
                files.replace(name, a, new Activity(a.at(), a.what(), now));
            }
        });
    }
}
