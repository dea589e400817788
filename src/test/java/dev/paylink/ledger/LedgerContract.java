package dev.paylink.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.paylink.intake.AcceptedRow;
import dev.paylink.intake.Column;
import dev.paylink.intake.InvalidRow;
import dev.paylink.smartml.ActionOutcome;
import dev.paylink.smartml.PaymentLinkRequest;
import java.math.BigDecimal;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What the ledger promises, asserted on every database it supports (see the subclasses). */
abstract class LedgerContract {

    protected Ledger ledger;

    protected abstract DataSource dataSource();

    @BeforeEach
    void migrate() {
        Ledger.migrate(dataSource());
        ledger = new Ledger(dataSource(), Clock.systemUTC());
    }

    static AcceptedRow row(long line, String key, String tx) {
        return new AcceptedRow(line, key, new PaymentLinkRequest(tx, new BigDecimal("12.50"), "Nachzahlung " + line, true), null, null);
    }

    @Test
    void newKeysAreClaimedReceivedAndHandedOutInLineOrder() {
        FileRun run = ledger.beginRun("a.csv", "0".repeat(64));
        Ledger.ChunkResult r = ledger.accept(run, List.of(row(2, "k2", "1"), row(3, "k3", "2")), List.of());

        assertThat(r).isEqualTo(new Ledger.ChunkResult(2, 0, 0));
        assertThat(ledger.nextToSend(run, 0, 10)).extracting(LedgerEntry::key, LedgerEntry::line).containsExactly(
                org.assertj.core.groups.Tuple.tuple("k2", 2L), org.assertj.core.groups.Tuple.tuple("k3", 3L));
        assertThat(ledger.nextToSend(run, 2, 10)).extracting(LedgerEntry::key).containsExactly("k3");
        assertThat(ledger.entry("k2")).get().extracting(ResultLine::status, ResultLine::priceNet).containsExactly("RECEIVED", "12.50");
    }

    @Test
    void rowsReleasedUnsentFreeTheirKeysForACorrectedFile() {
        FileRun changed = ledger.beginRun("a.csv", "0".repeat(64));
        ledger.accept(changed, List.of(row(2, "k2", "1"), row(3, "k3", "2")), List.of());
        ledger.markSending(ledger.nextToSend(changed, 0, 1));

        assertThat(ledger.releaseUnsent(changed)).isEqualTo(1);
        FileRun corrected = ledger.beginRun("a.csv", "1".repeat(64));
        assertThat(ledger.accept(corrected, List.of(row(2, "k2", "1"), row(3, "k3", "2")), List.of())).isEqualTo(new Ledger.ChunkResult(1, 1, 0));
        assertThat(ledger.nextToSend(corrected, 0, 10)).extracting(LedgerEntry::key).containsExactly("k3");
    }

    /** Lines 2.. of a file, one key each, claimed 1,000 at a time as the intake does; what the claims found, summed. */
    private Ledger.ChunkResult acceptRows(FileRun run, String prefix, int rows) {
        int claimed = 0;
        int duplicates = 0;
        for (int from = 0; from < rows; from += 1_000) {
            List<AcceptedRow> chunk = new java.util.ArrayList<>();
            for (int i = from; i < Math.min(rows, from + 1_000); i++) {
                chunk.add(row(i + 2, prefix + i, Integer.toString(100_000 + i)));
            }
            Ledger.ChunkResult r = ledger.accept(run, chunk, List.of());
            claimed += r.claimed();
            duplicates += r.duplicates();
        }
        return new Ledger.ChunkResult(claimed, duplicates, 0);
    }

