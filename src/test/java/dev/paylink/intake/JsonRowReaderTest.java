package dev.paylink.intake;

import static dev.paylink.intake.Files4Test.read;
import static dev.paylink.intake.Files4Test.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.paylink.intake.Files4Test.Read;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JsonRowReaderTest {

    /** The example object of seeds/000_71ee95d0020bd386.txt, exactly. */
    static final String SEED_ACTION = """
                {
                    "actionid": "urn:onoffice-de-ns:smart:2.5:smartml:action:do",
                    "resourceid": null,
                    "resourcetype": "subsequentPaymentLink",
                    "identifier": "",
                    "parameters": {
                        "transactionid": "1100135697",
                        "priceNet": "1000.00",
                        "description": "Nachzahlung 3D-Rundgang",
                        "sendMailToCustomer": true
                    }
                }
            """;

    private static final Map<Column, String> SEED_VALUES = Map.of(Column.TRANSACTIONID, "1100135697",
            Column.PRICENET, "1000.00", Column.DESCRIPTION, "Nachzahlung 3D-Rundgang",
            Column.SENDMAILTOCUSTOMER, "true");

    @TempDir
    Path dir;

    @Test
    void arrayOfRows() {
        Read read = read(write(dir, "a.json", """
                [
                  {"transactionid": "1100135697", "PRICENET": 1000.5, "description": "A", "sendMailToCustomer": false},
                  {"TransactionId": 42, "priceNet": "12,50", "description": "B", "reference": null,
                   "kunde": {"name": "x"}, "notiz": "y"}
                ]
                """));
        assertThat(read.facts().format()).isEqualTo(FileFacts.Format.JSON);
        assertThat(read.rows()).extracting(RowInput::line).containsExactly(2L, 3L);
        assertThat(read.row(0).values()).isEqualTo(Map.of(Column.TRANSACTIONID, "1100135697",
                Column.PRICENET, "1000.5", Column.DESCRIPTION, "A", Column.SENDMAILTOCUSTOMER, "false"));
        assertThat(read.row(1).values()).isEqualTo(Map.of(Column.TRANSACTIONID, "42",
                Column.PRICENET, "12,50", Column.DESCRIPTION, "B"));
        assertThat(read.unknown()).containsExactly("kunde", "notiz");
    }

    @Test
    void jsonNumberPriceBecomesTwoDecimals() {
        Read read = read(write(dir, "n.json", "[{\"transactionid\": \"1\", \"priceNet\": 1000.5, \"description\": \"x\"}]"));
        Validated v = new RowValidator(IntakeSettings.defaults()).validate(read.row(0));
        assertThat(v).isInstanceOfSatisfying(Validated.Valid.class,
                ok -> assertThat(ok.row().request().priceNetText()).isEqualTo("1000.50"));
    }

    @Test
    void jsonNumbersWithThreeDecimalsAreNeverReadAsThousands() {
        Read read = read(write(dir, "n.json", """
                [{"transactionid": "1", "priceNet": 1.100, "description": "x"},
                 {"transactionid": "1", "priceNet": 1.005, "description": "x"}]
                """));
        assertThat(read.row(0).value(Column.PRICENET)).isEqualTo("1.1");
        assertThat(read.row(1).parseError()).isEqualTo(
                "priceNet 1.005 has more than two decimals (a JSON number, '.' is its decimal separator)");
    }

    @Test
    void jsonNumbersAreNeverAmbiguousButAStringWithOneDotGroupIs() {
        Read read = read(write(dir, "n.json", """
                [{"transactionid": "1", "priceNet": 2.5, "description": "x"},
                 {"transactionid": "2", "priceNet": 2.500, "description": "x"},
                 {"transactionid": "3", "priceNet": 2500, "description": "x"},
                 {"transactionid": "4", "priceNet": "2.50", "description": "x"},
                 {"transactionid": "5", "priceNet": "2.500", "description": "x"}]
                """));
        RowValidator validator = new RowValidator(IntakeSettings.defaults());
        String[] expected = {"2.50", "2.50", "2500.00", "2.50"};
        for (int i = 0; i < expected.length; i++) {
            String amount = expected[i];
            assertThat(validator.validate(read.row(i))).isInstanceOfSatisfying(Validated.Valid.class,
                    ok -> assertThat(ok.row().request().priceNetText()).isEqualTo(amount));
        }
        assertThat(validator.validate(read.row(4))).isInstanceOfSatisfying(Validated.Invalid.class,
                bad -> assertThat(bad.row().reason())
                        .isEqualTo("priceNet '2.500' is ambiguous: 2500.00 or 2.50; write 2500 or 2,50"));
    }

    @Test
    void singleObject() {
        Read read = read(write(dir, "o.json", "\n{\"transactionid\": \"1\", \"priceNet\": \"2.00\", \"description\": \"x\"}\n"));
        assertThat(read.rows()).singleElement().satisfies(r -> {
            assertThat(r.line()).isEqualTo(2);
            assertThat(r.values()).containsEntry(Column.PRICENET, "2.00");
        });
    }

    @Test
    void seedActionExactlyAsInTheSeed() {
        Read read = read(write(dir, "seed.json", SEED_ACTION));
        assertThat(read.rows()).singleElement().satisfies(r -> {
            assertThat(r.parseError()).isNull();
            assertThat(r.line()).isEqualTo(1);
            assertThat(r.values()).isEqualTo(SEED_VALUES);
        });
        assertThat(read.unknown()).isEmpty();
    }

    @Test
    void arrayOfSeedActionsWithIdentifiers() {
        String second = SEED_ACTION.replace("\"identifier\": \"\"", "\"identifier\": \"inv-2024-17\"")
                .replace("1000.00", "20.00");
        String third = SEED_ACTION.replace("subsequentPaymentLink", "estate");
        Read read = read(write(dir, "seeds.json", "[" + SEED_ACTION + "," + second + "," + third + "]"));
        assertThat(read.rows()).hasSize(3);
        assertThat(read.row(0).values()).isEqualTo(SEED_VALUES);
        assertThat(read.row(1).values()).containsEntry(Column.REFERENCE, "inv-2024-17")
                .containsEntry(Column.PRICENET, "20.00");
        assertThat(read.row(1).line()).isEqualTo(13);
        assertThat(read.row(2).parseError()).isEqualTo("field resourcetype is 'estate', expected subsequentPaymentLink"
                + " (only payment link actions can be read)");
        assertThat(read.unknown()).isEmpty();
    }

    @Test
    void actionRules() {
        Read read = read(write(dir, "actions.json", """
                [
                 {"actionid": "urn:onoffice-de-ns:smart:2.5:smartml:action:read", "resourcetype": "subsequentPaymentLink", "parameters": {"transactionid": "1"}},
                 {"resourcetype": "subsequentPaymentLink"},
                 {"resourcetype": "subsequentPaymentLink", "parameters": []},
                 {"parameters": {"transactionid": "1", "priceNet": {"amount": 1}}},
                 {"parameters": {"transactionid": "1", "extra": 2}, "timestamp": 1700000000, "hmac": "x", "hmac_version": 2, "token": "t"},
                 {"transactionid": "1", "parameters": {"priceNet": "1"}},
                 {"transactionid": "1", "priceNet": "1", "PRICENET": "2"}
                ]
                """));
        assertThat(read.rows()).extracting(RowInput::parseError).containsExactly(
                "field actionid is 'urn:onoffice-de-ns:smart:2.5:smartml:action:read', expected a do action"
                        + " (urn:onoffice-de-ns:smart:2.5:smartml:action:do)",
                "the action has no parameters object",
                "field parameters must be an object, found an array",
                "field priceNet must be a string or number, found an object",
                null,
                "field transactionid must be inside parameters in an action object",
                "field priceNet appears twice");
        assertThat(read.unknown()).containsExactly("extra", "token");
    }

    @Test
    void arrayElementsThatAreNoObjectsAreUnreadableRows() {
        Read read = read(write(dir, "e.json", """
                [
                  "1100135697",
                  [1, 2],
                  null,
                  {"transactionid": "1"}
                ]
                """));
        assertThat(read.rows()).extracting(RowInput::line).containsExactly(2L, 3L, 4L, 5L);
        assertThat(read.rows()).extracting(RowInput::parseError).containsExactly(
                "element 1 of the array is a string, not an object",
                "element 2 of the array is an array, not an object",
                "element 3 of the array is null, not an object",
                null);
    }

    @Test
    void syntaxErrorRefusesTheFile() {
        Path file = write(dir, "bad.json", "[\n{\"transactionid\": \"1\"},\n{\"transactionid\" \"2\"}\n]");
        assertThatThrownBy(() -> read(file))
                .isInstanceOfSatisfying(UnreadableFileException.class, e -> assertThat(e.line()).isEqualTo(3))
                .hasMessageStartingWith("JSON syntax error at line 3 column ");
    }

    @Test
    void truncatedArrayRefusesTheFile() {
        Path file = write(dir, "cut.json", "[\n{\"transactionid\": \"1\"},\n{\"transactionid\": \"2\"");
        assertThatThrownBy(() -> read(file)).isInstanceOf(UnreadableFileException.class)
                .hasMessageStartingWith("JSON syntax error at line 3");
    }

    @Test
    void trailingContentRefusesTheFile() {
        assertThatThrownBy(() -> read(write(dir, "t1.json", "[{\"transactionid\": \"1\"}]\n[]")))
                .isInstanceOfSatisfying(UnreadableFileException.class, e -> assertThat(e.line()).isEqualTo(2))
                .hasMessageStartingWith("unexpected content after the end of the JSON value at line 2 column 1");
        assertThatThrownBy(() -> read(write(dir, "t2.json", "[{\"transactionid\": \"1\"}] garbage")))
                .isInstanceOf(UnreadableFileException.class)
                .hasMessageStartingWith("JSON syntax error at line 1");
        assertThatThrownBy(() -> read(write(dir, "t3.json", "{\"transactionid\": \"1\"} {\"transactionid\": \"2\"}")))
                .isInstanceOf(UnreadableFileException.class)
                .hasMessageStartingWith("unexpected content after the end of the JSON value");
    }

    @Test
    void ndjsonWithABrokenLineGoesOn() {
        Read read = read(write(dir, "rows.ndjson", """
                {"transactionid": "1", "priceNet": "1.00", "description": "a"}

                {"transactionid": "2", "priceNet": "2.00", "description": "b"
                [1, 2]
                {"transactionid": "3"} trailing
                {"transactionid": "4", "priceNet": 4, "description": "d", "x": 1}
                """));
        assertThat(read.facts().format()).isEqualTo(FileFacts.Format.NDJSON);
        assertThat(read.rows()).extracting(RowInput::line).containsExactly(1L, 3L, 4L, 5L, 6L);
        assertThat(read.row(0).values()).containsEntry(Column.DESCRIPTION, "a");
        assertThat(read.row(1).parseError()).startsWith("not valid JSON at column ");
        assertThat(read.row(2).parseError()).isEqualTo("the line is an array, not a JSON object");
        assertThat(read.row(3).parseError()).startsWith("not valid JSON at column");
        assertThat(read.row(4).values()).isEqualTo(Map.of(Column.TRANSACTIONID, "4", Column.PRICENET, "4",
                Column.DESCRIPTION, "d"));
        assertThat(read.unknown()).containsExactly("x");
    }
}
