package dev.paylink.smartml;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** Waits between connect attempts. Injectable so tests record the waits instead of waiting. */
@FunctionalInterface
public interface Sleeper {

    void sleep(Duration duration) throws InterruptedException;

    /** Really waits, on the calling thread. */
    static Sleeper system() {
        return duration -> TimeUnit.NANOSECONDS.sleep(duration.toNanos());
    }
}