    @Test
    void keysAreFreedPageByPageWhateverTheRunsSize() {
        // 2,000 released (two full pages of keys and an empty third), the sent one kept; 1,500 of a refused run (a part page)
        FileRun changed = ledger.beginRun("a.csv", "0".repeat(64));
        acceptRows(changed, "r", 2_001);
        ledger.markSending(ledger.nextToSend(changed, 0, 1));
        assertThat(ledger.releaseUnsent(changed)).isEqualTo(2_000);
        FileRun corrected = ledger.beginRun("a.csv", "1".repeat(64));
        assertThat(acceptRows(corrected, "r", 2_001)).isEqualTo(new Ledger.ChunkResult(2_000, 1, 0));

        FileRun refused = ledger.beginRun("b.csv", "2".repeat(64));
        acceptRows(refused, "f", 1_500);
        ledger.fail(refused, "quote never closed");
        FileRun fixed = ledger.beginRun("b.csv", "3".repeat(64));
        assertThat(acceptRows(fixed, "f", 1_500)).isEqualTo(new Ledger.ChunkResult(1_500, 0, 0));
    }

    @Test
    void aKeySeenTwiceInOneFileIsADuplicateOfTheFirstLine() {
        FileRun run = ledger.beginRun("a.csv", "0".repeat(64));
        ledger.accept(run, List.of(row(2, "k", "1")), List.of());
        Ledger.ChunkResult r = ledger.accept(run, List.of(row(5, "k", "1"), row(6, "k", "1")), List.of());

        assertThat(r).isEqualTo(new Ledger.ChunkResult(0, 2, 0));
        assertThat(ledger.results(run, 0, 10)).extracting(ResultLine::line, ResultLine::status, ResultLine::message).containsExactly(
                org.assertj.core.groups.Tuple.tuple(2L, "RECEIVED", null),
                org.assertj.core.groups.Tuple.tuple(5L, "DUPLICATE", "same key as line 2 of this file"),
                org.assertj.core.groups.Tuple.tuple(6L, "DUPLICATE", "same key as line 2 of this file"));
    }

    @Test
    void aKeyFromAnotherFileIsADuplicateNamingThatFile() {
        FileRun first = ledger.beginRun("first.csv", "1".repeat(64));
        ledger.accept(first, List.of(row(2, "k", "1")), List.of());
        ledger.complete(first, "archive/first.csv");
        FileRun second = ledger.beginRun("second.csv", "2".repeat(64));
        ledger.accept(second, List.of(row(7, "k", "1")), List.of());

        assertThat(ledger.results(second, 0, 10)).singleElement().satisfies(l -> {
            assertThat(l.status()).isEqualTo("DUPLICATE");
            assertThat(l.message()).isEqualTo("key already in the ledger from first.csv line 2 (RECEIVED)");
        });
        assertThat(ledger.nextToSend(second, 0, 10)).isEmpty();
    }

    @Test
    void aChunkWithATakenKeyStillClaimsItsNewKeysOnce() {
        // The chunk's keys are first inserted all at once; the taken one undoes that (a savepoint: PostgreSQL would refuse
        // every later statement of the transaction otherwise) and the chunk is claimed key by key.
        FileRun first = ledger.beginRun("first.csv", "1".repeat(64));
        ledger.accept(first, List.of(row(2, "k", "1")), List.of());
        FileRun second = ledger.beginRun("second.csv", "2".repeat(64));

        Ledger.ChunkResult r = ledger.accept(second, List.of(row(2, "a", "1"), row(3, "k", "1"), row(4, "b", "1"), row(5, "a", "1")), List.of());

        assertThat(r).isEqualTo(new Ledger.ChunkResult(2, 2, 0));
        assertThat(ledger.nextToSend(second, 0, 10)).extracting(LedgerEntry::key).containsExactly("a", "b");
        assertThat(ledger.results(second, 0, 10)).extracting(ResultLine::line, ResultLine::status).containsExactly(
                org.assertj.core.groups.Tuple.tuple(2L, "RECEIVED"), org.assertj.core.groups.Tuple.tuple(3L, "DUPLICATE"),
                org.assertj.core.groups.Tuple.tuple(4L, "RECEIVED"), org.assertj.core.groups.Tuple.tuple(5L, "DUPLICATE"));
        // and the next chunk, all new, is claimed outright
        assertThat(ledger.accept(second, List.of(row(6, "c", "1")), List.of())).isEqualTo(new Ledger.ChunkResult(1, 0, 0));
    }

