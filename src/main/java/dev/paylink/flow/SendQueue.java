package dev.paylink.flow;

import dev.paylink.Plural;
import dev.paylink.ledger.Ledger;
import dev.paylink.ledger.LedgerEntry;
import java.io.Closeable;
import java.time.Clock;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a file: hands out its RECEIVED ledger entries in line order, one batch at a time, read from the ledger page by page
 * so memory does not grow with the file. When the claimed rows run out, the next chunk of the file is read and claimed
 * first ({@link FileClaims}), so claiming and sending overlap and the first batch leaves after one chunk. Stops handing
 * out as soon as sending pauses, and for good once the file no longer matches its first read. After a pause, the first
 * request of the file let through carries one row only: the probe, which risks at most that row.
 *
 * <p>How far ahead this is read: Camel's parallel split (MulticastProcessor, 4.18) runs each step of this iterator as a
 * task on the senders' pool, queued behind the batches it handed out, one task per file at a time; so the iterator
 * runs again only when a sender is free, and the read-ahead stays at about one batch per sender without any limit here.
 * Claiming a chunk runs in that task too: no thread of its own. Camel closes the iterator when the split ends.
 */
public class SendQueue {

    private static final Logger LOG = LoggerFactory.getLogger(SendQueue.class);

    private final Ledger ledger;
    private final IntakeGate gate;
    private final BatchSender sender;
    private final Watchdog watchdog;
    private final int batchSize;
    private final Duration progressInterval;
    private final Clock clock;

    public SendQueue(Ledger ledger, IntakeGate gate, BatchSender sender, Watchdog watchdog, int batchSize, Duration progressInterval,
                     Clock clock) {
        this.ledger = ledger;
        this.gate = gate;
        this.sender = sender;
        this.watchdog = watchdog;
        this.batchSize = batchSize;
        this.progressInterval = progressInterval;
        this.clock = clock;
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
        return new Batches(file);
    }

    /** The batches of one file; closing it lets go of the file when sending stops before its end. */
    private final class Batches implements Iterator<Batch>, Closeable {
        private final AcceptedFile file;
        private final FileClaims claims;
        /** Known up front only when every row was claimed by an earlier run; else rows are counted as they are handed out. */
        private final long total;
        private final ProgressLog progress;
        private long afterLine;
        private long handedOut;
        private Batch next;
        private boolean done;

        Batches(AcceptedFile file) {
            this.file = file;
            this.claims = file.claims();
            this.total = claims == null ? ledger.unfinished(file.run()) : 0;
            this.progress = new ProgressLog(LOG, file.name() + ": sent", progressInterval);
            this.done = claims == null && total == 0;
        }

        @Override
        public boolean hasNext() {
            if (next == null && !done) {
                List<LedgerEntry> page = gate.paused() ? List.of() : nextPage();
                if (page.isEmpty()) {
                    done = true;
                    close();
                } else {
                    next = new Batch(file.name(), page);
                    afterLine = page.get(page.size() - 1).line();
                }
            }
            return next != null;
        }

        /** A full batch of claimed rows, claiming more of the file while there are not enough; nothing once the file changed. */
        private List<LedgerEntry> nextPage() {
            while (true) {
                if (claims != null && claims.changed() != null) {
                    return List.of();
                }
                List<LedgerEntry> page = ledger.nextToSend(file.run(), afterLine, batchSize);
                if (page.size() == batchSize || claims == null || claims.done()) {
                    return page;
                }
                claims.claimNext();
            }
        }

        @Override
        public Batch next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            Batch batch = next;
            next = null;
            if (handedOut == 0) {
                LOG.info("{}: first batch handed out {} ms after pick-up", file.name(), Duration.between(file.startedAt(), clock.instant()).toMillis());
            }
            handedOut += batch.entries().size();
            progress.update(handedOut, total);
            watchdog.progress(file.name(), "sending, " + handedOut + (total > 0 ? " of " + total : "") + " rows handed out");
            return batch;
        }

        @Override
        public void close() {
            if (claims != null) {
                claims.close();
            }
        }
    }

    /** Sending was paused and this file is the probe: see {@link BatchSender#probe}. Its first chunk is claimed for it if need be. */
    private void probe(AcceptedFile file) {
        FileClaims claims = file.claims();
        List<LedgerEntry> first = ledger.nextToSend(file.run(), 0, 1);
        while (first.isEmpty() && claims != null && !claims.done()) {
            claims.claimNext();
            first = ledger.nextToSend(file.run(), 0, 1);
        }
        if (!first.isEmpty() && file.changed() == null) {
            sender.probe(first.get(0), file.name());
        }
    }
}
