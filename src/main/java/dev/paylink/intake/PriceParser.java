package dev.paylink.intake;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.text.NumberFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Reads a priceNet text into a positive {@link BigDecimal} of scale 2, strictly and without ever going through
 * {@code double}. Two forms are read: the machine form {@code 1100.50} (digits, optionally a dot and decimals)
 * whatever the locale, and the locale's own form (e.g. {@code 1.100,50} for de-DE, {@code 1,100.50} for en-US,
 * {@code 1 100,50} for fr-FR, {@code 1’100.50} for de-CH) with thousands groups of exactly three digits. A text the
 * two forms read as different values is refused as ambiguous with both readings: that happens only where the locale
 * groups thousands with '.', e.g. {@code 2.500} under de-DE is 2500.00 or 2.50. An amount is accepted with at most
 * two decimals as written. Surrounding blanks and one leading or trailing {@code €} or {@code EUR} are allowed.
 * Everything else is refused with a sentence that says why and, where the text could be read, how it was read,
 * because a misread amount is money charged wrongly: e.g. {@code 1,100} under de-DE is read as 1.100 and has three
 * decimals, and {@code 1,10} under en-US could mean 1.10 or be a slip.
 */
public final class PriceParser {

    /** The outcome of {@link #parse(String)}: an amount (scale 2) or a problem, never both. */
    public record Result(BigDecimal amount, String problem) {
        public boolean ok() {
            return amount != null;
        }
    }

    private static final Pattern MACHINE = Pattern.compile("\\d+(\\.\\d+)?");
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
        this.localeForm = Pattern.compile("\\d{1,3}(?:" + g + "\\d{3})+(?:" + d + "\\d+)?|\\d+(?:" + d + "\\d+)?");
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
        String sign = "";
        if (text.startsWith("-") || text.startsWith("\u2212") || text.startsWith("+")) {
            sign = text.startsWith("+") ? "+" : "-";
            text = strip(text.substring(1));
        } else if (text.endsWith("-")) {
            sign = "-";
            text = strip(text.substring(0, text.length() - 1));
        }
        List<BigDecimal> readings = readings(text);
        if (readings.isEmpty()) {
            return problem(sign.equals("+") ? "priceNet " + shown + " must be written without a sign"
                    : diagnose(shown, text));
        }
        String readAs = "priceNet " + shown + " (read as " + sign + written(readings.get(0))
                + (readings.size() > 1 ? " or " + sign + written(readings.get(1)) : "") + ")";
        if (!sign.isEmpty()) {
            return problem(readAs + (sign.equals("+") ? " must be written without a sign" : " must be positive"));
        }
        if (readings.size() > 1) {
            return problem(ambiguous(shown, readings.get(0), readings.get(1)));
        }
        BigDecimal amount = readings.get(0);
        if (amount.scale() > 2) {
            return problem(readAs + " has more than two decimals");
        }
        if (amount.signum() == 0) {
            return problem(readAs + " must be greater than zero");
        }
        if (amount.compareTo(max) > 0) {
            return problem(readAs + " is " + aboveMax());
        }
        return new Result(amount.setScale(2, RoundingMode.UNNECESSARY), null);
    }

    /**
     * What the unsigned text stands for in the machine form and in the locale's form, decimals as written: none,
     * one, or two when the forms disagree (the locale's reading, with '.' grouping thousands, first).
     */
    private List<BigDecimal> readings(String text) {
        BigDecimal machine = MACHINE.matcher(text).matches() ? new BigDecimal(text) : null;
        BigDecimal local = localeForm.matcher(text).matches() ? new BigDecimal(withPointDecimal(text)) : null;
        if (machine == null) {
            return local == null ? List.of() : List.of(local);
        }
        if (local == null || local.compareTo(machine) == 0) {
            return List.of(machine);
        }
        return List.of(local, machine);
    }

    /**
     * The two forms only disagree when the locale groups thousands with '.', the machine form's decimal point, and
     * the text is one such group (e.g. {@code 2.500}): both readings are shown, each with what is wrong with it if
     * anything, and a spelling that means it unambiguously is suggested for each reading that is an amount.
     */
    private String ambiguous(String shown, BigDecimal thousands, BigDecimal decimals) {
        BigDecimal point = decimals.stripTrailingZeros();
        String thousandsProblem = thousands.compareTo(max) > 0 ? aboveMax() : null;
        String pointProblem = point.scale() > 2 ? "more than two decimals"
                : point.compareTo(max) > 0 ? aboveMax() : null;
        boolean noted = thousandsProblem != null || pointProblem != null;
        List<String> write = new ArrayList<>();
        if (thousandsProblem == null) {
            write.add(thousands.toPlainString());
        }
        BigDecimal cut = point.setScale(2, RoundingMode.DOWN);
        if (pointProblem == null) {
            write.add(localSpelling(cut));
        } else if (point.scale() > 2 && cut.signum() > 0 && cut.compareTo(max) <= 0) {
            write.add("an amount with at most two decimals such as " + localSpelling(cut));
        }
        return "priceNet " + shown + " is ambiguous: " + written(thousands)
                + (noted ? note("thousands separator", thousandsProblem) : "") + " or " + written(point)
                + (noted ? note("decimal point", pointProblem) : "")
                + (write.isEmpty() ? "" : "; write " + String.join(" or ", write));
    }

    private static String note(String role, String problem) {
        return " ('.' as " + role + (problem == null ? "" : ", " + problem) + ")";
    }

    private String aboveMax() {
        return "above the maximum of " + max.toPlainString();
    }

    /** e.g. 2,50 under de-DE: two decimals with the locale's decimal separator and no grouping. */
    private String localSpelling(BigDecimal amount) {
        return amount.setScale(2, RoundingMode.UNNECESSARY).toPlainString().replace('.', decimal);
    }

    /** The value with at least two decimals, more only as written: 2500.00, 2.50, 10.555. */
    private static String written(BigDecimal value) {
        return (value.scale() < 2 ? value.setScale(2, RoundingMode.UNNECESSARY) : value).toPlainString();
    }

    private String withPointDecimal(String text) {
        StringBuilder plain = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            if (c == decimal) {
                plain.append('.');
            } else if (groupingChars.indexOf(c) < 0) {
                plain.append(c);
            }
        }
        return plain.toString();
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
        if (last > 0) {
            char sep = text.charAt(last);
            String tail = text.substring(last + 1);
            boolean onlyThisSeparator = text.indexOf(sep) == last && text.chars().allMatch(
                    c -> c == sep || (c >= '0' && c <= '9'));
            if (onlyThisSeparator && !tail.isEmpty() && tail.length() <= 2 && sep != decimal) {
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
