package dev.paylink.config;

import dev.paylink.Durations;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.text.NumberFormat;
import java.text.ParseException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IllformedLocaleException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.ToIntFunction;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import java.util.stream.Collectors;
import org.quartz.CronExpression;

/**
 * Typed reads of configuration keys that note every problem and go on, so that one start reports them all. A read
 * that fails returns a stand-in value; {@link PaylinkSettings#bind} throws before anything is built from it.
 */
final class Binder {

    /** Why a value does not fit, as it follows the quoted value in a problem line: {@code is not a duration (...)}. */
    static final class Unfit extends RuntimeException {
        Unfit(String why) {
            super(why, null, false, false);
        }
    }

    /** Turns a configured text into a value, or throws {@link Unfit}. */
    @FunctionalInterface
    interface Form<T> {
        T read(String text);
    }

    static final String DURATION_EXAMPLES = "(e.g. 3s, 500ms, PT3S)";
    private static final Set<Locale> NUMBER_LOCALES = Set.of(NumberFormat.getAvailableLocales());
    /** What RFC 3986 allows in a URL, escapes ({@code %20}) included. */
    private static final String URL_CHARACTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~:/?#[]@!$&'()*+,;=%";
    private static final Pattern SCHEME = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]*:.+");

    private final Function<String, Optional<String>> source;
    private final List<String> problems = new ArrayList<>();
    private final Set<String> unreadable = new java.util.HashSet<>();

    Binder(Function<String, Optional<String>> source) {
        this.source = source;
    }

    List<String> problems() {
        return List.copyOf(problems);
    }

    void problem(String key, String what) {
        problems.add(key + ": " + what);
    }

    /** Whether a problem with this key was noted already. */
    boolean reported(String key) {
        return problems.stream().anyMatch(p -> p.startsWith(key + ": "));
    }

    /** The text of a key, stripped; empty when unset or blank. */
    Optional<String> text(String key) {
        try {
            return source.apply(key).map(String::strip).filter(v -> !v.isEmpty());
        } catch (RuntimeException e) {
            // e.g. a {{placeholder}} naming a key that does not exist
            unreadable.add(key);
            problem(key, "cannot be read: " + e.getMessage());
            return Optional.empty();
        }
    }

    /** A key that must be set, in the form given; {@code standIn} when it is not or does not fit. */
    <T> T required(String key, T standIn, String example, Form<T> form) {
        Optional<String> v = text(key);
        if (v.isEmpty()) {
            if (!unreadable.contains(key)) {
                problem(key, "must be set (e.g. " + example + ")");
            }
            return standIn;
        }
        return read(key, v.get(), form).orElse(standIn);
    }

    /** A key that may be empty. */
    <T> Optional<T> optional(String key, Form<T> form) {
        return text(key).flatMap(v -> read(key, v, form));
    }

    private <T> Optional<T> read(String key, String value, Form<T> form) {
        try {
            return Optional.of(form.read(value));
        } catch (Unfit e) {
            problem(key, "'" + shown(value) + "' " + e.getMessage());
            return Optional.empty();
        }
    }

    /** The value as a problem line may repeat it: a password in a URL starred, very long values cut. */
    static String shown(String value) {
        String v = value.replaceAll("(?i)(password=)[^&;]*", "$1****");
        if (v.matches("(?i)([a-z][a-z0-9+.-]*://|jdbc:).*")) {
            v = v.replaceAll("\\?.*", "?...");
        }
        return v.length() > 120 ? v.substring(0, 117) + "..." : v;
    }

    // ---------------------------------------------------------------- forms

    static Form<Boolean> bool() {
        return v -> switch (v.toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new Unfit("is not true or false");
        };
    }

    /** A whole number from {@code min} to {@code max}. */
    static Form<Integer> whole(int min, int max) {
        return v -> {
            int n;
            try {
                n = Integer.parseInt(v);
            } catch (NumberFormatException e) {
                throw new Unfit("is not a whole number" + (max == Integer.MAX_VALUE ? " of " + min + " or more" : " from " + min + " to " + max));
            }
            if (n < min) {
                throw new Unfit("is less than " + min);
            }
            if (n > max) {
                throw new Unfit("is more than " + max);
            }
            return n;
        };
    }

    static Form<Integer> positive() {
        return whole(1, Integer.MAX_VALUE);
    }

    /** A decimal number, more than 0 ({@code zeroAllowed}: 0 or more). */
    static Form<BigDecimal> decimal(boolean zeroAllowed) {
        return signed(BigDecimal::new, "is not a decimal number (e.g. 10000.00)", BigDecimal::signum, zeroAllowed, "is not more than 0");
    }

    /** A duration in a README form, longer than 0 ({@code zeroAllowed}: 0 or longer). */
    static Form<Duration> duration(boolean zeroAllowed) {
        return signed(Durations::parse, "is not a duration " + DURATION_EXAMPLES, d -> d.isNegative() ? -1 : d.isZero() ? 0 : 1, zeroAllowed,
                "is not longer than 0");
    }

    /** What {@code parser} reads (anything it refuses is {@code notThat}), refused below 0, and at 0 unless {@code zeroAllowed}. */
    private static <T> Form<T> signed(Function<String, T> parser, String notThat, ToIntFunction<T> signum, boolean zeroAllowed, String notAboveZero) {
        return v -> {
            T value;
            try {
                value = parser.apply(v);
            } catch (RuntimeException e) {
                throw new Unfit(notThat);
            }
            int sign = signum.applyAsInt(value);
            if (sign < 0 || (!zeroAllowed && sign == 0)) {
                throw new Unfit(sign < 0 ? "is negative" : notAboveZero);
            }
            return value;
        };
    }

    /** An absolute http or https URL with a host. */
    static Form<URI> httpUrl(String example) {
        return v -> {
            URI uri;
            try {
                uri = new URI(v);
            } catch (URISyntaxException e) {
                int bad = 0;
                while (bad < v.length() && URL_CHARACTERS.indexOf(v.charAt(bad)) >= 0) {
                    bad++;
                }
                String where = bad < v.length()
                        ? "illegal character " + (v.charAt(bad) == ' ' ? "(a space)" : "'" + v.charAt(bad) + "'") + " at character " + (bad + 1)
                        : e.getReason().toLowerCase(Locale.ROOT);
                throw new Unfit("is not a URL: " + where + " (e.g. " + example + ")");
            }
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https")) {
                throw new Unfit("is not an http or https URL (e.g. " + example + ")");
            }
            if (uri.getHost() == null || uri.getHost().isEmpty()) {
                throw new Unfit("has no host name (e.g. " + example + ")");
            }
            return uri;
        };
    }

    /** One of an enum's constants, written in any case. */
    static <E extends Enum<E>> Form<E> oneOf(Class<E> type) {
        return v -> {
            for (E e : type.getEnumConstants()) {
                if (e.name().equalsIgnoreCase(v)) {
                    return e;
                }
            }
            throw new Unfit("is not " + Arrays.stream(type.getEnumConstants()).map(e -> e.name().toLowerCase(Locale.ROOT))
                    .collect(Collectors.joining(", ")).replaceFirst(", ([^,]*)$", " or $1"));
        };
    }

    static Form<Charset> charset() {
        return v -> {
            try {
                return Charset.forName(v);
            } catch (IllegalArgumentException e) {
                throw new Unfit("is not a charset Java knows (e.g. UTF-8, windows-1252, ISO-8859-15)");
            }
        };
    }

    /** A language tag of a locale Java has number formats for. */
    static Form<Locale> locale() {
        return v -> {
            Locale locale;
            try {
                locale = new Locale.Builder().setLanguageTag(v).build();
            } catch (IllformedLocaleException e) {
                throw new Unfit("is not a language tag (e.g. de-DE, en-US" + (v.contains("_") ? "; write " + v.replace('_', '-') : "") + ")");
            }
            if (!NUMBER_LOCALES.contains(locale)) {
                throw new Unfit("is not a locale Java knows number formats for (e.g. de-DE, en-US, de-CH)");
            }
            return locale;
        };
    }

    static Form<Pattern> regex() {
        return v -> {
            try {
                return Pattern.compile(v);
            } catch (PatternSyntaxException e) {
                throw new Unfit("is not a regular expression: " + e.getDescription().toLowerCase(Locale.ROOT) + " near character " + (e.getIndex() + 1));
            }
        };
    }

    /** A Quartz cron expression (seconds first). */
    static Form<String> cron() {
        return v -> {
            try {
                new CronExpression(v);
                return v;
            } catch (ParseException e) {
                throw new Unfit("is not a Quartz cron expression (seconds first, e.g. 0 0/5 * * * ?): " + e.getMessage());
            }
        };
    }

    /** One line of printable ASCII, as an HTTP header value must be. */
    static Form<String> headerValue() {
        return v -> {
            if (!v.matches("[\\x20-\\x7E]+")) {
                throw new Unfit("is not one line of printable ASCII characters, as an HTTP header must be");
            }
            return v;
        };
    }

    /** A Camel endpoint URI: a scheme, then the rest ({@code file:data/inbox?...}). */
    static Form<String> endpoint() {
        return v -> {
            if (!SCHEME.matcher(v).matches()) {
                throw new Unfit("is not an endpoint URI (e.g. file:data/inbox)");
            }
            return v;
        };
    }

    /** A path that is, or can be made, a writable folder; nothing is created here. */
    static Form<Path> folder() {
        return v -> {
            Path path = path(v);
            if (Files.exists(path)) {
                if (!Files.isDirectory(path)) {
                    throw new Unfit("is a file, not a folder");
                }
                if (!Files.isWritable(path)) {
                    throw new Unfit("is a folder this user cannot write to");
                }
                return path;
            }
            Path existing = path.toAbsolutePath().getParent();
            while (existing != null && !Files.exists(existing)) {
                existing = existing.getParent();
            }
            if (existing != null && (!Files.isDirectory(existing) || !Files.isWritable(existing))) {
                throw new Unfit("cannot be created: " + existing + (Files.isDirectory(existing) ? " is not writable" : " is a file"));
            }
            return path;
        };
    }

    /** A file that exists and can be read. */
    static Form<Path> readableFile() {
        return v -> {
            Path path = path(v);
            if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
                throw new Unfit(Files.exists(path) ? "is not a readable file" : "does not exist");
            }
            return path;
        };
    }

    static Path path(String v) {
        try {
            return Path.of(v);
        } catch (InvalidPathException e) {
            throw new Unfit("is not a path: " + e.getReason());
        }
    }

    /** Mail addresses, comma-separated, each a mailbox with a domain ({@code Name <a@example.com>} or {@code a@example.com}). */
    static Form<List<InternetAddress>> mailAddresses() {
        return v -> {
            try {
                List<InternetAddress> all = List.of(InternetAddress.parse(v, true));
                for (InternetAddress a : all) {
                    a.validate();
                    if (a.isGroup() || a.getAddress().indexOf('@') < 1) {
                        throw new AddressException("not a single mailbox");
                    }
                }
                return all;
            } catch (AddressException e) {
                throw new Unfit("is not a mail address (e.g. backoffice@example.com): " + e.getMessage());
            }
        };
    }

    /** A comma-separated list, blanks dropped. */
    static List<String> list(String text) {
        return Arrays.stream(text.split(",")).map(String::strip).filter(x -> !x.isEmpty()).toList();
    }
}
