package dev.paylink.flow;

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
 * ledger page by page so memory does not grow with the file. Stops handing out as soon as sending pauses.
 */
public class SendQueue {

    private static final Logger LOG = LoggerFactory.getLogger(SendQueue.class);

    private final Ledger ledger;
    private final IntakeGate gate;
    private final int batchSize;
    private final Duration progressInterval;

    public SendQueue(Ledger ledger, IntakeGate gate, int batchSize, Duration progressInterval) {
        this.ledger = ledger;
        this.gate = gate;
        this.batchSize = batchSize;
        this.progressInterval = progressInterval;
    }

    public Iterator<List<LedgerEntry>> batches(AcceptedFile file) {
        if (file.run().resumed()) {
            int interrupted = ledger.markInterrupted(file.run());
            if (interrupted > 0) {
                LOG.warn("{}: {} rows were being sent when the last run stopped; they are UNCERTAIN and wait for a person", file.name(), interrupted);
            }
        }
        long total = ledger.unfinished(file.run());
        ProgressLog progress = new ProgressLog(LOG, file.name() + ": sent", progressInterval);
        return new Iterator<>() {
            private long afterLine;
            private long handedOut;
            private List<LedgerEntry> next;
            private boolean done = total == 0;

            @Override
            public boolean hasNext() {
                if (next == null && !done) {
                    if (gate.paused()) {
                        done = true;
                    } else {
                        List<LedgerEntry> page = ledger.nextToSend(file.run(), afterLine, batchSize);
                        if (page.isEmpty()) {
                            done = true;
                        } else {
                            next = page;
                            afterLine = page.get(page.size() - 1).line();
                        }
                    }
                }
                return next != null;
            }

            @Override
            public List<LedgerEntry> next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                List<LedgerEntry> batch = next;
                next = null;
                handedOut += batch.size();
                progress.update(handedOut, total);
                return batch;
            }
        };
    }
}
