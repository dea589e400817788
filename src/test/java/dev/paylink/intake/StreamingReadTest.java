package dev.paylink.intake;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A big file is read row by row with the right line numbers (memory is bounded by design, see RowReaders). */
class StreamingReadTest {

    @TempDir
    Path dir;

    @Test
    void iterates200000CsvRowsWithLineNumbers() throws Exception {
        int rows = 200_000;
        Path file = dir.resolve("big.csv");
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            w.write("transactionid;priceNet;description;sendMailToCustomer\r\n");
            for (int i = 1; i <= rows; i++) {
                w.write((1_100_000_000L + i) + ";" + (i % 9000 + 1) + ",50;\"Nachzahlung Nr. " + i
                        + " für Müller; Rundgang\";" + (i % 2 == 0 ? "ja" : "nein") + "\r\n");
            }
        }
        assertThat(Files.size(file)).isGreaterThan(10_000_000L);
        FileFacts facts = FileSniffer.sniff(file, IntakeSettings.defaults());
        assertThat(facts.delimiter()).isEqualTo(';');
        RowValidator validator = new RowValidator(IntakeSettings.defaults());
        long count = 0;
        long valid = 0;
        try (RowSource source = RowReaders.open(file, facts)) {
            while (source.hasNext()) {
                RowInput row = source.next();
                count++;
                assertThat(row.line()).isEqualTo(count + 1);
                if (validator.validate(row) instanceof Validated.Valid) {
                    valid++;
                }
            }
        }
        assertThat(count).isEqualTo(rows);
        assertThat(valid).isEqualTo(rows);
    }

    @Test
    void iteratesALargeNdjsonFile() throws Exception {
        int rows = 50_000;
        Path file = dir.resolve("big.ndjson");
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (int i = 1; i <= rows; i++) {
                w.write("{\"transactionid\": \"" + i + "\", \"priceNet\": " + i % 100 + ".5, \"description\": \"d\"}\n");
            }
        }
        long count = 0;
        try (RowSource source = RowReaders.open(file, FileSniffer.sniff(file, IntakeSettings.defaults()))) {
            while (source.hasNext()) {
                assertThat(source.next().line()).isEqualTo(++count);
            }
        }
        assertThat(count).isEqualTo(rows);
    }
}
