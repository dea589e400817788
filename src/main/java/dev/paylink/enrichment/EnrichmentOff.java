package dev.paylink.enrichment;

import dev.paylink.Plural;
import dev.paylink.ledger.FileRun;
import dev.paylink.ledger.TrackedLinks;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SmartPay enrichment is off, yet rows may name payment links to track: they are recorded and nobody looks them up.
 * Says so in a WARN line at start when open links wait, and once for each file that adds some.
 */
public final class EnrichmentOff {

    private static final Logger LOG = LoggerFactory.getLogger(EnrichmentOff.class);

    private final TrackedLinks links;
    private final String why;

    /** @param why why enrichment is off, e.g. {@code paylink.smartpay.enabled=false} */
    public EnrichmentOff(TrackedLinks links, String why) {
        this.links = links;
        this.why = why;
    }

    /** At start: the open links that wait for enrichment, if any. */
    public void warnAtStart() {
        long open = links.open();
        if (open > 0) {
            LOG.warn("SmartPay enrichment is off ({}), but {} open: {} not looked up until enrichment is on",
                    why, Plural.of(open, "tracked payment link is", "tracked payment links are"), open == 1 ? "it is" : "they are");
        }
    }

    /** After a file's rows were accepted: its new tracked links, if any. */
    public void fileAccepted(FileRun run) {
        long added = links.openOfFile(run.id());
        if (added > 0) {
            LOG.warn("{}: {} to track, but SmartPay enrichment is off ({}); {} not looked up until enrichment is on", run.fileName(),
                    Plural.of(added, "payment link", "payment links"), why, added == 1 ? "it is" : "they are");
        }
    }
}