    @Test
    void theSameFileAgainAfterItCompletedIsFoundCompletedNotReadAgain() {
        FileRun first = ledger.beginRun("a.csv", "1".repeat(64));
        ledger.accept(first, List.of(row(2, "k", "1")), List.of());
        ledger.setReportBase(first, "a");
        ledger.complete(first, "archive/a.csv");
        FileRun again = ledger.beginRun("a.csv", "1".repeat(64));

        assertThat(again).isEqualTo(new FileRun(first.id(), "a.csv", "1".repeat(64), false, false, true, "a", "archive/a.csv"));
        // Another content under the same name is a new run, whose rows are duplicates of the first.
        FileRun other = ledger.beginRun("a.csv", "2".repeat(64));
        assertThat(other.completed()).isFalse();
        assertThat(other.id()).isNotEqualTo(first.id());
        assertThat(ledger.accept(other, List.of(row(2, "k", "1")), List.of()).duplicates()).isEqualTo(1);
    }

    @Test
    void theLedgerIdIsMadeOnceAndKept() {
        String id = ledger.ledgerId();
        assertThat(id).matches("[0-9a-f-]{36}");
        assertThat(ledger.ledgerId()).isEqualTo(id);
    }

    @Test
    void anUnfinishedRunIsResumedAndItsOwnRowsAreNotDuplicates() {
        FileRun run = ledger.beginRun("a.csv", "1".repeat(64));
        ledger.accept(run, List.of(row(2, "k2", "1"), row(3, "k3", "1")), List.of(invalid(4)));
        FileRun resumed = ledger.beginRun("a.csv", "1".repeat(64));
        assertThat(resumed).isEqualTo(new FileRun(run.id(), "a.csv", "1".repeat(64), true, false));

        ledger.restartAcceptance(resumed);
        Ledger.ChunkResult r = ledger.accept(resumed, List.of(row(2, "k2", "1"), row(3, "k3", "1")), List.of(invalid(4)));
        assertThat(r).isEqualTo(new Ledger.ChunkResult(0, 0, 1));
        ledger.markAccepted(resumed, 3, List.of("extra"));
        assertThat(ledger.beginRun("a.csv", "1".repeat(64)).accepted()).isTrue();
        assertThat(ledger.unknownColumns(resumed)).containsExactly("extra");
    }

    @Test
    void anEntryIsHandedToOneSenderOnly() {
        FileRun run = ledger.beginRun("a.csv", "0".repeat(64));
        ledger.accept(run, List.of(row(2, "k", "1")), List.of());
        List<LedgerEntry> batch = ledger.nextToSend(run, 0, 10);

        assertThat(ledger.markSending(batch)).hasSize(1);
        assertThat(ledger.markSending(batch)).isEmpty();
        assertThat(ledger.nextToSend(run, 0, 10)).isEmpty();
        assertThat(ledger.unfinished(run)).isEqualTo(1);
    }

    /** The batched UPDATE's way back: some entries of the batch are another sender's already, or a key is listed twice. */
    @Test
    void aBatchPartlyTakenAlreadyHandsOutOnlyTheRestEachOnce() throws Exception {
        FileRun run = ledger.beginRun("a.csv", "0".repeat(64));
        ledger.accept(run, List.of(row(2, "a", "1"), row(3, "b", "2"), row(4, "c", "3"), row(5, "d", "4")), List.of());
        List<LedgerEntry> all = ledger.nextToSend(run, 0, 10);
        assertThat(ledger.markSending(List.of(all.get(1)))).extracting(LedgerEntry::key).containsExactly("b");

        List<LedgerEntry> twice = new ArrayList<>(all);
        twice.add(all.get(0));
        assertThat(ledger.markSending(twice)).extracting(LedgerEntry::key).containsExactly("a", "c", "d");

        assertThat(ledger.nextToSend(run, 0, 10)).isEmpty();
        for (String key : List.of("a", "b", "c", "d")) {
            assertThat(ledger.entry(key)).get().extracting(ResultLine::status).isEqualTo("SENDING");
            assertThat(sendAttempts(key)).as(key).isEqualTo(1);
        }
    }

