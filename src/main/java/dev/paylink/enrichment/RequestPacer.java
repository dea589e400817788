package dev.paylink.enrichment;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/** Spaces request starts at least 1/rate apart across threads; a rate of 0 or less means no limit. */
final class RequestPacer {

    private final long spacingNanos;
    private long nextSlot = System.nanoTime();

    RequestPacer(double perSecond) {
        this.spacingNanos = perSecond <= 0 ? 0 : (long) (TimeUnit.SECONDS.toNanos(1) / perSecond);
    }

    /** Waits for this caller's slot. */
    void acquire() {
        if (spacingNanos == 0) {
            return;
        }
        long slot;
        synchronized (this) {
            slot = Math.max(nextSlot, System.nanoTime());
            nextSlot = slot + spacingNanos;
        }
        for (long wait = slot - System.nanoTime(); wait > 0 && !Thread.currentThread().isInterrupted(); wait = slot - System.nanoTime()) {
            LockSupport.parkNanos(wait);
        }
    }
}
