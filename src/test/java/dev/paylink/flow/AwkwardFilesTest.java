package dev.paylink.flow;

import static dev.paylink.support.Drops.awaitSummary;
import static dev.paylink.support.Drops.drop;
import static dev.paylink.support.Drops.results;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.paylink.sandbox.OnOfficeSimulator;
import dev.paylink.support.PaylinkApp;
import java.io.ByteArrayOutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files as real back offices produce them, through the running app: every file ends in the archive or the
 * error folder, every row is reported once with its line, every valid row gets its link, nothing is sent twice.
 */
class AwkwardFilesTest {

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
    void aGermanExcelExportInWindows1252() throws Exception {
        // "CSV (Trennzeichen-getrennt)" from German Excel: windows-1252, ';', CRLF, WAHR/FALSCH, empty trailing columns.
        String csv = "TransactionID;PriceNet;Description;SendMailToCustomer;;\r\n"
                + "1100135801;1.234,56 €;Übersetzung Exposé für Müller;WAHR;;\r\n"
                + "1100135802;99,5;Grundriss Erdgeschoß;FALSCH;;\r\n"
                + ";;;;;\r\n"
                + "1100135803;0,00;Kostenlos;FALSCH;;\r\n";
        drop(app.inbox(), "export.csv", csv, Charset.forName("windows-1252"));

        JsonNode summary = awaitSummary(app.outbox(), "export");
        assertThat(summary.get("charset").asText()).isEqualTo("windows-1252");
        assertThat(summary.at("/counts/CREATED").asInt()).isEqualTo(2);
        assertThat(summary.at("/counts/INVALID").asInt()).isEqualTo(1);
        List<CSVRecord> lines = results(app.outbox(), "export");
        assertThat(lines.get(1).get(5)).isEqualTo("Übersetzung Exposé für Müller");
        assertThat(lines.get(1).get(4)).isEqualTo("1234.56");
        assertThat(lines.get(1).get(7)).isEqualTo("true");
        assertThat(lines.get(2).get(4)).isEqualTo("99.50");
        assertThat(lines.get(3).get(0)).isEqualTo("5");
        assertThat(onOffice.createdLinks()).extracting(l -> l.description()).contains("Übersetzung Exposé für Müller");
    }

    @Test
    void excelUnicodeTextIsUtf16WithTabs() throws Exception {
        String text = "transactionid\tpriceNet\tdescription\r\n1100135901\t12,50\tFotos Außenbereich\r\n";
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.write(new byte[] {(byte) 0xFF, (byte) 0xFE});
        bytes.write(text.getBytes(StandardCharsets.UTF_16LE));
        drop(app.inbox(), "unicode.txt", bytes.toByteArray());

        JsonNode summary = awaitSummary(app.outbox(), "unicode");
        assertThat(summary.at("/counts/CREATED").asInt()).isEqualTo(1);
        assertThat(results(app.outbox(), "unicode").get(1).get(5)).isEqualTo("Fotos Außenbereich");
    }

    @Test
    void jsonWithBomNdjsonWithABrokenLineAndTheSeedActionArray() throws Exception {
        drop(app.inbox(), "rows.json", "\uFEFF[{\"TransactionId\": \"1100136001\", \"priceNet\": 19.9, \"description\": \"A\", \"extra\": 1}]");
        drop(app.inbox(), "rows.ndjson", "{\"transactionid\":\"1100136002\",\"priceNet\":\"5.00\",\"description\":\"B\"}\r\n"
                + "{broken\r\n\r\n{\"transactionid\":\"1100136003\",\"priceNet\":\"6,00\",\"description\":\"C\"}\r\n");
        drop(app.inbox(), "actions.json", "[{\"actionid\":\"urn:onoffice-de-ns:smart:2.5:smartml:action:do\",\"resourceid\":null,"
                + "\"resourcetype\":\"subsequentPaymentLink\",\"identifier\":\"ACT-1\",\"parameters\":{\"transactionid\":\"1100136004\","
                + "\"priceNet\":\"1000.00\",\"description\":\"D\",\"sendMailToCustomer\":true}}]");

        // rows.json and rows.ndjson share a base name: the second one's reports take the next free name beside the first.
        JsonNode first = awaitSummary(app.outbox(), "rows");
        JsonNode other = awaitSummary(app.outbox(), "rows.2");
        assertThat(other.get("file").asText()).isNotEqualTo(first.get("file").asText());
        JsonNode json = first.get("file").asText().equals("rows.json") ? first : other;
        JsonNode ndjson = json == first ? other : first;
        assertThat(json.at("/counts/CREATED").asInt()).isEqualTo(1);
        assertThat(ndjson.get("file").asText()).isEqualTo("rows.ndjson");
        assertThat(ndjson.at("/counts/CREATED").asInt()).isEqualTo(2);
        assertThat(ndjson.at("/counts/INVALID").asInt()).isEqualTo(1);
        JsonNode actions = awaitSummary(app.outbox(), "actions");
        assertThat(actions.at("/counts/CREATED").asInt()).isEqualTo(1);
        assertThat(results(app.outbox(), "actions").get(1).get(1)).isEqualTo("ACT-1");
    }

    @Test
    void garbageAndHeaderlessFilesAreRefusedWithAReportAndNothingIsLost() throws Exception {
        byte[] noise = new byte[4096];
        new Random(7).nextBytes(noise);
        drop(app.inbox(), "noise.csv", noise);
        drop(app.inbox(), "headerless.csv", "1100135697;10,00;Nachzahlung\n1100135698;11,00;Foto\n");
        drop(app.inbox(), "notes.txt", "Bitte Rechnung an Frau Schmidt schicken.\n");

        await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(app.error().resolve("noise.csv.error.txt"))
                && Files.exists(app.error().resolve("headerless.csv.error.txt")) && Files.exists(app.error().resolve("notes.txt.error.txt")));
        assertThat(Files.readString(app.error().resolve("headerless.csv.error.txt"))).contains("no transactionid or paymentLinkId column");
        assertThat(app.error().resolve("noise.csv")).exists();
        assertThat(onOffice.requestCount()).isZero();
        await().atMost(Duration.ofSeconds(5)).until(() -> {
            try (var inbox = Files.list(app.inbox())) {
                return inbox.findAny().isEmpty();
            }
        });
    }

    @Test
    void manyFilesWithOverlappingRowsSendEveryKeyOnce() throws Exception {
        for (int f = 0; f < 5; f++) {
            StringBuilder csv = new StringBuilder("transactionid,priceNet,description\n");
            for (int r = 0; r < 60; r++) {
                // Files overlap: rows 0..59 of file f are keys f*30 .. f*30+59.
                int k = f * 30 + r;
                csv.append(1100140000 + k).append(",").append(k % 90 + 1).append(".00,Posten ").append(k).append('\n');
            }
            drop(app.inbox(), "part-" + f + ".csv", csv.toString());
        }
        int created = 0;
        int duplicates = 0;
        for (int f = 0; f < 5; f++) {
            JsonNode s = awaitSummary(app.outbox(), "part-" + f);
            assertThat(s.get("rows").asInt()).isEqualTo(60);
            created += s.at("/counts/CREATED").asInt();
            duplicates += s.at("/counts/DUPLICATE").asInt();
            assertThat(results(app.outbox(), "part-" + f)).hasSize(61);
        }
        assertThat(created).isEqualTo(30 * 4 + 60);
        assertThat(duplicates).isEqualTo(5 * 60 - created);
        assertThat(onOffice.executedCount()).isEqualTo(created);
        assertThat(onOffice.repeatedExecutions()).isZero();
    }
}
