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
        IntakeSettings d = IntakeSettings.defaults();
        return new PriceParser(new IntakeSettings(d.charset(), d.fallbackCharset(), Locale.forLanguageTag(languageTag),
                d.maxPriceNet(), d.sendMailDefault(), d.maxDescriptionLength(), Pattern.compile("[0-9]{1,20}")));
    }

    @ParameterizedTest(name = "{0} ''{1}'' -> {2}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            "de-DE|1100.50|1100.50",
            "de-DE|1000.5|1000.50",
            "de-DE|1000|1000.00",
            "de-DE|1.10|1.10",
            "de-DE|1.100|1100.00",
            "de-DE|1.005|1005.00",
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
            "en-US|9,999.99|9999.99",
            "en-US|EUR 12.50|12.50",
            "fr-FR|1 234,56|1234.56",
            "fr-FR|1\u00a0234,56|1234.56",
            "fr-FR|1\u202f234,56|1234.56",
            "fr-FR|12.50|12.50",
            "de-CH|1'234.50|1234.50",
            "de-CH|1\u2019234.50|1234.50",
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
            "de-DE|1,100|priceNet '1,100' has more than two decimals (locale de-DE reads ',' as the decimal separator)",
            "de-DE|1.234,567|priceNet '1.234,567' has more than two decimals (locale de-DE reads ',' as the decimal separator)",
            "en-US|1,10|priceNet '1,10' is ambiguous under locale en-US (',' groups thousands there); write 1.10",
            "en-US|12,5|priceNet '12,5' is ambiguous under locale en-US (',' groups thousands there); write 12.5",
            "en-US|1.100,50|priceNet '1.100,50' does not match locale en-US (expected e.g. 1,100.50 or 1100.50)",
            "en-US|1.005|priceNet '1.005' has more than two decimals (locale en-US reads '.' as the decimal separator)",
            "de-DE|1,100.50|priceNet '1,100.50' does not match locale de-DE (expected e.g. 1.100,50 or 1100.50)",
            "de-DE|1.10.000|priceNet '1.10.000' does not match locale de-DE (expected e.g. 1.100,50 or 1100.50)",
            "de-DE|12 345,00|priceNet '12 345,00' does not match locale de-DE (expected e.g. 1.100,50 or 1100.50)",
            "de-DE|-5.00|priceNet '-5.00' must be positive",
            "de-DE|-5,00 €|priceNet '-5,00 €' must be positive",
            "de-DE|5,00-|priceNet '5,00-' must be positive",
            "de-DE|+5.00|priceNet '+5.00' must be written without a sign",
            "de-DE|0.00|priceNet '0.00' must be greater than zero",
            "de-DE|0|priceNet '0' must be greater than zero",
            "de-DE|abc|priceNet 'abc' is not an amount",
            "de-DE|€|priceNet '€' is not an amount",
            "de-DE|1e3|priceNet '1e3' uses exponent notation; write the amount in full, e.g. 1100.50",
            "de-DE|1.5E+2|priceNet '1.5E+2' uses exponent notation; write the amount in full, e.g. 1100.50",
            "de-DE|10000.01|priceNet '10000.01' is above the maximum of 10000.00",
            "de-DE|10.000,01|priceNet '10.000,01' is above the maximum of 10000.00",
            "de-DE|12,50 USD|priceNet '12,50 USD' is not an amount (expected e.g. 1.100,50 or 1100.50)",
            "de-DE|EUR 12,50 €|priceNet 'EUR 12,50 €' is not an amount (expected e.g. 1.100,50 or 1100.50)",
            "de-DE|.50|priceNet '.50' does not match locale de-DE (expected e.g. 1.100,50 or 1100.50)",
            "de-DE|12.|priceNet '12.' does not match locale de-DE (expected e.g. 1.100,50 or 1100.50)",
            "de-DE|١٢|priceNet '١٢' is not an amount",
    })
    void refused(String locale, String text, String problem) {
        PriceParser.Result result = parser(locale).parse(text);
        assertThat(result.amount()).isNull();
        assertThat(result.ok()).isFalse();
        assertThat(result.problem()).isEqualTo(problem);
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
