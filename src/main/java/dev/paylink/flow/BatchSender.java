package dev.paylink.flow;

import dev.paylink.http.Departure;
import dev.paylink.ledger.Ledger;
import dev.paylink.ledger.LedgerEntry;
import dev.paylink.smartml.ActionOutcome;
import dev.paylink.smartml.Smartml;
import dev.paylink.smartml.SmartmlAction;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePropertyKey;
import org.apache.camel.Message;
import org.apache.camel.ProducerTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ledger's side of one batch on its way through routes/onoffice.camel.yaml: its entries become SENDING (committed,
 * and on disk) before the request leaves, and whatever came of the request is recorded. An answer that says "not
 * executed, fix something first" pauses all sending, and so does an answer that says the API is failing (5xx, timeout,
 * broken answer): an outage costs one round of batches, not a file.
 *
 * <p>Any failure of our own (a bug, an {@link Error} such as a stack overflow) is thrown as {@link BatchFailedException},
 * never swallowed, and leaves the entries in a defined state: RECEIVED if nothing left, UNCERTAIN if the request may have
 * left (or SENDING, turned UNCERTAIN when the file is resumed, if even that cannot be recorded).
 */
public class BatchSender {

    private static final Logger LOG = LoggerFactory.getLogger(BatchSender.class);
    /** The entries this sender marked SENDING, and their actions. */
    static final String ENTRIES = "paylinkEntries";
    static final String ACTIONS = "paylinkActions";
    /** Set by the probe: its one row goes while sending is otherwise paused. */
    static final String PROBE = "paylinkProbe";
    static final String FILE = "paylinkFile";
    /** Connect attempts of this batch that failed before it left (counted here: Camel's redelivery headers are gone once exhausted). */
    static final String FAILED_CONNECTS = "paylinkFailedConnects";

    private final Ledger ledger;
    private final Smartml smartml;
    private final IntakeGate gate;
    private final Watchdog watchdog;
    private final String maskedToken;
    private final int connectAttempts;
    private final ProducerTemplate routes;

    public BatchSender(Ledger ledger, Smartml smartml, IntakeGate gate, Watchdog watchdog, String maskedToken, int connectAttempts,
                       ProducerTemplate routes) {
        this.ledger = ledger;
        this.smartml = smartml;
        this.gate = gate;
        this.watchdog = watchdog;
        this.maskedToken = maskedToken;
        this.connectAttempts = connectAttempts;
        this.routes = routes;
    }

    /** Sends entries in one request through {@code direct:onoffice-batch} (resolution resends); skipped while sending is paused. */
    public void send(List<LedgerEntry> batch) {
        sendThroughRoute(batch, false);
    }

    /**
     * Sending was paused and its time is up ({@link IntakeGate#probeNow}): finds out whether onOffice answers again.
     * After an outage, a harmless read goes first ({@code direct:onoffice-probe}) and no row is risked while onOffice still
     * fails; once it answers (or after a pause credentials or the clock caused, or once reads have kept failing for
     * {@code pause-retry}), one row is sent alone. Answered, sending resumes for every file; failing, the pause starts again.
     *
     * @param row  the row to risk, e.g. a file's first RECEIVED entry
     * @param what what the row is, for the log
     */
    public void probe(LedgerEntry row, String what) {
        if (gate.stopping()) {
            return;
        }
        if (gate.readProbeFirst()) {
            String failure = routes.requestBody("direct:onoffice-probe", null, String.class);
            if (failure != null) {
                gate.pauseForOutage("onOffice still fails (" + failure + "); no row was sent");
                return;
            }
        }
        LOG.info("{}: sending line {} alone first, to see whether onOffice answers again", what, row.line());
        // Sent and still probing: nothing paused again, so onOffice answered the row (created, rejected, or a code of
        // its own). Nothing sent (the row was taken meanwhile) proves nothing: the next probe decides.
        if (sendThroughRoute(List.of(row), true) && gate.probing()) {
            gate.resumed("onOffice answered the probe (" + what + " line " + row.line() + ")");
        }
    }

    /** @return whether a request was made (false when sending is paused or another sender owned every entry already) */
    private boolean sendThroughRoute(List<LedgerEntry> batch, boolean probe) {
        Exchange done = routes.send("direct:onoffice-batch", ex -> {
            ex.getIn().setBody(batch);
            ex.setProperty(PROBE, probe);
        });
        Exception e = done.getException();
        if (e instanceof BatchFailedException failed) {
            throw failed;
        }
        if (e != null) {
            throw failed("sending failed inside paylink-routes; rows still SENDING become UNCERTAIN when resumed", batch, e);
        }
        List<?> mine = done.getProperty(ENTRIES, List.class);
        return mine != null && !mine.isEmpty();
    }

    // ---- the steps of routes/onoffice.camel.yaml ----

    /**
     * Marks the batch (a {@link Batch} from the split, or entries) SENDING, committed: only the entries no other sender
     * owns. The body becomes their actions, empty when there are none.
     */
    @SuppressWarnings("unchecked")
    public List<SmartmlAction> markSending(Exchange exchange) {
        Object body = exchange.getIn().getBody();
        List<LedgerEntry> batch;
        if (body instanceof Batch b) {
            exchange.setProperty(FILE, b.fileName());
            batch = b.entries();
        } else {
            batch = exchange.getIn().getBody(List.class);
        }
        List<LedgerEntry> mine;
        try {
            mine = ledger.markSending(batch);
        } catch (Throwable t) {
            throw failed("could not mark the batch SENDING; nothing was sent", batch, t);
        }
        List<SmartmlAction> actions = mine.stream().map(e -> new SmartmlAction(e.key(), e.request())).toList();
        exchange.setProperty(ENTRIES, mine);
        exchange.setProperty(ACTIONS, actions);
        return actions;
    }

