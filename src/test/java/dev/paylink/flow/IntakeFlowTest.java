package dev.paylink.flow;

import static dev.paylink.support.Drops.awaitSummary;
import static dev.paylink.support.Drops.drop;
import static dev.paylink.support.Drops.results;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.paylink.intake.AcceptedRow;
import dev.paylink.ledger.FileRun;
import dev.paylink.ledger.Ledger;
import dev.paylink.ledger.LedgerEntry;
import dev.paylink.ledger.ResultLine;
import dev.paylink.sandbox.OnOfficeSimulator;
import dev.paylink.smartml.ActionOutcome;
import dev.paylink.smartml.PaymentLinkRequest;
import dev.paylink.support.Drops;
import dev.paylink.support.PaylinkApp;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The intake flow end to end in sandbox mode: files in, links created by the simulator, results out. */
class IntakeFlowTest {

    @TempDir
    Path data;

    private PaylinkApp app;
    private OnOfficeSimulator onOffice;

    @BeforeEach
    void start() throws Exception {
        app = PaylinkApp.start(data, Map.of("paylink.sandbox", "true"));
        onOffice = app.bean("onOfficeSimulator", OnOfficeSimulator.class);
    }

    @AfterEach
    void stop() throws Exception {
        app.close();
    }

    @Test
    void everyRowOfACsvIsReportedInInputOrderAndValidRowsBecomeLinks() throws Exception {
        drop(app.inbox(), "orders.csv", """
                transactionid,priceNet,description,sendMailToCustomer,note
                1100135697,1000.00,Nachzahlung 3D-Rundgang,true,first
                1100135698,"99,90",Zusatzfoto,nein,
                1000000189,10.00,Unbekannte Transaktion,,
                abc,10.00,Bad transaction id,,
                1100135697,1000.00,Nachzahlung 3D-Rundgang,false,same key as line 2
                1100135699,12.00,"=HYPERLINK(""http://evil.invalid"")",,
                1100135700,"5,00","Zwei
                Zeilen",,
                1100135701,7.50,Letzte Zeile,ja,
                """);

        JsonNode summary = awaitSummary(app.outbox(), "orders");
        assertThat(summary.get("status").asText()).isEqualTo("COMPLETED");
        assertThat(summary.get("rows").asLong()).isEqualTo(8);
        assertThat(summary.get("counts").toString())
                .isEqualTo("{\"CREATED\":4,\"REJECTED\":1,\"UNCERTAIN\":0,\"DUPLICATE\":1,\"INVALID\":2,\"TRACKED\":0}");
        assertThat(summary.get("unknownColumns").toString()).isEqualTo("[\"note\"]");

        List<CSVRecord> lines = results(app.outbox(), "orders");
        assertThat(lines.get(0).toList()).containsExactly("line", "key", "status", "transactionid", "priceNet", "description",
                "subsequentPaymentUrl", "mailToCustomerSent", "errorCode", "message");
        assertThat(lines.subList(1, lines.size())).extracting(r -> r.get(0) + " " + r.get(2))
                .containsExactly("2 CREATED", "3 CREATED", "4 REJECTED", "5 INVALID", "6 DUPLICATE", "7 CREATED", "8 INVALID", "10 CREATED");
        CSVRecord first = lines.get(1);
        assertThat(first.get(4)).isEqualTo("1000.00");
        assertThat(first.get(6)).startsWith(OnOfficeSimulator.URL_PREFIX);
        assertThat(first.get(7)).isEqualTo("true");
        assertThat(lines.get(2).get(4)).isEqualTo("99.90");
        assertThat(lines.get(2).get(7)).isEqualTo("false");
        assertThat(lines.get(3).get(8)).isEqualTo("189");
        assertThat(lines.get(4).get(9)).contains("transactionid");
        assertThat(lines.get(5).get(9)).contains("line 2");
        assertThat(lines.get(6).get(5)).isEqualTo("'=HYPERLINK(\"http://evil.invalid\")");
        assertThat(lines.get(7).get(9)).contains("description");

        // The summary is written before the run is COMPLETED and the file moved: wait for the move.
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(app.archive().resolve("orders.csv")));
        await().atMost(Duration.ofSeconds(5)).until(() -> !Files.exists(app.inbox().resolve("orders.csv")));
        assertThat(onOffice.executedCount()).isEqualTo(4);
        assertThat(onOffice.executionsByIdentifier().values()).containsOnly(1);
    }

    @Test
    void aKeyAlreadyInTheLedgerIsNeverSentAgainFromAnotherFile() throws Exception {
        String rows = "transactionid;priceNet;description\n1100135697;1.250,00;Nachzahlung\n1100135698;10,00;Foto\n";
        drop(app.inbox(), "monday.csv", rows);
        assertThat(awaitSummary(app.outbox(), "monday").at("/counts/CREATED").asInt()).isEqualTo(2);

        drop(app.inbox(), "tuesday.csv", rows + "1100135699;3,00;Neu\n");
        JsonNode tuesday = awaitSummary(app.outbox(), "tuesday");

        assertThat(tuesday.at("/counts/DUPLICATE").asInt()).isEqualTo(2);
        assertThat(tuesday.at("/counts/CREATED").asInt()).isEqualTo(1);
        assertThat(results(app.outbox(), "tuesday").get(1).get(9)).isEqualTo("key already in the ledger from monday.csv line 2 (CREATED)");
        assertThat(onOffice.executedCount()).isEqualTo(3);
        assertThat(onOffice.executionsByIdentifier().values()).containsOnly(1);
    }

    @Test
    void aFileThatCannotBeReadGoesToTheErrorFolderWithAReportAndNothingIsSent() throws Exception {
        drop(app.inbox(), "broken.csv", "transactionid,priceNet,description\n1100135697,10.00,ok\n1100135698,\"10.00,never closed\n1100135699,1.00,x\n");

        JsonNode summary = awaitSummary(app.outbox(), "broken");
        assertThat(summary.get("status").asText()).isEqualTo("FAILED");
        assertThat(summary.get("errorLine").asLong()).isEqualTo(3);
        await().atMost(Duration.ofSeconds(5)).until(() -> Files.exists(app.error().resolve("broken.csv")));
        assertThat(Files.readString(app.error().resolve("broken.csv.error.txt"))).contains("broken.csv").contains("line:   3");
        assertThat(app.inbox().resolve("broken.csv")).doesNotExist();
        assertThat(onOffice.requestCount()).isZero();

        // Corrected and dropped again, its rows are new, not duplicates of the refused file; its reports go beside the
        // refused file's, which stays as it was.
        drop(app.inbox(), "broken.csv", "transactionid,priceNet,description\n1100135697,10.00,ok\n");
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(app.archive().resolve("broken.csv")));
        assertThat(awaitSummary(app.outbox(), "broken.2").at("/counts/CREATED").asInt()).isEqualTo(1);
        assertThat(awaitSummary(app.outbox(), "broken").get("status").asText()).isEqualTo("FAILED");
    }

    @Test
    void anEmptyOrBinaryFileIsRefusedNotLost() throws Exception {
        drop(app.inbox(), "empty.csv", new byte[0]);
        drop(app.inbox(), "book.xlsx", new byte[] {'P', 'K', 3, 4, 0, 0, 0, 0, 1, 2});

        await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(app.error().resolve("empty.csv.error.txt"))
                && Files.exists(app.error().resolve("book.xlsx.error.txt")));
        assertThat(app.error().resolve("empty.csv")).exists();
        assertThat(Files.readString(app.error().resolve("book.xlsx.error.txt"))).contains("Excel");
    }

    @Test
    void aServerErrorOrALateAnswerMakesTheBatchUncertainAndItIsNeverResent() throws Exception {
        drop(app.inbox(), "unknown.csv", "transactionid,priceNet,description\n"
                + OnOfficeSimulator.TRIGGER_HTTP_500 + ",10.00,server error\n1100135697,10.00,same batch\n");
        JsonNode summary = awaitSummary(app.outbox(), "unknown");

        assertThat(summary.at("/counts/UNCERTAIN").asInt()).isEqualTo(2);
        assertThat(results(app.outbox(), "unknown").get(2).get(9)).contains("500");
        // The simulator did create the link of the second row: resending it would charge twice.
        assertThat(onOffice.executedCount()).isEqualTo(1);

        drop(app.inbox(), "unknown-again.csv", "transactionid,priceNet,description\n1100135697,10.00,same batch\n"
                + OnOfficeSimulator.TRIGGER_SLOW_ANSWER + ",10.00,late answer\n");
        JsonNode again = awaitSummary(app.outbox(), "unknown-again");
        assertThat(again.at("/counts/DUPLICATE").asInt()).isEqualTo(1);
        assertThat(again.at("/counts/UNCERTAIN").asInt()).isEqualTo(1);
        assertThat(onOffice.executionsByIdentifier().values()).containsOnly(1);
    }

    @Test
    void aRunInterruptedWhileSendingResumesWithoutSendingAnythingTwice() throws Exception {
        String content = "reference,transactionid,priceNet,description\nR-2,1100135697,10.00,a\nR-3,1100135698,11.00,b\nR-4,1100135699,12.00,c\n";
        byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
        // The state a crash leaves behind: every row claimed, R-3 answered, R-2 on its way when the process died.
        Ledger ledger = app.bean("ledger", Ledger.class);
        FileRun run = ledger.beginRun("crash.csv", Drops.sha256(bytes));
        ledger.accept(run, List.of(claim(2, "R-2", "1100135697"), claim(3, "R-3", "1100135698"), claim(4, "R-4", "1100135699")), List.of());
        ledger.markAccepted(run, 3, List.of());
        List<LedgerEntry> firstTwo = ledger.markSending(ledger.nextToSend(run, 0, 2));
        ledger.recordOutcomes(List.of(new ActionOutcome.Created("R-3", "https://before.invalid/3", false)));
        assertThat(firstTwo).hasSize(2);

        drop(app.inbox(), "crash.csv", bytes);
        awaitSummary(app.outbox(), "crash");

        assertThat(results(app.outbox(), "crash").subList(1, 4)).extracting(r -> r.get(1) + " " + r.get(2))
                .containsExactly("R-2 UNCERTAIN", "R-3 CREATED", "R-4 CREATED");
        assertThat(ledger.entry("R-3")).get().extracting(ResultLine::subsequentPaymentUrl).isEqualTo("https://before.invalid/3");
        assertThat(onOffice.executionsByIdentifier()).containsOnlyKeys("R-4");
    }

    @Test
    void aRunKilledWhileItsRowsWereStillBeingClaimedReadsAgainAndSendsOnlyWhatNoRequestCarried() throws Exception {
        String content = "reference,transactionid,priceNet,description\nR-2,1100135697,10.00,a\nR-3,1100135698,11.00,b\n"
                + "R-4,1100135699,12.00,c\nR-5,1100135700,13.00,d\nR-6,1100135697,10.00,a\n";
        byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
        // The state a kill leaves while claims and sends overlap: lines 2-4 claimed (not all: the run is not accepted),
        // R-3 answered, R-2 on its way, R-4 claimed and not sent; lines 5-6 never read by that run.
        Ledger ledger = app.bean("ledger", Ledger.class);
        FileRun run = ledger.beginRun("cut.csv", Drops.sha256(bytes));
        ledger.accept(run, List.of(claim(2, "R-2", "1100135697"), claim(3, "R-3", "1100135698"), claim(4, "R-4", "1100135699")), List.of());
        assertThat(ledger.markSending(ledger.nextToSend(run, 0, 2))).hasSize(2);
        ledger.recordOutcomes(List.of(new ActionOutcome.Created("R-3", "https://before.invalid/3", false)));

        drop(app.inbox(), "cut.csv", bytes);
        JsonNode summary = awaitSummary(app.outbox(), "cut");

        assertThat(summary.get("rows").asInt()).isEqualTo(5);
        assertThat(results(app.outbox(), "cut").subList(1, 6)).extracting(r -> r.get(1) + " " + r.get(2))
                .containsExactly("R-2 UNCERTAIN", "R-3 CREATED", "R-4 CREATED", "R-5 CREATED", "R-6 CREATED");
        assertThat(onOffice.executionsByIdentifier()).containsOnlyKeys("R-4", "R-5", "R-6");
    }

    private static AcceptedRow claim(long line, String reference, String tx) {
        return new AcceptedRow(line, reference, new PaymentLinkRequest(tx, new BigDecimal("10.00"), "x", false), reference, null);
    }
}
