package dev.paylink;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as people write them in configuration ({@code 500ms}, {@code 30s}, {@code 5m}, {@code 1h}, {@code 2d},
 * ISO-8601 {@code PT30S}) and as they read them in a log line ({@code 30 s}, {@code 5 min}, {@code 1 h 30 min}).
 */
public final class Durations {

    private static final Pattern SIMPLE = Pattern.compile("(\\d{1,12})\\s*(ms|s|m|h|d)");

    private Durations() {
    }

    /**
     * A duration in one of the configuration forms.
     *
     * @throws IllegalArgumentException for anything else (a bare number too: 3 what?)
     */
    public static Duration parse(String text) {
        String t = text.strip();
        Matcher m = SIMPLE.matcher(t.toLowerCase(Locale.ROOT));
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
        }
        try {
            return Duration.parse(t);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("not a duration: " + text, e);
        }
    }

    /** For a log line: {@code 250 ms}, {@code 30 s}, {@code 5 min}, {@code 1 h 30 min}, {@code 2 d 3 h}. */
    public static String spoken(Duration d) {
        long ms = d.toMillis();
        if (ms < 1000) {
            return ms + " ms";
        }
        long s = d.toSeconds();
        long days = s / 86_400;
        long h = s % 86_400 / 3600;
        long m = s % 3600 / 60;
        long sec = s % 60;
        StringBuilder b = new StringBuilder();
        append(b, days, "d");
        append(b, h, "h");
        append(b, m, "min");
        if (sec > 0 || b.isEmpty()) {
            append(b, sec, "s");
        }
        return b.toString();
    }

    private static void append(StringBuilder b, long n, String unit) {
        if (n > 0 || unit.equals("s")) {
            b.append(b.isEmpty() ? "" : " ").append(n).append(' ').append(unit);
        }
    }
}
