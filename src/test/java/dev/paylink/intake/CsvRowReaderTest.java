package dev.paylink.intake;

import static dev.paylink.intake.Files4Test.concat;
import static dev.paylink.intake.Files4Test.read;
import static dev.paylink.intake.Files4Test.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.paylink.intake.Files4Test.Read;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvRowReaderTest {

    @TempDir
    Path dir;

    @Test
    void commaSeparated() {
        Read read = read(write(dir, "a.csv", """
                transactionid,priceNet,description,sendMailToCustomer
                1100135697,1000.00,Nachzahlung 3D-Rundgang,true
                1100135698,"12,50",Fotos,
                """));
        assertThat(read.facts().delimiter()).isEqualTo(',');
        assertThat(read.rows()).hasSize(2);
        assertThat(read.row(0).line()).isEqualTo(2);
        assertThat(read.row(0).values()).isEqualTo(Map.of(Column.TRANSACTIONID, "1100135697",
                Column.PRICENET, "1000.00", Column.DESCRIPTION, "Nachzahlung 3D-Rundgang",
                Column.SENDMAILTOCUSTOMER, "true"));
        assertThat(read.row(1).line()).isEqualTo(3);
        assertThat(read.row(1).value(Column.PRICENET)).isEqualTo("12,50");
        assertThat(read.row(1).values()).doesNotContainKey(Column.SENDMAILTOCUSTOMER);
        assertThat(read.unknown()).isEmpty();
    }

    @Test
    void semicolonSeparatedWithCrlfAndBlankLines() {
        Read read = read(write(dir, "b.csv",
                "transactionid;priceNet;description\r\n1;12,50;A\r\n\r\n;;\r\n2;1.100,00;B\r\n\r\n\r\n"));
        assertThat(read.facts().delimiter()).isEqualTo(';');
        assertThat(read.rows()).extracting(RowInput::line).containsExactly(2L, 5L);
        assertThat(read.row(1).value(Column.PRICENET)).isEqualTo("1.100,00");
    }

    @Test
    void headerAfterBlankLinesAndWithoutTrailingNewline() {
        Read read = read(write(dir, "c.csv", "\n\ntransactionid;priceNet\n1;2"));
        assertThat(read.rows()).singleElement().satisfies(r -> {
            assertThat(r.line()).isEqualTo(4);
            assertThat(r.value(Column.PRICENET)).isEqualTo("2");
        });
    }

    @Test
    void utf8BomIsNotPartOfTheFirstHeaderName() {
        byte[] bytes = concat(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF},
                "transactionid;priceNet;description\n1;2;Größe\n".getBytes(StandardCharsets.UTF_8));
        Read read = read(write(dir, "bom.csv", bytes));
        assertThat(read.row(0).value(Column.TRANSACTIONID)).isEqualTo("1");
        assertThat(read.row(0).value(Column.DESCRIPTION)).isEqualTo("Größe");
        assertThat(read.unknown()).isEmpty();
    }

    @Test
    void windows1252GermanExportIsReadThroughTheFallback() {
        Path file = write(dir, "export.csv", "transactionid;priceNet;description\r\n1;12,50;Müller Maßband €\r\n",
                Charset.forName("windows-1252"));
        Read read = read(file);
        assertThat(read.facts().charset().name()).isEqualTo("windows-1252");
        assertThat(read.row(0).value(Column.DESCRIPTION)).isEqualTo("Müller Maßband €");
    }

    @Test
    void excelUnicodeTextIsUtf16LeWithBomAndTabs() {
        byte[] bytes = concat(new byte[] {(byte) 0xFF, (byte) 0xFE},
                "transactionid\tpriceNet\tdescription\r\n1100135697\t1.000,00\tMüller\r\n"
                        .getBytes(StandardCharsets.UTF_16LE));
        Read read = read(write(dir, "unicode.txt", bytes));
        assertThat(read.facts().delimiter()).isEqualTo('\t');
        assertThat(read.row(0).values()).isEqualTo(Map.of(Column.TRANSACTIONID, "1100135697",
                Column.PRICENET, "1.000,00", Column.DESCRIPTION, "Müller"));
    }

    @Test
    void quotedNewlinesKeepLineNumbersRight() {
        Read read = read(write(dir, "nl.csv", """
                transactionid,priceNet,description
                1,1.00,one
                2,2.00,"two
                lines and
                a third"
                3,3.00,three
                """));
        assertThat(read.rows()).extracting(RowInput::line).containsExactly(2L, 3L, 6L);
        assertThat(read.row(1).value(Column.DESCRIPTION)).isEqualTo("two\nlines and\na third");
    }

    @Test
    void doubledQuotesAndQuotedDelimiters() {
        Read read = read(write(dir, "q.csv", """
                transactionid;priceNet;description
                1;"1.100,50";"Er sagte ""Hallo""; dann ging er"
                """));
        assertThat(read.row(0).value(Column.PRICENET)).isEqualTo("1.100,50");
        assertThat(read.row(0).value(Column.DESCRIPTION)).isEqualTo("Er sagte \"Hallo\"; dann ging er");
    }

    @Test
    void headersMatchCaseInsensitivelyAndUnknownOnesAreListed() {
        Read read = read(write(dir, "h.csv", """
                 TRANSACTIONID ; PriceNet ;Kunde;description;SENDMAILTOCUSTOMER;Notiz;;Reference
                1;2;Huber;x;ja;n;;ref-1
                """));
        assertThat(read.unknown()).containsExactly("Kunde", "Notiz");
        assertThat(read.row(0).values()).isEqualTo(Map.of(Column.TRANSACTIONID, "1", Column.PRICENET, "2",
                Column.DESCRIPTION, "x", Column.SENDMAILTOCUSTOMER, "ja", Column.REFERENCE, "ref-1"));
    }

    @Test
    void blankCellsAreAbsent() {
        Read read = read(write(dir, "b.csv", "transactionid,priceNet,description\n1,  ,\"\"\n"));
        assertThat(read.row(0).values()).containsOnlyKeys(Column.TRANSACTIONID);
    }

    @Test
    void recordsWithMoreOrFewerFields() {
        Read read = read(write(dir, "n.csv", """
                transactionid,priceNet,description,sendMailToCustomer,reference
                1,2.00
                2,2.00,x,true,r,,
                3,2.00,x,true,r,extra,more
                4,2.00,x
                """));
        assertThat(read.rows()).hasSize(4);
        assertThat(read.row(0).parseError()).isNull();
        assertThat(read.row(0).values()).containsOnlyKeys(Column.TRANSACTIONID, Column.PRICENET);
        assertThat(read.row(1).parseError()).isNull();
        assertThat(read.row(2).line()).isEqualTo(4);
        assertThat(read.row(2).parseError()).isEqualTo("expected 5 fields as in the header, found 7");
        assertThat(read.row(3).parseError()).isNull();
    }

    @Test
    void missingIdColumnsRefuseTheFile() {
        Path file = write(dir, "g.csv", "name,amount,City\nx,1,y\n");
        assertThatThrownBy(() -> read(file))
                .isInstanceOfSatisfying(UnreadableFileException.class, e -> assertThat(e.line()).isEqualTo(1))
                .hasMessage("no transactionid or paymentLinkId column; found: name, amount, City");
    }

    @Test
    void aPaymentLinkIdColumnAloneIsEnough() {
        Read read = read(write(dir, "t.csv", "paymentLinkId\nabc-1\n"));
        assertThat(read.row(0).values()).isEqualTo(Map.of(Column.PAYMENTLINKID, "abc-1"));
    }

    @Test
    void duplicateKnownHeaderRefusesTheFile() {
        Path file = write(dir, "d.csv", "transactionid;priceNet;description;PRICENET\n1;2;3;4\n");
        assertThatThrownBy(() -> read(file))
                .isInstanceOfSatisfying(UnreadableFileException.class, e -> assertThat(e.line()).isEqualTo(1))
                .hasMessage("the header has two priceNet columns (columns 2 and 4)");
    }

    @Test
    void unterminatedQuoteNamesTheLineWhereTheRecordStarts() {
        Path file = write(dir, "u.csv", """
                transactionid,priceNet,description
                1,1.00,one
                2,2.00,"two
                3,3.00,three
                4,4.00,four
                """);
        assertThatThrownBy(() -> read(file))
                .isInstanceOfSatisfying(UnreadableFileException.class, e -> assertThat(e.line()).isEqualTo(3))
                .hasMessage("a quoted field in the record starting on line 3 is never closed: a \" opens a value"
                        + " that runs to the end of the file");
    }

    @Test
    void textAfterAClosingQuoteRefusesTheFile() {
        Path file = write(dir, "t.csv", "transactionid,description\n1,\"a\"b\n");
        assertThatThrownBy(() -> read(file))
                .isInstanceOfSatisfying(UnreadableFileException.class, e -> assertThat(e.line()).isEqualTo(2))
                .hasMessageStartingWith("the record starting on line 2 has text after the closing \"");
    }

    @Test
    void anEndlessQuotedFieldStopsAtTheLengthLimit() {
        String huge = "x".repeat(CsvRowSource.MAX_RECORD_CHARS + 20_000);
        Path file = write(dir, "long.csv", "transactionid,description\n1,ok\n2,\"" + huge + "\n3,x\n");
        assertThatThrownBy(() -> read(file))
                .isInstanceOfSatisfying(UnreadableFileException.class, e -> assertThat(e.line()).isEqualTo(3))
                .hasMessageStartingWith("the record starting on line 3 is longer than 1000000 characters");
    }
}
