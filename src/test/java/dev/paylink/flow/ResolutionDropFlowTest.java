package dev.paylink.flow;

import static dev.paylink.support.Drops.awaitSummary;
import static dev.paylink.support.Drops.drop;
import static dev.paylink.support.Drops.results;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.paylink.intake.AcceptedRow;
import dev.paylink.ledger.FileRun;
import dev.paylink.ledger.Ledger;
import dev.paylink.ledger.Resolution;
import dev.paylink.ledger.ResultLine;
import dev.paylink.sandbox.OnOfficeSimulator;
import dev.paylink.smartml.ActionOutcome;
import dev.paylink.smartml.PaymentLinkRequest;
import dev.paylink.support.Drops;
import dev.paylink.support.PaylinkApp;
import java.io.IOException;
import java.io.Reader;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Resolution drops in the running app (sandbox mode): a person's decisions about UNCERTAIN rows are applied once
 * each, answered in the outbox, reflected in fresh results, announced as link.resolved, and never applied twice.
 */
class ResolutionDropFlowTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Input rows R-2 ... R-8 on lines 2 ... 8. */
    private static final String ORDERS = "reference,transactionid,priceNet,description\n"
            + "R-2,1100135697,10.00,a\nR-3,1100135698,11.00,b\nR-4,1100135699,12.00,c\nR-5,1100135700,13.00,d\n"
            + "R-6,1100135701,14.00,e\nR-7,1100135702,15.00,f\nR-8,1100135703,16.00,g\n";

    @TempDir
    Path data;

    private PaylinkApp app;
    private OnOfficeSimulator onOffice;
    private Ledger ledger;

    @BeforeEach
    void start() throws Exception {
        app = PaylinkApp.start(data, Map.of("paylink.sandbox", "true"));
        onOffice = app.bean("onOfficeSimulator", OnOfficeSimulator.class);
        ledger = app.bean("ledger", Ledger.class);
    }

    @AfterEach
    void stop() throws Exception {
        app.close();
    }

    /**
     * orders.csv, completed with every row UNCERTAIN but R-6 (CREATED): the state an onOffice outage leaves behind.
     * The UNCERTAIN rows are recorded through the ledger, so the simulator never saw them; dropping the file then
     * resumes its run, sends R-6 and writes the results.
     */
    private void uncertainOrders() throws Exception {
        byte[] bytes = ORDERS.getBytes(StandardCharsets.UTF_8);
        FileRun run = ledger.beginRun("orders.csv", Drops.sha256(bytes));
        List<AcceptedRow> rows = new ArrayList<>();
        for (int line = 2; line <= 8; line++) {
            rows.add(new AcceptedRow(line, "R-" + line, new PaymentLinkRequest(String.valueOf(1100135695L + line), new BigDecimal(line + 8 + ".00"),
                    String.valueOf((char) ('a' + line - 2)), false), "R-" + line, null));
        }
        ledger.accept(run, rows, List.of());
        ledger.markAccepted(run, 7, List.of());
        ledger.markSending(ledger.nextToSend(run, 0, 10));
        List<ActionOutcome> outcomes = new ArrayList<>();
        for (String key : List.of("R-2", "R-3", "R-4", "R-5", "R-7", "R-8")) {
            outcomes.add(new ActionOutcome.Uncertain(key, null, "HTTP 500 from onOffice"));
        }
        outcomes.add(new ActionOutcome.Held("R-6", ActionOutcome.HoldReason.UNREACHABLE, null, "never left"));
        ledger.recordOutcomes(outcomes);

        drop(app.inbox(), "orders.csv", bytes);
        JsonNode summary = awaitSummary(app.outbox(), "orders");
        assertThat(summary.at("/counts/UNCERTAIN").asInt()).isEqualTo(6);
        assertThat(summary.at("/counts/CREATED").asInt()).isEqualTo(1);
        // The file's route is over (it clears any pause as it finishes) once the file is archived.
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(app.archive().resolve("orders.csv")));
    }

    /** One line of each decision, and bad lines of every kind; semicolons and a BOM, as German Excel writes it. */
    private static final String FIX = "\uFEFFKey;File;Line;Decision;URL;Reason;Note\n"
            + "R-2;;;resend;;checked: not in onOffice;\n"                       // 2
            + ";orders.csv;3;created;https://onoffice.invalid/found/3;;\n"      // 3
            + "R-4;;;rejected;;customer cancelled;\n"                           // 4
            + "R-5;orders.csv;5;DROP;;test row;\n"                              // 5
            + "R-6;;;created;https://onoffice.invalid/6;;not uncertain\n"       // 6
            + "R-7;;;drop;;first;\n"                                            // 7
            + ";orders.csv;7;rejected;;second;same entry again\n"              // 8
            + "R-404;;;resend;;;\n"                                             // 9
            + ";orders.csv;99;created;https://onoffice.invalid/99;;\n"          // 10
            + "R-8;;;maybe;;;\n"                                                // 11
            + "R-8;;;created;www.onoffice.invalid/8;;\n"                        // 12
            + "R-8;;;rejected;;;\n"                                             // 13
            + "R-8;orders.csv;4;created;https://onoffice.invalid/8;;\n";        // 14

    @Test
    void eachDecisionIsAppliedOnceAnsweredReportedAndAnnouncedAndBadLinesAreNot() throws Exception {
        uncertainOrders();

        drop(resolveFolder(), "fix.csv", FIX);

        List<CSVRecord> answer = awaitCsv(app.outbox().resolve("fix.resolution.csv"));
        assertThat(answer.get(0).toList()).containsExactly("line", "key", "file", "fileLine", "decision", "outcome", "newState", "url", "message");
        assertThat(answer.subList(1, answer.size())).extracting(r -> r.get(0) + " " + r.get(1) + " " + r.get(4) + " " + r.get(5) + " " + r.get(6))
                .containsExactly(
                        "2 R-2 resend APPLIED CREATED",
                        "3 R-3 created APPLIED CREATED",
                        "4 R-4 rejected APPLIED REJECTED",
                        "5 R-5 drop APPLIED REJECTED",
                        "6 R-6 created REFUSED ",
                        "7 R-7 drop REFUSED ",
                        "8 R-7 rejected REFUSED ",
                        "9 R-404 resend REFUSED ",
                        "10  created REFUSED ",
                        "11 R-8 maybe REFUSED ",
                        "12 R-8 created REFUSED ",
                        "13 R-8 rejected REFUSED ",
                        "14 R-8 created REFUSED ");
        assertThat(answer.get(1).get(7)).startsWith(OnOfficeSimulator.URL_PREFIX);
        assertThat(answer.get(1).get(8)).isEqualTo("sent again: link created");
        assertThat(answer.get(2).get(2) + " " + answer.get(2).get(3)).isEqualTo("orders.csv 3");
        assertThat(answer.get(2).get(7)).isEqualTo("https://onoffice.invalid/found/3");
        assertThat(answer.get(3).get(8)).isEqualTo("customer cancelled");
        assertThat(answer.get(4).get(8)).isEqualTo("dropped by a person: test row");
        assertThat(answer.get(5).get(8)).isEqualTo("key: the entry is CREATED, not UNCERTAIN: only UNCERTAIN entries are resolved");
        assertThat(answer.get(6).get(8)).isEqualTo("key: this entry is named on lines 7, 8 of the drop; one decision per entry, so none of these lines is applied");
        assertThat(answer.get(7).get(8)).startsWith("line: this entry is named on lines 7, 8");
        assertThat(answer.get(8).get(8)).isEqualTo("key: no ledger entry has this key");
        assertThat(answer.get(9).get(8)).startsWith("line: no ledger entry for line 99 of orders.csv");
        assertThat(answer.get(10).get(8)).startsWith("decision: 'maybe' is not a decision");
        assertThat(answer.get(11).get(8)).isEqualTo("url: 'www.onoffice.invalid/8' is not an absolute https or http URL");
        assertThat(answer.get(12).get(8)).isEqualTo("reason: rejected needs a reason");
        assertThat(answer.get(13).get(8)).isEqualTo("line: the key is line 8 of orders.csv, not line 4 of orders.csv");

        // The ledger: decided rows moved once, refused ones untouched; the resend went out exactly once, like any row.
        assertThat(List.of("R-2", "R-3", "R-4", "R-5", "R-6", "R-7", "R-8")).extracting(k -> ledger.entry(k).map(ResultLine::status).orElseThrow())
                .containsExactly("CREATED", "CREATED", "REJECTED", "REJECTED", "CREATED", "UNCERTAIN", "UNCERTAIN");
        assertThat(onOffice.executionsOf("R-2")).isEqualTo(1);
        assertThat(onOffice.executionsByIdentifier()).containsOnlyKeys("R-6", "R-2");

        // A fresh results file beside the first one, which stays as it was.
        assertThat(results(app.outbox(), "orders.resolved-fix").subList(1, 8)).extracting(r -> r.get(1) + " " + r.get(2))
                .containsExactly("R-2 CREATED", "R-3 CREATED", "R-4 REJECTED", "R-5 REJECTED", "R-6 CREATED", "R-7 UNCERTAIN", "R-8 UNCERTAIN");
        assertThat(results(app.outbox(), "orders").get(1).get(2)).isEqualTo("UNCERTAIN");

        List<JsonNode> resolved = awaitEvents(4);
        assertThat(resolved).extracting(e -> e.at("/data/key").asText() + " " + e.at("/data/decision").asText() + " "
                        + e.at("/data/previousState").asText() + " -> " + e.at("/data/newState").asText())
                .containsExactlyInAnyOrder("R-2 resend UNCERTAIN -> CREATED", "R-3 created UNCERTAIN -> CREATED", "R-4 rejected UNCERTAIN -> REJECTED",
                        "R-5 drop UNCERTAIN -> REJECTED");
        JsonNode created = resolved.stream().filter(e -> e.at("/data/key").asText().equals("R-3")).findFirst().orElseThrow();
        assertThat(created.at("/data/file").asText() + " " + created.at("/data/line").asLong()).isEqualTo("orders.csv 3");
        assertThat(created.at("/data/subsequentPaymentUrl").asText()).isEqualTo("https://onoffice.invalid/found/3");
        assertThat(created.at("/data/decidedBy").asText()).isEqualTo("fix.csv");
        assertThat(created.at("/data/decidedAt").asText()).isNotEmpty();
        JsonNode dropped = resolved.stream().filter(e -> e.at("/data/key").asText().equals("R-5")).findFirst().orElseThrow();
        assertThat(dropped.at("/data/reason").asText()).isEqualTo("test row");

        await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(app.archive().resolve("resolve/fix.csv")));
        assertThat(resolveFolder().resolve("fix.csv")).doesNotExist();

        // The same drop again: nothing is applied twice, sent twice or announced twice; it gets an answer of its own.
        drop(resolveFolder(), "fix.csv", FIX);
        List<CSVRecord> again = awaitCsv(app.outbox().resolve("fix.2.resolution.csv"));
        assertThat(again.subList(1, again.size())).extracting(r -> r.get(5)).containsExactly("ALREADY_APPLIED", "ALREADY_APPLIED", "ALREADY_APPLIED",
                "ALREADY_APPLIED", "REFUSED", "REFUSED", "REFUSED", "REFUSED", "REFUSED", "REFUSED", "REFUSED", "REFUSED", "REFUSED");
        assertThat(again.get(1).get(6)).isEqualTo("CREATED");
        assertThat(again.get(1).get(8)).startsWith("already applied by drop fix.csv line 2 (resend) at ");
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(app.archive().resolve("resolve/fix.2.csv")));
        assertThat(onOffice.executionsOf("R-2")).isEqualTo(1);
        assertThat(resolvedEvents()).hasSize(4);
        assertThat(app.outbox().resolve("orders.resolved-fix.2.results.csv")).doesNotExist();
        assertThat(app.outbox().resolve("fix.resolution.csv")).exists();

        // Another drop about an entry already resolved: refused, saying by whom.
        drop(resolveFolder(), "late.csv", "key,decision,reason\nR-3,drop,too late\n");
        List<CSVRecord> late = awaitCsv(app.outbox().resolve("late.resolution.csv"));
        assertThat(late.get(1).get(8)).startsWith("key: already resolved by drop fix.csv line 3 (created) at ").endsWith("; the entry is CREATED now");
    }

    @Test
    void aResendDecidedWhileSendingIsPausedWaitsReceivedAndGoesOutOnceSendingResumes() throws Exception {
        uncertainOrders();
        IntakeGate gate = app.bean("intakeGate", IntakeGate.class);
        gate.pause("onOffice is down (test)", "Wait."); // 5 min: it does not end by itself during this part

        drop(resolveFolder(), "resend.csv", "file,line,decision\norders.csv,2,resend\n");
        List<CSVRecord> answer = awaitCsv(app.outbox().resolve("resend.resolution.csv"));
        assertThat(answer.get(1).get(5) + " " + answer.get(1).get(6)).isEqualTo("APPLIED RECEIVED");
        assertThat(answer.get(1).get(8)).isEqualTo("sending is paused: it is sent as soon as sending resumes");
        assertThat(onOffice.executionsOf("R-2")).isZero();
        assertThat(resolvedEvents()).as("announced once it has settled").isEmpty();

        // Now an outage whose pause ends in 300 ms (tests): with no inbox file to probe with, the waiting resend is the
        // probe (after a harmless read), and sending resumes.
        gate.pauseForOutage("onOffice is failing (test)");
        List<JsonNode> resolved = awaitEvents(1);
        assertThat(gate.paused()).isFalse();
        assertThat(resolved.get(0).at("/data/newState").asText()).isEqualTo("CREATED");
        assertThat(resolved.get(0).at("/data/subsequentPaymentUrl").asText()).startsWith(OnOfficeSimulator.URL_PREFIX);
        assertThat(onOffice.executionsOf("R-2")).isEqualTo(1);
        assertThat(results(app.outbox(), "orders.resolved-resend").get(1).get(2)).isEqualTo("CREATED");
    }

    @Test
    void aResendCutOffByAKillIsUncertainAfterTheRestartAndNeverSentAgain() throws Exception {
        uncertainOrders();
        // Sending paused, so that nothing but this test moves the resend: it is on its way when the process dies.
        app.bean("intakeGate", IntakeGate.class).pause("onOffice is down (test)", "Wait.");
        Resolution.Result applied = ledger.resolve(new Resolution.Request("R-2", Resolution.Decision.RESEND, null, null, "fix.csv", "f".repeat(64), 2,
                Instant.parse("2025-03-01T09:30:00Z")));
        assertThat(ledger.markSending(ledger.receivedEntries(List.of("R-2")))).hasSize(1);
        app.close();

        app = PaylinkApp.start(data, Map.of("paylink.sandbox", "true"));
        ledger = app.bean("ledger", Ledger.class);

        List<JsonNode> resolved = awaitEvents(1);
        assertThat(resolved.get(0).at("/data/newState").asText()).isEqualTo("UNCERTAIN");
        assertThat(ledger.entry("R-2")).get().extracting(ResultLine::status, ResultLine::message)
                .containsExactly("UNCERTAIN", "interrupted while being sent again (crash or kill); the link may exist");
        assertThat(ledger.pendingResends(10)).isEmpty();
        assertThat(app.bean("onOfficeSimulator", OnOfficeSimulator.class).executionsOf("R-2")).isZero();
        assertThat(results(app.outbox(), "orders.resolved-fix").get(1).get(2)).isEqualTo("UNCERTAIN");
        assertThat(ledger.resolutionOf("f".repeat(64), 2)).get().extracting(Resolution.Recorded::id).isEqualTo(applied.recorded().id());
    }

    @Test
    void aDropThatCannotBeReadIsSetAsideWithAReportAndNothingOfItIsApplied() throws Exception {
        uncertainOrders();

        drop(resolveFolder(), "what.csv", "key,what\nR-2,resend\n");

        Path report = app.error().resolve("resolve/what.csv.error.txt");
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(app.error().resolve("resolve/what.csv")) && Files.exists(report));
        assertThat(Files.readString(report)).contains("what.csv").contains("decision column").contains("Nothing of this drop was applied");
        assertThat(ledger.entry("R-2")).get().extracting(ResultLine::status).isEqualTo("UNCERTAIN");
        assertThat(resolveFolder().resolve("what.csv")).doesNotExist();
    }

    private Path resolveFolder() {
        return data.resolve("resolve");
    }

    private static List<CSVRecord> awaitCsv(Path file) throws IOException {
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(file));
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return CSVFormat.RFC4180.parse(r).getRecords();
        }
    }

    private List<JsonNode> awaitEvents(int count) throws IOException {
        await().atMost(Duration.ofSeconds(30)).until(() -> resolvedEvents().size() >= count);
        return resolvedEvents();
    }

    /** The link.resolved events in the day's event logs. */
    private List<JsonNode> resolvedEvents() throws IOException {
        Path folder = app.outbox().resolve("events");
        List<JsonNode> found = new ArrayList<>();
        if (!Files.isDirectory(folder)) {
            return found;
        }
        try (var files = Files.list(folder)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".ndjson")).sorted().toList()) {
                for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
                    JsonNode event = JSON.readTree(line);
                    if (event.path("type").asText().equals("link.resolved")) {
                        found.add(event);
                    }
                }
            }
        }
        return found;
    }
}
