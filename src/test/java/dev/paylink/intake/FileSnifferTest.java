package dev.paylink.intake;

import static dev.paylink.intake.Files4Test.concat;
import static dev.paylink.intake.Files4Test.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Locale;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FileSnifferTest {

    private static final Charset CP1252 = Charset.forName("windows-1252");
    private static final IntakeSettings NO_FALLBACK = new IntakeSettings(StandardCharsets.UTF_8, null, Locale.GERMANY,
            new BigDecimal("10000.00"), false, 255, Pattern.compile("[0-9]{1,20}"));

    @TempDir
    Path dir;

    private FileFacts sniff(Path file) {
        return FileSniffer.sniff(file, IntakeSettings.defaults());
    }

    @Test
    void hashAndSizeCoverEveryByte() throws Exception {
        byte[] bytes = "transactionid,priceNet\n1,2\n".getBytes(StandardCharsets.UTF_8);
        FileFacts facts = sniff(write(dir, "a.csv", bytes));
        String expected = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        assertThat(facts.sha256()).isEqualTo(expected);
        assertThat(facts.size()).isEqualTo(bytes.length);
        assertThat(facts.format()).isEqualTo(FileFacts.Format.CSV);
        assertThat(facts.charset()).isEqualTo(StandardCharsets.UTF_8);
        assertThat(facts.charsetNote()).isEqualTo("UTF-8, as configured");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "transactionid,priceNet,description|,",
            "transactionid;priceNet;description|;",
            "transactionid\tpriceNet\tdescription|tab",
            "transactionid|,",
            "\"a;b;c\",x,y|,",
            "\"a,b,c\";x;y|;",
            "a,b;c|,",
            "a;b\tc|;",
            "a\tb\tc;d|tab",
    })
    void delimiterIsTheMostFrequentOutsideQuotes(String header, String delimiter) {
        FileFacts facts = sniff(write(dir, "h.csv", header + "\n1;2,3\t4\t5\t6\n"));
        assertThat(facts.format()).isEqualTo(FileFacts.Format.CSV);
        assertThat(facts.delimiter()).isEqualTo(delimiter.equals("tab") ? '\t' : delimiter.charAt(0));
    }

    @Test
    void utf8BomIsDetected() {
        byte[] bytes = concat(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF},
                "transactionid;priceNet\n1;2\n".getBytes(StandardCharsets.UTF_8));
        FileFacts facts = sniff(write(dir, "bom.csv", bytes));
        assertThat(facts.charset()).isEqualTo(StandardCharsets.UTF_8);
        assertThat(facts.charsetNote()).isEqualTo("UTF-8 BOM");
        assertThat(facts.delimiter()).isEqualTo(';');
    }

    @Test
    void utf16BomsAreDetected() {
        byte[] le = concat(new byte[] {(byte) 0xFF, (byte) 0xFE},
                "transactionid\tpriceNet\n1\t2\n".getBytes(StandardCharsets.UTF_16LE));
        FileFacts facts = sniff(write(dir, "le.txt", le));
        assertThat(facts.charset()).isEqualTo(StandardCharsets.UTF_16LE);
        assertThat(facts.charsetNote()).isEqualTo("UTF-16LE BOM");
        assertThat(facts.delimiter()).isEqualTo('\t');

        byte[] be = concat(new byte[] {(byte) 0xFE, (byte) 0xFF},
                "[{\"transactionid\": \"1\"}]".getBytes(StandardCharsets.UTF_16BE));
        FileFacts beFacts = sniff(write(dir, "be.json", be));
        assertThat(beFacts.charset()).isEqualTo(StandardCharsets.UTF_16BE);
        assertThat(beFacts.format()).isEqualTo(FileFacts.Format.JSON);
    }

    @Test
    void invalidUtf8FallsBackToWindows1252() {
        FileFacts facts = sniff(write(dir, "de.csv", "transactionid;description\n1;Müller\n", CP1252));
        assertThat(facts.charset()).isEqualTo(CP1252);
        assertThat(facts.charsetNote()).isEqualTo("not valid UTF-8, read as windows-1252");
        assertThat(facts.delimiter()).isEqualTo(';');
    }

    @Test
    void invalidUtf8WithoutFallbackNamesTheLine() {
        Path file = write(dir, "de.csv", "transactionid;description\n1;ok\n2;Müller\n", CP1252);
        assertThatThrownBy(() -> FileSniffer.sniff(file, NO_FALLBACK))
                .isInstanceOfSatisfying(UnreadableFileException.class, e -> assertThat(e.line()).isEqualTo(3))
                .hasMessage("not valid UTF-8 at line 3; the first invalid byte is at byte offset 34. Save the file as"
                        + " UTF-8, or configure the intake fallback charset (e.g. windows-1252)");
    }

    @Test
    void multiByteCharactersSplitAcrossTheBufferBoundaryAreValid() {
        for (String ch : new String[] {"ü", "€", "😀"}) {
            byte[] chBytes = ch.getBytes(StandardCharsets.UTF_8);
            for (int shift = 1; shift < chBytes.length; shift++) {
                byte[] head = "transactionid,description\n".getBytes(StandardCharsets.UTF_8);
                int fill = FileSniffer.BUFFER_SIZE - head.length - shift;
                byte[] padding = new byte[fill];
                Arrays.fill(padding, (byte) 'x');
                byte[] bytes = concat(head, padding, chBytes, "\n".getBytes(StandardCharsets.UTF_8));
                FileFacts facts = FileSniffer.sniff(write(dir, "split.csv", bytes), NO_FALLBACK);
                assertThat(facts.charset()).as("%s split after %d bytes", ch, shift).isEqualTo(StandardCharsets.UTF_8);
            }
        }
    }

    @Test
    void truncatedMultiByteSequenceAtTheEndIsInvalid() {
        byte[] bytes = concat("transactionid\n1\n".getBytes(StandardCharsets.UTF_8), new byte[] {(byte) 0xE2, (byte) 0x82});
        assertThatThrownBy(() -> FileSniffer.sniff(write(dir, "cut.csv", bytes), NO_FALLBACK))
                .isInstanceOfSatisfying(UnreadableFileException.class, e -> assertThat(e.line()).isEqualTo(3));
    }

    @Test
    void emptyFilesAreRefused() {
        for (byte[] bytes : new byte[][] {
                {},
                " \r\n\t\n".getBytes(StandardCharsets.UTF_8),
                {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF},
                {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF, '\n', '\n'},
                {(byte) 0xFF, (byte) 0xFE}}) {
            assertThatThrownBy(() -> sniff(write(dir, "empty.csv", bytes)))
                    .isInstanceOfSatisfying(UnreadableFileException.class, e -> assertThat(e.line()).isZero())
                    .hasMessage("the file is empty");
        }
    }

    @Test
    void anExcelWorkbookIsRefusedWithAHint() {
        byte[] xlsx = concat(new byte[] {'P', 'K', 3, 4, 20, 0, 6, 0}, "[Content_Types].xml".getBytes(StandardCharsets.US_ASCII),
                new byte[] {0, 0, (byte) 0x9C, (byte) 0xFF});
        assertThatThrownBy(() -> sniff(write(dir, "rows.csv", xlsx)))
                .isInstanceOfSatisfying(UnreadableFileException.class, e -> assertThat(e.line()).isZero())
                .hasMessageStartingWith("not a text file (binary content; ")
                .hasMessageContaining("Excel")
                .hasMessageContaining("save it as \"CSV UTF-8");
    }

    @Test
    void otherBinaryContentIsRefused() {
        byte[] pdf = concat("%PDF-1.7\n%\u00e2\u00e3\n".getBytes(StandardCharsets.ISO_8859_1), new byte[] {1, 0, 2, (byte) 0xFF});
        assertThatThrownBy(() -> sniff(write(dir, "rows.pdf", pdf)))
                .hasMessageStartingWith("not a text file (binary content; it is a PDF");
        assertThatThrownBy(() -> sniff(write(dir, "nul.csv", new byte[] {'a', ',', 'b', '\n', 0, 0})))
                .hasMessageStartingWith("not a text file (binary content; it contains NUL bytes");
    }

    @Test
    void jsonFormatsAreDetectedFromTheContent() {
        assertThat(sniff(write(dir, "a.csv", "  \n [ {\"transactionid\": 1} ]")).format()).isEqualTo(FileFacts.Format.JSON);
        assertThat(sniff(write(dir, "b.txt", "{\"transactionid\": 1}")).format()).isEqualTo(FileFacts.Format.JSON);
        assertThat(sniff(write(dir, "c.txt", "{\"transactionid\": 1}\n\n  \n")).format()).isEqualTo(FileFacts.Format.JSON);
        assertThat(sniff(write(dir, "d.txt", "{\n  \"transactionid\": 1\n}\n")).format()).isEqualTo(FileFacts.Format.JSON);
        assertThat(sniff(write(dir, "e.json", "{\"a\": 1}\r\n{\"a\": 2}\r\n")).format()).isEqualTo(FileFacts.Format.NDJSON);
        assertThat(sniff(write(dir, "f.json", "{\"a\": 1}\n\n\n{\"a\": 2}")).format()).isEqualTo(FileFacts.Format.NDJSON);
        FileFacts json = sniff(write(dir, "g.csv", "[]"));
        assertThat(json.delimiter()).isEqualTo((char) 0);
    }
}
