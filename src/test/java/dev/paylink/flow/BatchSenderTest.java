package dev.paylink.flow;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.paylink.ledger.Ledger;
import dev.paylink.ledger.LedgerEntry;
import dev.paylink.ledger.ResultLine;
import dev.paylink.sandbox.OnOfficeSimulator;
import dev.paylink.smartml.ActionOutcome;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * An error inside a sender (a bug, a StackOverflowError) is never swallowed: it fails the batch into a defined state
 * and reaches the caller (the intake route's error handler). Before, such an error vanished inside H2 and the file hung
 * in silence. Through the real route (routes/onoffice.camel.yaml) against the onOffice simulator.
 */
class BatchSenderTest {

    private final OnOfficeSimulator onOffice = new OnOfficeSimulator(OnOfficeRoute.TOKEN, OnOfficeRoute.SECRET, Clock.systemUTC(),
            java.time.Duration.ofSeconds(5));
    private OnOfficeRoute route;

    /** A ledger whose every call of one kind fails with an Error, as a stack overflow inside the driver would. */
    private static final class BrokenLedger extends Ledger {
        private final String broken;

        BrokenLedger(HikariDataSource db, Clock clock, String broken) {
            super(db, clock);
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
        public void recordOutcomes(List<ActionOutcome> outcomes, List<LedgerEntry> sent) {
            if (broken.equals("recordOutcomes")) {
                throw new StackOverflowError();
            }
            super.recordOutcomes(outcomes, sent);
        }
    }

    private OnOfficeRoute route(String broken) throws Exception {
        route = OnOfficeRoute.start(onOffice.start(), Clock.systemUTC(), (db, clock) -> new BrokenLedger(db, clock, broken), Map.of());
        return route;
    }

    @AfterEach
    void tearDown() {
        if (route != null) {
            route.close();
        }
        onOffice.close();
    }

    @Test
    void anErrorBeforeTheRequestLeavesFailsTheBatchAndSendsNothing() throws Exception {
        OnOfficeRoute route = route("markSending");

        Exchange done = route.send(route.claim(2));

        assertThat(done.getException()).isInstanceOf(BatchSender.BatchFailedException.class)
                .hasCauseInstanceOf(StackOverflowError.class).hasMessageContaining("nothing was sent");
        assertThat(onOffice.requestCount()).isZero();
        assertThat(route.entry("k1")).extracting(ResultLine::status).isEqualTo("RECEIVED");
    }

    @Test
    void anErrorAfterTheRequestLeftFailsTheBatchAndTheResumedFileFindsItUncertain() throws Exception {
        OnOfficeRoute route = route("recordOutcomes");

        Exchange done = route.send(route.claim(2));

        assertThat(done.getException()).isInstanceOf(BatchSender.BatchFailedException.class)
                .hasCauseInstanceOf(StackOverflowError.class).hasMessageContaining("become UNCERTAIN when the file is resumed");
        assertThat(onOffice.executedCount()).isEqualTo(2);
        assertThat(route.entry("k1")).extracting(ResultLine::status).isEqualTo("SENDING");

        // The file fails, stays in the inbox and is resumed: what may have left is UNCERTAIN, never sent again.
        assertThat(route.ledger.markInterrupted(route.run())).isEqualTo(2);
        assertThat(route.ledger.nextToSend(route.run(), 0, 10)).isEmpty();
        assertThat(route.entry("k2")).extracting(ResultLine::status).isEqualTo("UNCERTAIN");
    }

    @Test
    void theProbeAndResendsGoThroughTheSameRouteAndItsFailuresReachTheirCaller() throws Exception {
        OnOfficeRoute route = route("markSending");

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> route.sender().send(route.claim(1)))
                .isInstanceOf(BatchSender.BatchFailedException.class).hasMessageContaining("nothing was sent");
        assertThat(onOffice.requestCount()).isZero();
    }
}
