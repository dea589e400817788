package dev.paylink.intake;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.text.NumberFormat;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Reads a priceNet text into a positive {@link BigDecimal} of scale 2, strictly and without ever going through
 * {@code double}. Two forms are accepted: the machine form {@code 1100.50} (digits, optionally a dot and one or two
 * decimals) whatever the locale, and the locale's own form (e.g. {@code 1.100,50} for de-DE, {@code 1,100.50} for
 * en-US, {@code 1 100,50} for fr-FR, {@code 1’100.50} for de-CH) with thousands groups of exactly three digits and
 * at most two decimals. Surrounding blanks and one leading or trailing {@code €} or {@code EUR} are allowed.
 * Everything else is refused with a sentence that says why, because a misread amount is money charged wrongly:
 * e.g. {@code 1,100} under de-DE has three decimals, and {@code 1,10} under en-US could mean 1.10 or be a slip.
 */
public final class PriceParser {

    /** The outcome of {@link #parse(String)}: an amount (scale 2) or a problem, never both. */
    public record Result(BigDecimal amount, String problem) {
        public boolean ok() {
            return amount != null;
        }
    }

    private static final Pattern CANONICAL = Pattern.compile("\\d+(\\.\\d{1,2})?");
    private static final Pattern EXPONENT = Pattern.compile("[0-9.,]*[0-9][eE][+-]?[0-9]+");
    private static final Pattern AMOUNT_CHARS = Pattern.compile("[0-9.,' \u00A0\u202F\u2009\u2019]+");
    private static final String SPACES = " \u00A0\u202F\u2009";
    private static final String APOSTROPHES = "'\u2019";

    private final Locale locale;
    private final BigDecimal max;
    private final char decimal;
    private final char grouping;
    private final String groupingChars;
    private final Pattern localeForm;
    private final String example;

    public PriceParser(IntakeSettings settings) {
        this.locale = settings.locale();
        this.max = settings.maxPriceNet();
        DecimalFormatSymbols symbols = DecimalFormatSymbols.getInstance(locale);
        this.decimal = symbols.getDecimalSeparator();
        this.grouping = symbols.getGroupingSeparator();
        if (SPACES.indexOf(grouping) >= 0) {
            groupingChars = SPACES;
        } else if (APOSTROPHES.indexOf(grouping) >= 0) {
            groupingChars = APOSTROPHES;
        } else {
            groupingChars = String.valueOf(grouping);
        }
        StringBuilder g = new StringBuilder("[");
        groupingChars.chars().forEach(c -> g.append(String.format("\\x{%X}", c)));
        g.append(']');
        String d = Pattern.quote(String.valueOf(decimal));
        this.localeForm = Pattern.compile("\\d{1,3}(?:" + g + "\\d{3})+(?:" + d + "\\d{1,2})?|\\d+(?:" + d + "\\d{1,2})?");
        DecimalFormat format = (DecimalFormat) NumberFormat.getNumberInstance(locale);
        format.setMinimumFractionDigits(2);
        format.setMaximumFractionDigits(2);
        format.setGroupingUsed(true);
        this.example = format.format(new BigDecimal("1100.50"));
    }

    /** @param raw the text as read; null or blank is a problem ("priceNet is missing") */
    public Result parse(String raw) {
        if (raw == null || strip(raw).isEmpty()) {
            return problem("priceNet is missing (expected e.g. " + example + ")");
        }
        String shown = Texts.quoted(strip(raw));
        String text = withoutCurrency(strip(raw));
        boolean negative = false;
        if (text.startsWith("-") || text.startsWith("\u2212")) {
            negative = true;
            text = strip(text.substring(1));
        } else if (text.endsWith("-")) {
            negative = true;
            text = strip(text.substring(0, text.length() - 1));
        } else if (text.startsWith("+")) {
            return problem("priceNet " + shown + " must be written without a sign");
        }
        BigDecimal amount = number(text);
        if (amount == null) {
            return problem(diagnose(shown, text));
        }
        if (negative) {
            return problem("priceNet " + shown + " must be positive");
        }
        if (amount.signum() == 0) {
            return problem("priceNet " + shown + " must be greater than zero");
        }
        if (amount.compareTo(max) > 0) {
            return problem("priceNet " + shown + " is above the maximum of " + max.toPlainString());
        }
        return new Result(amount.setScale(2, RoundingMode.UNNECESSARY), null);
    }

    private BigDecimal number(String text) {
        if (CANONICAL.matcher(text).matches()) {
            return new BigDecimal(text);
        }
        if (localeForm.matcher(text).matches()) {
            StringBuilder plain = new StringBuilder(text.length());
            for (char c : text.toCharArray()) {
                if (c == decimal) {
                    plain.append('.');
                } else if (groupingChars.indexOf(c) < 0) {
                    plain.append(c);
                }
            }
            return new BigDecimal(plain.toString());
        }
        return null;
    }

    private String diagnose(String shown, String text) {
        String tag = locale.toLanguageTag();
        if (text.chars().noneMatch(c -> c >= '0' && c <= '9')) {
            return "priceNet " + shown + " is not an amount";
        }
        if (EXPONENT.matcher(text).matches()) {
            return "priceNet " + shown + " uses exponent notation; write the amount in full, e.g. 1100.50";
        }
        if (!AMOUNT_CHARS.matcher(text).matches()) {
            return "priceNet " + shown + " is not an amount (expected e.g. " + example + " or 1100.50)";
        }
        int last = Math.max(text.lastIndexOf('.'), text.lastIndexOf(','));
        if (last >= 0) {
            char sep = text.charAt(last);
            String tail = text.substring(last + 1);
            boolean digitsOnly = !tail.isEmpty() && tail.chars().allMatch(c -> c >= '0' && c <= '9');
            if (digitsOnly && sep == decimal && tail.length() > 2) {
                return "priceNet " + shown + " has more than two decimals (locale " + tag + " reads '" + decimal
                        + "' as the decimal separator)";
            }
            boolean onlyThisSeparator = text.indexOf(sep) == last && text.chars().allMatch(
                    c -> c == sep || (c >= '0' && c <= '9'));
            if (digitsOnly && last > 0 && sep != decimal && tail.length() <= 2 && onlyThisSeparator) {
                String why = sep == grouping ? "groups thousands there" : "is not a separator there";
                return "priceNet " + shown + " is ambiguous under locale " + tag + " ('" + sep + "' " + why
                        + "); write " + text.replace(sep, decimal);
            }
        }
        return "priceNet " + shown + " does not match locale " + tag + " (expected e.g. " + example
                + " or 1100.50)";
    }

    private static String withoutCurrency(String text) {
        if (text.startsWith("€")) {
            return strip(text.substring(1));
        }
        if (text.regionMatches(true, 0, "EUR", 0, 3)) {
            return strip(text.substring(3));
        }
        if (text.endsWith("€")) {
            return strip(text.substring(0, text.length() - 1));
        }
        if (text.length() >= 3 && text.regionMatches(true, text.length() - 3, "EUR", 0, 3)) {
            return strip(text.substring(0, text.length() - 3));
        }
        return text;
    }

    private static String strip(String s) {
        return Texts.strip(s);
    }

    private static Result problem(String problem) {
        return new Result(null, problem);
    }
}