    /** More entries than one IN list takes: every one marked, once. */
    @Test
    void aLargeBatchIsMarkedWhole() throws Exception {
        FileRun run = ledger.beginRun("a.csv", "0".repeat(64));
        List<AcceptedRow> rows = new ArrayList<>();
        for (int i = 1; i <= 1203; i++) {
            rows.add(row(i + 1, "key-" + i, String.valueOf(i)));
        }
        ledger.accept(run, rows, List.of());

        assertThat(ledger.markSending(ledger.nextToSend(run, 0, 2000))).hasSize(1203);
        assertThat(ledger.nextToSend(run, 0, 10)).isEmpty();
        assertThat(sendAttempts("key-1")).isEqualTo(1);
        assertThat(sendAttempts("key-1203")).isEqualTo(1);
    }

    private int sendAttempts(String key) throws Exception {
        try (var c = dataSource().getConnection();
             var ps = c.prepareStatement("SELECT send_attempts FROM ledger_entry WHERE entry_key = ?")) {
            ps.setString(1, key);
            try (var rs = ps.executeQuery()) {
                assertThat(rs.next()).as("entry " + key).isTrue();
                return rs.getInt(1);
            }
        }
    }

    @Test
    void outcomesAreRecordedAndAHeldEntryGoesBackToReceived() {
        FileRun run = ledger.beginRun("a.csv", "0".repeat(64));
        ledger.accept(run, List.of(row(2, "a", "1"), row(3, "b", "2"), row(4, "c", "3"), row(5, "d", "4")), List.of());
        ledger.markSending(ledger.nextToSend(run, 0, 10));
        ledger.recordOutcomes(List.of(
                new ActionOutcome.Created("a", "https://x/1", true),
                new ActionOutcome.Rejected("b", 189, "transaction not found"),
                new ActionOutcome.Uncertain("c", null, "no answer within 60s"),
                new ActionOutcome.Held("d", ActionOutcome.HoldReason.CREDENTIALS, 13, "token invalid")));

        assertThat(ledger.results(run, 0, 10)).extracting(ResultLine::status, ResultLine::subsequentPaymentUrl,
                ResultLine::mailToCustomerSent, ResultLine::errorCode).containsExactly(
                org.assertj.core.groups.Tuple.tuple("CREATED", "https://x/1", true, null),
                org.assertj.core.groups.Tuple.tuple("REJECTED", null, null, 189),
                org.assertj.core.groups.Tuple.tuple("UNCERTAIN", null, null, null),
                org.assertj.core.groups.Tuple.tuple("RECEIVED", null, null, 13));
        assertThat(ledger.nextToSend(run, 0, 10)).extracting(LedgerEntry::key).containsExactly("d");
    }

    @Test
    void entriesLeftSendingByACrashBecomeUncertain() {
        FileRun run = ledger.beginRun("a.csv", "0".repeat(64));
        ledger.accept(run, List.of(row(2, "a", "1"), row(3, "b", "1")), List.of());
        ledger.markSending(ledger.nextToSend(run, 0, 1));

        assertThat(ledger.markInterrupted(run)).isEqualTo(1);
        assertThat(ledger.entry("a")).get().extracting(ResultLine::status).isEqualTo("UNCERTAIN");
        assertThat(ledger.entry("b")).get().extracting(ResultLine::status).isEqualTo("RECEIVED");
    }

