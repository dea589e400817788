package dev.paylink.flow;

import java.time.Duration;
import org.slf4j.Logger;

/** Logs "rows done, rate" for a long-running step at most once per interval; cheap enough to call per row. */
final class ProgressLog {

    private final Logger log;
    private final String what;
    private final long intervalNanos;
    private final long start = System.nanoTime();
    private long nextReport;

    ProgressLog(Logger log, String what, Duration interval) {
        this.log = log;
        this.what = what;
        this.intervalNanos = interval.toNanos();
        this.nextReport = start + intervalNanos;
    }

    void update(long done, long total) {
        long now = System.nanoTime();
        if (now < nextReport) {
            return;
        }
        synchronized (this) {
            if (now < nextReport) {
                return;
            }
            nextReport = now + intervalNanos;
        }
        double seconds = (now - start) / 1e9;
        long rate = Math.round(done / Math.max(seconds, 1e-3));
        if (total > 0) {
            log.info("{}: {} of {} rows ({} rows/s)", what, done, total, rate);
        } else {
            log.info("{}: {} rows ({} rows/s)", what, done, rate);
        }
    }
}
