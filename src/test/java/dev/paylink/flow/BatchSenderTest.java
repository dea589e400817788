package dev.paylink.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import dev.paylink.ledger.FileRun;
import dev.paylink.ledger.Ledger;
import dev.paylink.ledger.LedgerEntry;
import dev.paylink.ledger.ResultLine;
import dev.paylink.sandbox.OnOfficeSimulator;
import dev.paylink.smartml.ActionOutcome;
import dev.paylink.smartml.OnOfficeSettings;
import dev.paylink.smartml.SmartmlClient;
import dev.paylink.smartml.SmartmlCredentials;
import dev.paylink.support.TestDatabases;
import dev.paylink.intake.AcceptedRow;
import dev.paylink.smartml.PaymentLinkRequest;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An error inside a sender (a bug, a StackOverflowError) is never swallowed: it fails the batch into a defined state
 * and reaches the route's error handler. Before, such an error vanished inside H2 and the file hung in silence.
 */
class BatchSenderTest {

    private final HikariDataSource db = TestDatabases.h2();
    private final OnOfficeSimulator onOffice = new OnOfficeSimulator();
    private final IntakeGate gate = new IntakeGate(Clock.systemUTC(), Duration.ofMinutes(5), Duration.ofSeconds(30), Duration.ofSeconds(30));
    private SmartmlClient client;
    private FileRun run;

    /** A ledger whose every call of one kind fails with an Error, as a stack overflow inside the driver would. */
    private static final class BrokenLedger extends Ledger {
        private final String broken;

        BrokenLedger(HikariDataSource db, String broken) {
            super(db, Clock.systemUTC());
            this.broken = broken;
        }

        @Override
        public List<LedgerEntry> markSending(List<LedgerEntry> entries) {
            if (broken.equals("markSending")) {
                throw new StackOverflowError();
            }
            return super.markSending(entries);
        }

        @Override
        public void recordOutcomes(List<ActionOutcome> outcomes) {
            if (broken.equals("recordOutcomes")) {
                throw new StackOverflowError();
            }
            super.recordOutcomes(outcomes);
        }
    }

    @BeforeEach
    void setUp() {
        Ledger.migrate(db);
        client = new SmartmlClient(new OnOfficeSettings(onOffice.start(), Duration.ofSeconds(1), Duration.ofSeconds(2), 1, Duration.ZERO),
                new SmartmlCredentials(OnOfficeSimulator.SANDBOX_TOKEN, OnOfficeSimulator.SANDBOX_SECRET), Clock.systemUTC());
    }

    @AfterEach
    void tearDown() {
        onOffice.close();
        db.close();
    }

    private List<LedgerEntry> claimed(Ledger ledger) {
        run = ledger.beginRun("a.csv", "0".repeat(64));
        ledger.accept(run, List.of(new AcceptedRow(2, "k2", new PaymentLinkRequest("1100135697", new BigDecimal("1.00"), "a", false), null, null),
                new AcceptedRow(3, "k3", new PaymentLinkRequest("1100135698", new BigDecimal("2.00"), "b", false), null, null)), List.of());
        return ledger.nextToSend(run, 0, 10);
    }

    private BatchSender sender(Ledger ledger) {
        return new BatchSender(ledger, client, gate, new Watchdog(Clock.systemUTC(), Duration.ofMinutes(3), gate), "sa****00");
    }

    @Test
    void anErrorBeforeTheRequestLeavesFailsTheBatchAndSendsNothing() {
        Ledger ledger = new BrokenLedger(db, "markSending");
        List<LedgerEntry> batch = claimed(ledger);

        assertThatThrownBy(() -> sender(ledger).send(batch)).isInstanceOf(BatchSender.BatchFailedException.class)
                .hasCauseInstanceOf(StackOverflowError.class).hasMessageContaining("nothing was sent");
        assertThat(onOffice.requestCount()).isZero();
        assertThat(ledger.entry("k2")).get().extracting(ResultLine::status).isEqualTo("RECEIVED");
    }

    @Test
    void anErrorAfterTheRequestLeftFailsTheBatchAndTheResumedFileFindsItUncertain() {
        Ledger ledger = new BrokenLedger(db, "recordOutcomes");
        List<LedgerEntry> batch = claimed(ledger);

        assertThatThrownBy(() -> sender(ledger).send(batch)).isInstanceOf(BatchSender.BatchFailedException.class)
                .hasCauseInstanceOf(StackOverflowError.class).hasMessageContaining("become UNCERTAIN when the file is resumed");
        assertThat(onOffice.executedCount()).isEqualTo(2);
        assertThat(ledger.entry("k2")).get().extracting(ResultLine::status).isEqualTo("SENDING");

        // The file fails, stays in the inbox and is resumed: what may have left is UNCERTAIN, never sent again.
        assertThat(ledger.markInterrupted(run)).isEqualTo(2);
        assertThat(ledger.nextToSend(run, 0, 10)).isEmpty();
        assertThat(ledger.entry("k3")).get().extracting(ResultLine::status).isEqualTo("UNCERTAIN");
    }
}