    @Test
    void aRefusedFileLeavesNoClaimsBehind() {
        FileRun run = ledger.beginRun("bad.csv", "0".repeat(64));
        ledger.accept(run, List.of(row(2, "k", "1")), List.of(invalid(3)));
        ledger.fail(run, "quote never closed");

        FileRun fixed = ledger.beginRun("bad.csv", "f".repeat(64));
        assertThat(ledger.accept(fixed, List.of(row(2, "k", "1")), List.of()).claimed()).isEqualTo(1);
    }

    @Test
    void aRunWithSentEntriesCannotBeDiscarded() {
        FileRun run = ledger.beginRun("a.csv", "0".repeat(64));
        ledger.accept(run, List.of(row(2, "k", "1")), List.of());
        ledger.markSending(ledger.nextToSend(run, 0, 1));

        assertThatThrownBy(() -> ledger.fail(run, "x")).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void resultPagesMergeEntriesAndIssuesInLineOrder() {
        FileRun run = ledger.beginRun("a.csv", "0".repeat(64));
        List<AcceptedRow> rows = new ArrayList<>();
        List<InvalidRow> bad = new ArrayList<>();
        for (long line = 2; line <= 41; line++) {
            if (line % 3 == 0) {
                bad.add(invalid(line));
            } else {
                rows.add(row(line, "k" + line, "1"));
            }
        }
        ledger.accept(run, rows, bad);

        List<Long> lines = new ArrayList<>();
        long after = 0;
        for (List<ResultLine> page = ledger.results(run, after, 7); !page.isEmpty(); page = ledger.results(run, after, 7)) {
            page.forEach(l -> lines.add(l.line()));
            after = page.get(page.size() - 1).line();
        }
        assertThat(lines).hasSize(40).isSorted().doesNotHaveDuplicates();
        assertThat(ledger.results(run, 2, 1)).singleElement().satisfies(l -> {
            assertThat(l.status()).isEqualTo("INVALID");
            assertThat(l.transactionId()).isEqualTo("x3");
            assertThat(l.message()).isEqualTo("not an amount");
        });
    }

    @Test
    void trackingOnlyRowsAreTrackedAndNeverSent() {
        FileRun run = ledger.beginRun("a.csv", "0".repeat(64));
        ledger.accept(run, List.of(new AcceptedRow(2, "track:pl-1", null, null, "pl-1")), List.of());

        assertThat(ledger.nextToSend(run, 0, 10)).isEmpty();
        assertThat(ledger.unfinished(run)).isZero();
        assertThat(ledger.entry("track:pl-1")).get().extracting(ResultLine::status).isEqualTo("TRACKED");
    }

    @Test
    void concurrentClaimsOfOneKeyHaveExactlyOneOwner() throws Exception {
        int files = 6;
        List<FileRun> runs = new ArrayList<>();
        for (int i = 0; i < files; i++) {
            runs.add(ledger.beginRun("f" + i + ".csv", String.valueOf(i).repeat(64)));
        }
        ExecutorService pool = Executors.newFixedThreadPool(files);
        try {
            List<Callable<Ledger.ChunkResult>> claims = new ArrayList<>();
            for (FileRun run : runs) {
                List<AcceptedRow> rows = new ArrayList<>();
                for (int k = 0; k < 200; k++) {
                    rows.add(row(k + 2, "shared-" + k, "1"));
                }
                claims.add(() -> ledger.accept(run, rows, List.of()));
            }
            int claimed = 0;
            int duplicates = 0;
            for (Future<Ledger.ChunkResult> f : pool.invokeAll(claims)) {
                claimed += f.get().claimed();
                duplicates += f.get().duplicates();
            }
            assertThat(claimed).isEqualTo(200);
            assertThat(duplicates).isEqualTo(200 * (files - 1));
        } finally {
            pool.shutdownNow();
        }
    }

    private static InvalidRow invalid(long line) {
        return new InvalidRow(line, "priceNet", "not an amount", Map.of(Column.TRANSACTIONID, "x" + line, Column.PRICENET, "abc"));
    }
}
