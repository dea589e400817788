package dev.paylink.flow;

import dev.paylink.Plural;
import dev.paylink.ledger.Ledger;
import dev.paylink.ledger.LedgerEntry;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Phase 2 of a file: hands out its RECEIVED ledger entries in line order, one batch at a time, read from the
 * ledger page by page so memory does not grow with the file. Stops handing out as soon as sending pauses. After a
 * pause, the first request of the file let through carries one row only: the probe, which risks at most that row.
 *
 * <p>How far ahead this is read: Camel's parallel split (MulticastProcessor, 4.18) runs each step of this iterator as a
 * task on the senders' pool, queued behind the batches it handed out, one task per file at a time; so the iterator
 * runs again only when a sender is free, and the read-ahead stays at about one batch per sender without any limit here.
 */
public class SendQueue {

    private static final Logger LOG = LoggerFactory.getLogger(SendQueue.class);

    private final Ledger ledger;
    private final IntakeGate gate;
    private final BatchSender sender;
    private final Watchdog watchdog;
    private final int batchSize;
    private final Duration progressInterval;

    public SendQueue(Ledger ledger, IntakeGate gate, BatchSender sender, Watchdog watchdog, int batchSize, Duration progressInterval) {
        this.ledger = ledger;
        this.gate = gate;
        this.sender = sender;
        this.watchdog = watchdog;
        this.batchSize = batchSize;
        this.progressInterval = progressInterval;
    }

    public Iterator<Batch> batches(AcceptedFile file) {
        if (file.run().resumed()) {
            int interrupted = ledger.markInterrupted(file.run());
            if (interrupted > 0) {
                LOG.warn("{}: {} being sent when the last run stopped; {}", file.name(), Plural.of(interrupted, "row was", "rows were"),
                        interrupted == 1 ? "it is UNCERTAIN and waits for a person" : "they are UNCERTAIN and wait for a person");
            }
        }
        if (gate.probing()) {
            probe(file);
        }
        long total = ledger.unfinished(file.run());
        ProgressLog progress = new ProgressLog(LOG, file.name() + ": sent", progressInterval);
        return new Iterator<>() {
            private long afterLine;
            private long handedOut;
            private Batch next;
            private boolean done = total == 0;

            @Override
            public boolean hasNext() {
                if (next == null && !done) {
                    List<LedgerEntry> page = gate.paused() ? List.of() : ledger.nextToSend(file.run(), afterLine, batchSize);
                    if (page.isEmpty()) {
                        done = true;
                    } else {
                        next = new Batch(file.name(), page);
                        afterLine = page.get(page.size() - 1).line();
                    }
                }
                return next != null;
            }

            @Override
            public Batch next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                Batch batch = next;
                next = null;
                handedOut += batch.entries().size();
                progress.update(handedOut, total);
                watchdog.progress(file.name(), "sending, " + handedOut + " of " + total + " rows handed out");
                return batch;
            }
        };
    }

    /** Sending was paused and this file is the probe: see {@link BatchSender#probe}. */
    private void probe(AcceptedFile file) {
        List<LedgerEntry> first = ledger.nextToSend(file.run(), 0, 1);
        if (!first.isEmpty()) {
            sender.probe(first.get(0), file.name());
        }
    }
}
