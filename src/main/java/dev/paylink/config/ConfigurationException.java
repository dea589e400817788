package dev.paylink.config;

import java.util.List;

/**
 * The configuration cannot work: every problem found, one line each ({@code paylink.intake.min-age: 'soon' is not a
 * duration (e.g. 3s, 500ms, PT3S)}). Thrown before anything is created or started; {@code Application} prints the
 * lines and exits with {@link #EXIT_STATUS}, without a stack trace.
 */
public final class ConfigurationException extends RuntimeException {

    /** The exit status of a start refused for its configuration (1 is left for unexpected failures). */
    public static final int EXIT_STATUS = 2;

    private final List<String> problems;

    public ConfigurationException(List<String> problems) {
        super(String.join("; ", problems), null, false, false);
        this.problems = problems.stream().map(ConfigurationException::oneLine).toList();
    }

    public static ConfigurationException of(String key, String problem) {
        return new ConfigurationException(List.of(key + ": " + problem));
    }

    /** Each problem as it is printed: {@code configuration: <key>: <what is wrong>}. */
    public List<String> lines() {
        return problems.stream().map(p -> "configuration: " + p).toList();
    }

    public List<String> problems() {
        return problems;
    }

    /** Whatever a value or a driver's message holds, a problem stays one line. */
    static String oneLine(String text) {
        return text == null ? "" : text.replaceAll("\\s*[\\r\\n]+\\s*", " ").replaceAll("\\p{Cntrl}", "?").strip();
    }
}
