package dev.paylink.intake;

import java.math.BigDecimal;
import java.nio.charset.Charset;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * How files are read and rows validated ({@code paylink.intake.*}).
 *
 * @param charset              charset of files without a BOM (default UTF-8)
 * @param fallbackCharset      used for a file that is not valid in {@code charset} (default windows-1252), or null to refuse such files
 * @param locale               decides which of {@code .} and {@code ,} is the decimal separator in priceNet
 * @param maxPriceNet          the largest priceNet accepted
 * @param sendMailDefault      sendMailToCustomer when the row leaves it empty
 * @param maxDescriptionLength the longest description accepted, in characters
 * @param transactionIdPattern what a well-formed transactionid looks like
 */
public record IntakeSettings(Charset charset, Charset fallbackCharset, Locale locale, BigDecimal maxPriceNet,
                             boolean sendMailDefault, int maxDescriptionLength, Pattern transactionIdPattern) {

    public static IntakeSettings defaults() {
        return new IntakeSettings(java.nio.charset.StandardCharsets.UTF_8, Charset.forName("windows-1252"),
                Locale.GERMANY, new BigDecimal("10000.00"), false, 255, Pattern.compile("[0-9]{1,20}"));
    }
}
