package dev.paylink.flow;

import dev.paylink.ledger.Ledger;
import dev.paylink.ledger.LedgerEntry;
import dev.paylink.smartml.ActionOutcome;
import dev.paylink.smartml.SmartmlAction;
import dev.paylink.smartml.SmartmlClient;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends one batch: its entries become SENDING (committed, and on disk) before the request leaves, and every answer is
 * recorded. An answer that says "not executed, fix something first" pauses all sending, and so does an answer that
 * says the API is failing (5xx, timeout, broken answer): an outage costs one round of batches, not a file.
 */
public class BatchSender {

    private static final Logger LOG = LoggerFactory.getLogger(BatchSender.class);

    private final Ledger ledger;
    private final SmartmlClient client;
    private final IntakeGate gate;
    private final Watchdog watchdog;
    private final String maskedToken;

    public BatchSender(Ledger ledger, SmartmlClient client, IntakeGate gate, Watchdog watchdog, String maskedToken) {
        this.ledger = ledger;
        this.client = client;
        this.gate = gate;
        this.watchdog = watchdog;
        this.maskedToken = maskedToken;
    }

    /** A batch handed out by {@link SendQueue}. */
    public void sendBatch(Batch batch) {
        send(batch.entries());
        watchdog.progress(batch.fileName(), "sending, a batch answered");
    }

    /**
     * Sends entries in one request. Any failure of our own (a bug, an {@link Error} such as a stack overflow) is logged
     * and thrown as {@link BatchFailedException}, never swallowed, and leaves the entries in a defined state: RECEIVED if
     * nothing left, UNCERTAIN if the request may have left (or SENDING, turned UNCERTAIN when the file is resumed, if
     * even that cannot be recorded).
     */
    public void send(List<LedgerEntry> batch) {
        if (gate.paused()) {
            // Handed out before the pause began: its entries stay RECEIVED and go with the file's next run.
            return;
        }
        sendNow(batch);
    }

    /**
     * Sends without asking the gate: the probe's one row goes while sending is otherwise paused.
     *
     * @return whether a request left (false when another sender owned every entry already)
     */
    private boolean sendNow(List<LedgerEntry> batch) {
        List<LedgerEntry> mine;
        try {
            mine = ledger.markSending(batch);
        } catch (Throwable t) {
            throw failed("could not mark the batch SENDING; nothing was sent", batch, t);
        }
        if (mine.isEmpty()) {
            return false;
        }
        SmartmlClient.BatchResult result;
        try {
            result = client.sendBatch(mine.stream().map(e -> new SmartmlAction(e.key(), e.request())).toList());
        } catch (Throwable t) {
            markUncertain(mine, t);
            throw failed("sending failed inside paylink-routes; the request may have left, its rows are UNCERTAIN", mine, t);
        }
        try {
            ledger.recordOutcomes(result.outcomes());
        } catch (Throwable t) {
            throw failed("onOffice answered but the answer could not be recorded; the rows stay SENDING and become UNCERTAIN "
                    + "when the file is resumed", mine, t);
        }
        report(mine, result);
        return true;
    }

    /**
     * Sending was paused and its time is up ({@link IntakeGate#probeNow}): finds out whether onOffice answers again.
     * After an outage, a harmless read goes first and no row is risked while onOffice still fails; once it answers (or
     * after a pause credentials or the clock caused, or once reads have kept failing for {@code pause-retry}), one row
     * is sent alone. Answered, sending resumes for every file; failing, the pause starts again.
     *
     * @param row  the row to risk, e.g. a file's first RECEIVED entry
     * @param what what the row is, for the log
     */
    public void probe(LedgerEntry row, String what) {
        if (gate.stopping()) {
            return;
        }
        if (gate.readProbeFirst()) {
            String failure = client.probe();
            if (failure != null) {
                gate.pauseForOutage("onOffice still fails (" + failure + "); no row was sent");
                return;
            }
        }
        LOG.info("{}: sending line {} alone first, to see whether onOffice answers again", what, row.line());
        // Sent and still probing: nothing paused again, so onOffice answered the row (created, rejected, or a code of
        // its own). Nothing sent (the row was taken meanwhile) proves nothing: the next probe decides.
        if (sendNow(List.of(row)) && gate.probing()) {
            gate.resumed("onOffice answered the probe (" + what + " line " + row.line() + ")");
        }
    }

    private void report(List<LedgerEntry> mine, SmartmlClient.BatchResult result) {
        Map<String, Long> lines = new HashMap<>();
        mine.forEach(e -> lines.put(e.key(), e.line()));
        for (ActionOutcome o : result.outcomes()) {
            if (o instanceof ActionOutcome.Uncertain u) {
                LOG.warn("line {} (key {}): UNCERTAIN, {}; not re-sent, a person must resolve it", lines.get(u.identifier()), u.identifier(), u.message());
            } else if (o instanceof ActionOutcome.Rejected r) {
                LOG.info("line {} (key {}): REJECTED by onOffice, errorcode {}: {}", lines.get(r.identifier()), r.identifier(), r.errorCode(), r.message());
            } else if (o instanceof ActionOutcome.Held h) {
                pause(h);
            }
        }
        if (result.apiFailure() != null) {
            gate.pauseForOutage("onOffice is failing (" + result.apiFailure() + ")");
        }
    }

    private void markUncertain(List<LedgerEntry> entries, Throwable cause) {
        try {
            ledger.recordOutcomes(entries.stream()
                    .<ActionOutcome>map(e -> new ActionOutcome.Uncertain(e.key(), null, "the sender failed (" + cause + "); the link may exist"))
                    .toList());
        } catch (Throwable t) {
            cause.addSuppressed(t);
        }
    }

    private static BatchFailedException failed(String what, List<LedgerEntry> entries, Throwable cause) {
        // Logged once, with its stack trace, by the intake route's error handler (routes/errors.camel.yaml).
        String first = entries.isEmpty() ? "" : " (lines " + entries.get(0).line() + "-" + entries.get(entries.size() - 1).line() + ")";
        return new BatchFailedException("batch of " + entries.size() + " rows" + first + ": " + what + ": " + cause, cause);
    }

    private void pause(ActionOutcome.Held h) {
        String code = h.errorCode() == null ? "" : " (errorcode " + h.errorCode() + ")";
        switch (h.reason()) {
            case CREDENTIALS -> gate.pause("onOffice refused the credentials" + code + ": " + h.message(),
                    "Check the token (" + maskedToken + ") and secret in PAYLINK_ONOFFICE_TOKEN / PAYLINK_ONOFFICE_SECRET and the API user's rights, then restart.");
            case CLOCK -> gate.pause("onOffice refused the request timestamp" + code + ": " + h.message(),
                    "This machine's clock is more than 120 s off: correct it (NTP).");
            case ENVELOPE -> gate.pause("onOffice says the request is malformed" + code + ": " + h.message(),
                    "This is a bug in paylink-routes: report it with this log.");
            case UNREACHABLE -> gate.pauseForOutage("onOffice cannot be reached: " + h.message());
        }
    }

    /** A batch failed inside paylink-routes; the file fails, stays in the inbox and is resumed later. */
    public static final class BatchFailedException extends RuntimeException {
        BatchFailedException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
