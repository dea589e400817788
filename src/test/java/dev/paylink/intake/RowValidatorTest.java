package dev.paylink.intake;

import static org.assertj.core.api.Assertions.assertThat;

import dev.paylink.smartml.PaymentLinkRequest;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RowValidatorTest {

    private final RowValidator validator = new RowValidator(IntakeSettings.defaults());

    private static RowInput row(String... pairs) {
        Map<Column, String> values = new EnumMap<>(Column.class);
        for (int i = 0; i < pairs.length; i += 2) {
            values.put(Column.of(pairs[i]).orElseThrow(), pairs[i + 1]);
        }
        return new RowInput(7, values, null);
    }

    private static RowInput good(String... more) {
        String[] base = {"transactionid", " 1100135697 ", "priceNet", "1.000,5", "description", "  Nachzahlung  "};
        String[] all = new String[base.length + more.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(more, 0, all, base.length, more.length);
        return row(all);
    }

    private AcceptedRow accepted(RowInput input) {
        Validated v = validator.validate(input);
        assertThat(v).isInstanceOf(Validated.Valid.class);
        return ((Validated.Valid) v).row();
    }

    private InvalidRow invalid(RowInput input) {
        Validated v = validator.validate(input);
        assertThat(v).isInstanceOf(Validated.Invalid.class);
        return ((Validated.Invalid) v).row();
    }

    @Test
    void aGoodRowIsNormalised() {
        AcceptedRow row = accepted(good());
        assertThat(row.line()).isEqualTo(7);
        assertThat(row.request()).isEqualTo(new PaymentLinkRequest("1100135697", new BigDecimal("1000.50"),
                "Nachzahlung", false));
        assertThat(row.key()).isEqualTo(LedgerKey.of(row.request()));
        assertThat(row.reference()).isNull();
        assertThat(row.trackingOnly()).isFalse();
    }

    @Test
    void parseErrorsBecomeInvalidRows() {
        InvalidRow row = invalid(RowInput.unreadable(12, "the line is an array, not a JSON object"));
        assertThat(row.line()).isEqualTo(12);
        assertThat(row.field()).isNull();
        assertThat(row.reason()).isEqualTo("the line is an array, not a JSON object");
        assertThat(row.describe()).isEqualTo("line 12: the line is an array, not a JSON object");
    }

    @Test
    void firstProblemInFieldOrderIsReported() {
        InvalidRow row = invalid(row("description", "a\tb", "priceNet", "abc", "sendMailToCustomer", "vielleicht"));
        assertThat(row.field()).isEqualTo("transactionid");
        assertThat(row.reason()).isEqualTo("transactionid is missing");
        assertThat(row.raw()).containsEntry(Column.PRICENET, "abc");

        row = invalid(row("transactionid", "12", "description", "a\tb", "priceNet", "abc"));
        assertThat(row.field()).isEqualTo("priceNet");
        assertThat(row.describe()).isEqualTo("line 7, field priceNet: priceNet 'abc' is not an amount");
    }

    @Test
    void anAmountWithTwoReadingsIsRefusedWithBoth() {
        assertThat(invalid(good("priceNet", "2.500")).describe()).isEqualTo(
                "line 7, field priceNet: priceNet '2.500' is ambiguous: 2500.00 or 2.50; write 2500 or 2,50");
        assertThat(accepted(good("priceNet", "2500")).request().priceNetText()).isEqualTo("2500.00");
        assertThat(accepted(good("priceNet", "2,50")).request().priceNetText()).isEqualTo("2.50");
    }

    @Test
    void transactionIdMustBeWellFormed() {
        assertThat(invalid(good("transactionid", "11001-35697")).reason()).isEqualTo(
                "transactionid '11001-35697' is not well-formed (expected it to match [0-9]{1,20})");
    }

    @Test
    void descriptionRules() {
        assertThat(invalid(good("description", "   ")).reason()).isEqualTo("description is missing");
        assertThat(invalid(good("description", "\u00A0\u202F")).reason()).isEqualTo("description is missing");
        assertThat(invalid(good("description", "Zeile 1\nZeile 2")).reason()).isEqualTo(
                "description contains U+000A LINE FEED (LF) at character 8; line breaks, tabs and invisible or"
                        + " control characters are not allowed");
        assertThat(invalid(good("description", "a\u200Bb")).reason()).startsWith(
                "description contains U+200B ZERO WIDTH SPACE at character 2");
        assertThat(invalid(good("description", "a\u2028b")).field()).isEqualTo("description");
        assertThat(invalid(good("description", "Müller\uFFFD")).field()).isEqualTo("description");
        assertThat(accepted(good("description", "x".repeat(254) + "😀")).request().description()).hasSize(256);
        assertThat(invalid(good("description", "x".repeat(256))).reason())
                .isEqualTo("description is 256 characters long; at most 255 are allowed");
    }

    @ParameterizedTest
    @CsvSource({"true,true", "TRUE,true", "1,true", "yes,true", "Ja,true", "y,true", "J,true", " ja ,true",
            "WAHR,true", "false,false", "0,false", "no,false", "NEIN,false", "Falsch,false", "n,false"})
    void booleans(String text, boolean expected) {
        assertThat(accepted(good("sendMailToCustomer", text)).request().sendMailToCustomer()).isEqualTo(expected);
    }

    @Test
    void sendMailDefaultAndRefusedSpellings() {
        assertThat(accepted(good()).request().sendMailToCustomer()).isFalse();
        IntakeSettings d = IntakeSettings.defaults();
        RowValidator mailing = new RowValidator(new IntakeSettings(d.charset(), d.fallbackCharset(), d.locale(),
                d.maxPriceNet(), true, d.maxDescriptionLength(), d.transactionIdPattern()));
        Validated v = mailing.validate(good("sendMailToCustomer", "  "));
        assertThat(((Validated.Valid) v).row().request().sendMailToCustomer()).isTrue();
        for (String bad : new String[] {"x", "oui", "2", "on", "t"}) {
            InvalidRow row = invalid(good("sendMailToCustomer", bad));
            assertThat(row.field()).isEqualTo("sendMailToCustomer");
            assertThat(row.reason()).isEqualTo("sendMailToCustomer '" + bad + "' is not a yes/no value (expected"
                    + " true/false, 1/0, yes/no, ja/nein, wahr/falsch, y/n or j)");
        }
    }

    @Test
    void referenceIsTheKeyWhenGiven() {
        AcceptedRow row = accepted(good("reference", "  inv-17 "));
        assertThat(row.key()).isEqualTo("inv-17");
        assertThat(row.reference()).isEqualTo("inv-17");
        assertThat(invalid(good("reference", "r".repeat(129))).reason())
                .isEqualTo("reference is 129 characters long; at most 128 are allowed");
        assertThat(invalid(good("reference", "a\u0000b")).field()).isEqualTo("reference");
    }

    @Test
    void trackingOnlyRows() {
        AcceptedRow row = accepted(row("paymentLinkId", " pl_123:abc-9.x "));
        assertThat(row.trackingOnly()).isTrue();
        assertThat(row.paymentLinkId()).isEqualTo("pl_123:abc-9.x");
        assertThat(row.key()).isEqualTo("track:pl_123:abc-9.x");
        assertThat(accepted(row("paymentLinkId", "p1", "reference", "r1", "sendMailToCustomer", "x")).key())
                .isEqualTo("r1");
        assertThat(invalid(row("paymentLinkId", "p 1")).reason()).isEqualTo(
                "paymentLinkId 'p 1' is not valid (expected 1 to 64 of the characters A-Z a-z 0-9 . _ : -)");
        assertThat(invalid(row("paymentLinkId", "p".repeat(65))).field()).isEqualTo("paymentLinkId");
        // with request fields it is a normal row that also tracks the link
        AcceptedRow both = accepted(good("paymentLinkId", "p1"));
        assertThat(both.request()).isNotNull();
        assertThat(both.paymentLinkId()).isEqualTo("p1");
        assertThat(invalid(row("paymentLinkId", "p1", "priceNet", "1.00")).reason()).isEqualTo("transactionid is missing");
    }

    @Test
    void ledgerKeyIsStableAndIgnoresSendMail() throws Exception {
        PaymentLinkRequest a = new PaymentLinkRequest("1100135697", new BigDecimal("1000.00"), "Nachzahlung 3D-Rundgang", true);
        PaymentLinkRequest b = new PaymentLinkRequest("1100135697", new BigDecimal("1000.00"), "Nachzahlung 3D-Rundgang", false);
        PaymentLinkRequest c = new PaymentLinkRequest("1100135697", new BigDecimal("1000.00"), "Nachzahlung 3D-Rundgang!", true);
        PaymentLinkRequest d = new PaymentLinkRequest("1100135697", new BigDecimal("1000.01"), "Nachzahlung 3D-Rundgang", true);
        assertThat(LedgerKey.of(a)).isEqualTo(LedgerKey.of(a)).isEqualTo(LedgerKey.of(b)).matches("[0-9a-f]{64}");
        assertThat(LedgerKey.of(c)).isNotEqualTo(LedgerKey.of(a));
        assertThat(LedgerKey.of(d)).isNotEqualTo(LedgerKey.of(a));

        byte[] input = "1100135697\u001f1000.00\u001fNachzahlung 3D-Rundgang".getBytes(StandardCharsets.UTF_8);
        String expected = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(input));
        assertThat(LedgerKey.of(a)).isEqualTo(expected);
    }

    @Test
    void sameAmountWrittenDifferentlyGivesTheSameKey() {
        String k1 = accepted(good("priceNet", "1000.50")).key();
        String k2 = accepted(good("priceNet", "1.000,50 €")).key();
        assertThat(k1).isEqualTo(k2);
    }

    @Test
    void englishLocaleSettings() {
        IntakeSettings d = IntakeSettings.defaults();
        RowValidator us = new RowValidator(new IntakeSettings(d.charset(), d.fallbackCharset(), Locale.US,
                new BigDecimal("500"), d.sendMailDefault(), 10, Pattern.compile("[A-Z]{2}[0-9]+")));
        Validated v = us.validate(row("transactionid", "AB12", "priceNet", "1,10", "description", "x"));
        assertThat(((Validated.Invalid) v).row().reason())
                .isEqualTo("priceNet '1,10' is ambiguous under locale en-US (',' groups thousands there); write 1.10");
        v = us.validate(row("transactionid", "AB12", "priceNet", "500.01", "description", "x"));
        assertThat(((Validated.Invalid) v).row().reason())
                .isEqualTo("priceNet '500.01' (read as 500.01) is above the maximum of 500");
    }
}