    /** The signed request body: fresh timestamps and HMACs. Nothing has left yet, so a failure puts the rows back to RECEIVED. */
    public byte[] sign(Exchange exchange) {
        try {
            return smartml.sign(actions(exchange));
        } catch (Throwable t) {
            List<LedgerEntry> mine = entries(exchange);
            try {
                ledger.recordOutcomes(mine.stream().<ActionOutcome>map(e -> new ActionOutcome.Held(e.key(), ActionOutcome.HoldReason.ENVELOPE, null,
                        "could not be signed (" + t + "); nothing was sent")).toList(), mine);
            } catch (Throwable u) {
                t.addSuppressed(u);
            }
            throw failed("could not sign the batch; nothing was sent", mine, t);
        }
    }

    /**
     * Before each redelivery of a request that never left (the error handler's onRedelivery): signs it again, so the
     * timestamps and HMACs are fresh. Camel's redelivery runs only the failed step, the POST, again.
     */
    public void resign(Exchange exchange) {
        Throwable cause = exchange.getProperty(ExchangePropertyKey.EXCEPTION_CAUGHT, Throwable.class);
        int failed = exchange.getProperty(FAILED_CONNECTS, 0, Integer.class) + 1;
        exchange.setProperty(FAILED_CONNECTS, failed);
        LOG.warn("{} (attempt {} of {} failed); trying again, re-signed", smartml.notReachable(cause == null ? exchange.getException() : cause),
                failed, connectAttempts);
        exchange.getIn().setBody(sign(exchange));
    }

    /** Whether a failed POST certainly never left (the error handler redelivers only those). */
    public boolean neverLeft(Throwable failure) {
        // Our own steps' failures (the ledger, signing, recording) are BatchFailedExceptions: a database's
        // "connection refused" in their causes says nothing about the POST (OnOfficeRouteTest).
        return !(failure instanceof BatchFailedException) && Departure.of(failure) == Departure.NEVER_LEFT;
    }

    /** onOffice answered (any HTTP status): every action's outcome recorded. */
    public void answered(Exchange exchange) {
        List<SmartmlAction> actions = actions(exchange);
        Message m = exchange.getMessage();
        Smartml.BatchResult result;
        try {
            result = smartml.answer(actions, m.getHeader(Exchange.HTTP_RESPONSE_CODE, 0, Integer.class), m.getHeader("Content-Type", String.class),
                    m.getHeader("Content-Encoding", String.class), m.getHeader("Location", String.class), m.getBody(byte[].class));
        } catch (RuntimeException e) {
            // the answer broke off while it was read: the request has left
            result = smartml.mayHaveLeft(actions, e);
        }
        record(exchange, result, 1 + exchange.getProperty(FAILED_CONNECTS, 0, Integer.class));
    }

    /** Connecting failed on every attempt: nothing left, the rows are RECEIVED again and sending pauses for an outage. */
    public void unreachable(Exchange exchange) {
        Throwable cause = caught(exchange);
        int attempts = 1 + exchange.getProperty(FAILED_CONNECTS, 0, Integer.class);
        record(exchange, smartml.unreachable(actions(exchange), cause, attempts), attempts);
    }

    /** The request may have left: its rows are UNCERTAIN (never re-sent) and sending pauses for an outage. */
    public void mayHaveLeft(Exchange exchange) {
        Throwable cause = caught(exchange);
        if (exchange.getProperty(ACTIONS) == null) {
            throw failed("failed before the batch was marked SENDING; nothing was sent", List.of(), cause);
        }
        record(exchange, smartml.mayHaveLeft(actions(exchange), cause), 1);
    }

    private void record(Exchange exchange, Smartml.BatchResult result, int attempts) {
        List<LedgerEntry> mine = entries(exchange);
        smartml.log(actions(exchange), result, attempts);
        try {
            ledger.recordOutcomes(result.outcomes(), mine);
        } catch (Throwable t) {
            throw failed("onOffice answered but the answer could not be recorded; the rows stay SENDING and become UNCERTAIN "
                    + "when the file is resumed", mine, t);
        }
        report(mine, result);
        String file = exchange.getProperty(FILE, String.class);
        if (file != null) {
            watchdog.progress(file, "sending, a batch answered");
        }
    }

    private static Throwable caught(Exchange exchange) {
        Throwable t = exchange.getProperty(ExchangePropertyKey.EXCEPTION_CAUGHT, Throwable.class);
        return t != null ? t : exchange.getException();
    }

    @SuppressWarnings("unchecked")
    private static List<SmartmlAction> actions(Exchange exchange) {
        return exchange.getProperty(ACTIONS, List.class);
    }

    @SuppressWarnings("unchecked")
    private static List<LedgerEntry> entries(Exchange exchange) {
        return exchange.getProperty(ENTRIES, List.class);
    }

    private void report(List<LedgerEntry> mine, Smartml.BatchResult result) {
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
