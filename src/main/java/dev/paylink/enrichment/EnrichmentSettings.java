package dev.paylink.enrichment;

import java.time.Duration;

/**
 * How enrichment polls ({@code paylink.smartpay.*}).
 *
 * @param concurrency          look-ups in flight at once
 * @param maxRequestsPerSecond look-ups started per second at most (0: no limit)
 * @param firstInterval        wait after a check that saw a change (or the first check)
 * @param maxInterval          the longest wait: the interval doubles while nothing changes, up to this
 * @param graceAfterExpiry     a link past its expiry is still polled this long (a late payment may still show)
 * @param maxLinksPerCycle     the most links one cycle looks at; the rest are due in the next cycle
 */
public record EnrichmentSettings(int concurrency, double maxRequestsPerSecond, Duration firstInterval, Duration maxInterval,
                                 Duration graceAfterExpiry, int maxLinksPerCycle) {
}
