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
 * Sends one batch: its entries become SENDING (committed) before the request leaves, and every answer is
 * recorded. An answer that says "not executed, fix something first" pauses all sending.
 */
public class BatchSender {

    private static final Logger LOG = LoggerFactory.getLogger(BatchSender.class);

    private final Ledger ledger;
    private final SmartmlClient client;
    private final IntakeGate gate;
    private final String maskedToken;

    public BatchSender(Ledger ledger, SmartmlClient client, IntakeGate gate, String maskedToken) {
        this.ledger = ledger;
        this.client = client;
        this.gate = gate;
        this.maskedToken = maskedToken;
    }

    public void send(List<LedgerEntry> batch) {
        if (gate.paused()) {
            // Handed out before the pause began: its entries stay RECEIVED and go with the file's next run.
            return;
        }
        List<LedgerEntry> mine = ledger.markSending(batch);
        if (mine.isEmpty()) {
            return;
        }
        List<ActionOutcome> outcomes = client.send(mine.stream().map(e -> new SmartmlAction(e.key(), e.request())).toList());
        ledger.recordOutcomes(outcomes);
        Map<String, Long> lines = new HashMap<>();
        mine.forEach(e -> lines.put(e.key(), e.line()));
        for (ActionOutcome o : outcomes) {
            if (o instanceof ActionOutcome.Uncertain u) {
                LOG.warn("line {} (key {}): UNCERTAIN, {}; not re-sent, a person must resolve it", lines.get(u.identifier()), u.identifier(), u.message());
            } else if (o instanceof ActionOutcome.Rejected r) {
                LOG.info("line {} (key {}): REJECTED by onOffice, errorcode {}: {}", lines.get(r.identifier()), r.identifier(), r.errorCode(), r.message());
            } else if (o instanceof ActionOutcome.Held h) {
                pause(h);
            }
        }
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
            case UNREACHABLE -> gate.pause("onOffice cannot be reached: " + h.message(),
                    "Check the network and paylink.onoffice.url.");
        }
    }
}
