package dev.paylink.flow;

import static dev.paylink.support.Drops.awaitSummary;
import static dev.paylink.support.Drops.drop;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.paylink.report.ResolutionCsv;
import dev.paylink.report.ResultsCsv;
import dev.paylink.sandbox.OnOfficeSimulator;
import dev.paylink.support.PaylinkApp;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code paylink.report.delimiter=;} and {@code paylink.report.bom=true} in the running app: the results, the fresh
 * results after a resolution drop and the drop's answer all start with a UTF-8 BOM and use {@code ;}, quoting values
 * that contain one.
 */
class GermanExcelReportsTest {

    private static final String DESCRIPTION = "Miete; Juni \"5\" — Müller";

    @TempDir
    Path data;

    @Test
    void everyReportStartsWithABomAndUsesSemicolons() throws Exception {
        try (PaylinkApp app = PaylinkApp.start(data, Map.of("paylink.sandbox", "true", "paylink.report.delimiter", ";", "paylink.report.bom", "true"))) {
            // The simulator answers this transaction id with HTTP 500: the row is UNCERTAIN, so it can be resolved below.
            drop(app.inbox(), "orders.csv", "reference,transactionid,priceNet,description\n"
                    + "R-1," + OnOfficeSimulator.TRIGGER_HTTP_500 + ",10.00,\"Miete; Juni \"\"5\"\" — Müller\"\n");
            awaitSummary(app.outbox(), "orders");

            List<CSVRecord> results = germanExcel(app.outbox().resolve("orders.results.csv"), ResultsCsv.HEADER);
            assertThat(results.get(1).get("key")).isEqualTo("R-1");
            assertThat(results.get(1).get("status")).isEqualTo("UNCERTAIN");
            assertThat(results.get(1).get("description")).isEqualTo(DESCRIPTION);
            assertThat(Files.readString(app.outbox().resolve("orders.results.csv"))).contains(";\"Miete; Juni \"\"5\"\" — Müller\";");

            drop(app.data.resolve("resolve"), "fix.csv", "key,decision,reason\nR-1,drop,\"checked; not in onOffice\"\n");
            Path answer = app.outbox().resolve("fix.resolution.csv");
            Path fresh = app.outbox().resolve("orders.resolved-fix.results.csv");
            await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(answer) && Files.exists(fresh));

            List<CSVRecord> answered = germanExcel(answer, ResolutionCsv.HEADER);
            assertThat(answered.get(1).get("outcome")).isEqualTo("APPLIED");
            assertThat(answered.get(1).get("message")).isEqualTo("dropped by a person: checked; not in onOffice");
            List<CSVRecord> after = germanExcel(fresh, ResultsCsv.HEADER);
            assertThat(after.get(1).get("status")).isEqualTo("REJECTED");
            assertThat(after.get(1).get("description")).isEqualTo(DESCRIPTION);
        }
    }

    /** Asserts the BOM and the {@code ;} header, and reads the records (header included) with {@code ;}. */
    private static List<CSVRecord> germanExcel(Path file, String[] header) throws Exception {
        byte[] bytes = Files.readAllBytes(file);
        assertThat(Arrays.copyOf(bytes, 3)).as(file.getFileName() + " starts with a UTF-8 BOM").containsExactly(0xEF, 0xBB, 0xBF);
        String text = new String(bytes, 3, bytes.length - 3, StandardCharsets.UTF_8);
        assertThat(text).startsWith(String.join(";", header) + "\n");
        List<CSVRecord> records = CSVFormat.RFC4180.builder().setDelimiter(';').setHeader(header).get().parse(new StringReader(text)).getRecords();
        assertThat(records).allSatisfy(r -> assertThat(r.size()).isEqualTo(header.length));
        return records;
    }
}
