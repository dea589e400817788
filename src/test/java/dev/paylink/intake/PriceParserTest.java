package dev.paylink.intake;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.Locale;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PriceParserTest {

    private static PriceParser parser(String languageTag) {
        return parser(languageTag, IntakeSettings.defaults().maxPriceNet());
    }

    private static PriceParser parser(String languageTag, BigDecimal max) {
        IntakeSettings d = IntakeSettings.defaults();
        return new PriceParser(new IntakeSettings(d.charset(), d.fallbackCharset(), Locale.forLanguageTag(languageTag),
                max, d.sendMailDefault(), d.maxDescriptionLength(), Pattern.compile("[0-9]{1,20}")));
    }

    @ParameterizedTest(name = "{0} ''{1}'' -> {2}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            "de-DE|1100.50|1100.50",
            "de-DE|1000.5|1000.50",
            "de-DE|1000|1000.00",
            "de-DE|1.10|1.10",
            "de-DE|2.50|2.50",
            "de-DE|2.5|2.50",
            "de-DE|12.5|12.50",
            "de-DE|1100|1100.00",
            "de-DE|2500|2500.00",
            "de-DE|1.100,50|1100.50",
            "de-DE|1100,50|1100.50",
            "de-DE|1.100,00|1100.00",
            "de-DE|2,50|2.50",
            "de-DE|1.234,56|1234.56",
            "de-DE|1234,56|1234.56",
            "de-DE|12,5|12.50",
            "de-DE|€ 12,50|12.50",
            "de-DE|12,50 €|12.50",
            "de-DE|12,50€|12.50",
            "de-DE|EUR 12.50|12.50",
            "de-DE|eur12,50|12.50",
            "de-DE|12,50 EUR|12.50",
            "de-DE|\"  7,00  \"|7.00",
            "de-DE|10000.00|10000.00",
            "de-DE|0,01|0.01",
            "en-US|1100.50|1100.50",
            "en-US|1,100.50|1100.50",
            "en-US|1,100|1100.00",
            "en-US|2,500|2500.00",
            "en-US|2.50|2.50",
            "en-US|9,999.99|9999.99",
            "en-US|EUR 12.50|12.50",
            "fr-FR|1 234,56|1234.56",
            "fr-FR|1\u00a0234,56|1234.56",
            "fr-FR|1\u202f234,56|1234.56",
            "fr-FR|12.50|12.50",
            "fr-FR|1 100|1100.00",
            "it-IT|1.100,50|1100.50",
            "it-IT|12.5|12.50",
            "de-CH|1'234.50|1234.50",
            "de-CH|1\u2019234.50|1234.50",
            "de-CH|1'100|1100.00",
    })
    void accepted(String locale, String text, String expected) {
        PriceParser.Result result = parser(locale).parse(text);
        assertThat(result.problem()).isNull();
        assertThat(result.amount()).isEqualByComparingTo(expected);
        assertThat(result.amount().scale()).isEqualTo(2);
        assertThat(result.amount().toPlainString()).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} ''{1}''")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            "de-DE|1,100|priceNet '1,100' (read as 1.100) has more than two decimals",
            "de-DE|10,555|priceNet '10,555' (read as 10.555) has more than two decimals",
            "de-DE|1.234,567|priceNet '1.234,567' (read as 1234.567) has more than two decimals",
            "de-DE|1100.505|priceNet '1100.505' (read as 1100.505) has more than two decimals",
            "en-US|1,10|priceNet '1,10' is ambiguous under locale en-US (',' groups thousands there); write 1.10",
            "en-US|12,5|priceNet '12,5' is ambiguous under locale en-US (',' groups thousands there); write 12.5",
            "en-US|1.100,50|priceNet '1.100,50' does not match locale en-US (expected e.g. 1,100.50 or 1100.50)",
            "en-US|1.005|priceNet '1.005' (read as 1.005) has more than two decimals",
            "en-US|2.500|priceNet '2.500' (read as 2.500) has more than two decimals",
            "en-US|1,100.505|priceNet '1,100.505' (read as 1100.505) has more than two decimals",
            "fr-FR|1.100|priceNet '1.100' (read as 1.100) has more than two decimals",
            "fr-FR|1,100|priceNet '1,100' (read as 1.100) has more than two decimals",
            "de-CH|1.100|priceNet '1.100' (read as 1.100) has more than two decimals",
            "de-DE|1,100.50|priceNet '1,100.50' does not match locale de-DE (expected e.g. 1.100,50 or 1100.50)",
            "de-DE|1.10.000|priceNet '1.10.000' does not match locale de-DE (expected e.g. 1.100,50 or 1100.50)",
            "de-DE|12 345,00|priceNet '12 345,00' does not match locale de-DE (expected e.g. 1.100,50 or 1100.50)",
            "de-DE|-5.00|priceNet '-5.00' (read as -5.00) must be positive",
            "de-DE|-20,00|priceNet '-20,00' (read as -20.00) must be positive",
            "de-DE|-5,00 €|priceNet '-5,00 €' (read as -5.00) must be positive",
            "de-DE|5,00-|priceNet '5,00-' (read as -5.00) must be positive",
            "de-DE|+5.00|priceNet '+5.00' (read as +5.00) must be written without a sign",
            "de-DE|+abc|priceNet '+abc' must be written without a sign",
            "de-DE|0.00|priceNet '0.00' (read as 0.00) must be greater than zero",
            "de-DE|0|priceNet '0' (read as 0.00) must be greater than zero",
            "de-DE|abc|priceNet 'abc' is not an amount",
            "de-DE|€|priceNet '€' is not an amount",
            "de-DE|1e3|priceNet '1e3' uses exponent notation; write the amount in full, e.g. 1100.50",
            "de-DE|1.5E+2|priceNet '1.5E+2' uses exponent notation; write the amount in full, e.g. 1100.50",
            "de-DE|10000.01|priceNet '10000.01' (read as 10000.01) is above the maximum of 10000.00",
            "de-DE|10.000,01|priceNet '10.000,01' (read as 10000.01) is above the maximum of 10000.00",
            "de-DE|1.234.567|priceNet '1.234.567' (read as 1234567.00) is above the maximum of 10000.00",
            "de-DE|12,50 USD|priceNet '12,50 USD' is not an amount (expected e.g. 1.100,50 or 1100.50)",
            "de-DE|EUR 12,50 €|priceNet 'EUR 12,50 €' is not an amount (expected e.g. 1.100,50 or 1100.50)",
            "de-DE|.50|priceNet '.50' does not match locale de-DE (expected e.g. 1.100,50 or 1100.50)",
            "de-DE|12.|priceNet '12.' does not match locale de-DE (expected e.g. 1.100,50 or 1100.50)",
            "de-DE|١٢|priceNet '١٢' is not an amount",
            // '.' groups thousands in the locale's form and is the decimal point of 1100.50: both readings, no guess
            "de-DE|2.500|priceNet '2.500' is ambiguous: 2500.00 or 2.50; write 2500 or 2,50",
            "de-DE|1.100|priceNet '1.100' is ambiguous: 1100.00 or 1.10; write 1100 or 1,10",
            "de-DE|1.000|priceNet '1.000' is ambiguous: 1000.00 or 1.00; write 1000 or 1,00",
            "de-DE|€ 2.500|priceNet '€ 2.500' is ambiguous: 2500.00 or 2.50; write 2500 or 2,50",
            "de-DE|10.555|priceNet '10.555' is ambiguous: 10555.00 ('.' as thousands separator, above the maximum"
                    + " of 10000.00) or 10.555 ('.' as decimal point, more than two decimals); write an amount with"
                    + " at most two decimals such as 10,55",
            "de-DE|5.555|priceNet '5.555' is ambiguous: 5555.00 ('.' as thousands separator) or 5.555 ('.' as"
                    + " decimal point, more than two decimals); write 5555 or an amount with at most two decimals"
                    + " such as 5,55",
            "de-DE|1.005|priceNet '1.005' is ambiguous: 1005.00 ('.' as thousands separator) or 1.005 ('.' as"
                    + " decimal point, more than two decimals); write 1005 or an amount with at most two decimals"
                    + " such as 1,00",
            "de-DE|20.000|priceNet '20.000' is ambiguous: 20000.00 ('.' as thousands separator, above the maximum"
                    + " of 10000.00) or 20.00 ('.' as decimal point); write 20,00",
            "de-DE|-2.500|priceNet '-2.500' (read as -2500.00 or -2.500) must be positive",
            "it-IT|2.500|priceNet '2.500' is ambiguous: 2500.00 or 2.50; write 2500 or 2,50",
            "pt-BR|7.250|priceNet '7.250' is ambiguous: 7250.00 or 7.25; write 7250 or 7,25",
    })
    void refused(String locale, String text, String problem) {
        PriceParser.Result result = parser(locale).parse(text);
        assertThat(result.amount()).isNull();
        assertThat(result.ok()).isFalse();
        assertThat(result.problem()).isEqualTo(problem);
    }

    @ParameterizedTest(name = "de-DE ''{0}''")
    @CsvSource(delimiter = '|', value = {"2.500|2500|2,50", "1.100|1100|1,10", "7.250|7250|7,25"})
    void suggestedSpellingsMeanEachReadingAndAreAccepted(String text, String thousands, String decimals) {
        PriceParser de = parser("de-DE");
        assertThat(de.parse(text).problem()).endsWith("; write " + thousands + " or " + decimals);
        assertThat(de.parse(thousands).amount()).isEqualByComparingTo(new BigDecimal(text).movePointRight(3));
        assertThat(de.parse(decimals).amount()).isEqualByComparingTo(new BigDecimal(text));
    }

    @Test
    void ambiguousWithEveryReadingAboveTheMaximumSuggestsNothing() {
        PriceParser de = parser("de-DE", new BigDecimal("5"));
        assertThat(de.parse("2.500").problem()).isEqualTo("priceNet '2.500' is ambiguous: 2500.00 ('.' as thousands"
                + " separator, above the maximum of 5) or 2.50 ('.' as decimal point); write 2,50");
        assertThat(de.parse("9.999").problem()).isEqualTo("priceNet '9.999' is ambiguous: 9999.00 ('.' as thousands"
                + " separator, above the maximum of 5) or 9.999 ('.' as decimal point, more than two decimals)");
    }

    @Test
    void twoThousandsGroupsHaveOnlyTheThousandsReading() {
        PriceParser.Result result = parser("de-DE", new BigDecimal("10000000")).parse("1.234.567");
        assertThat(result.amount()).isEqualTo(new BigDecimal("1234567.00"));
    }

    @Test
    void missing() {
        assertThat(parser("de-DE").parse(null).problem()).isEqualTo("priceNet is missing (expected e.g. 1.100,50)");
        assertThat(parser("en-US").parse("  ").problem()).isEqualTo("priceNet is missing (expected e.g. 1,100.50)");
    }

    @Test
    void neverLosesPrecision() {
        assertThat(parser("de-DE").parse("9999.99").amount()).isEqualTo(new BigDecimal("9999.99"));
        assertThat(parser("en-US").parse("0.1").amount()).isEqualTo(new BigDecimal("0.10"));
    }
}
