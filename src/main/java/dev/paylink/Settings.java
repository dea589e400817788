package dev.paylink;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import org.apache.camel.spi.PropertiesComponent;

/** Typed reads of {@code paylink.*} keys, with errors that name the key and what was wrong. */
final class Settings {

    private final PropertiesComponent properties;

    Settings(PropertiesComponent properties) {
        this.properties = properties;
    }

    Optional<String> optional(String key) {
        return properties.resolveProperty(key).map(String::strip).filter(s -> !s.isEmpty());
    }

    String string(String key) {
        return optional(key).orElseThrow(() -> new IllegalArgumentException("configuration key " + key + " is missing"));
    }

    boolean bool(String key) {
        String v = string(key).toLowerCase(Locale.ROOT);
        if (!v.equals("true") && !v.equals("false")) {
            throw invalid(key, v, "true or false");
        }
        return Boolean.parseBoolean(v);
    }

    int positiveInt(String key) {
        return parse(key, "a whole number of 1 or more", v -> {
            int i = Integer.parseInt(v);
            if (i < 1) {
                throw new IllegalArgumentException();
            }
            return i;
        });
    }

    BigDecimal decimal(String key) {
        return parse(key, "a decimal number such as 10000.00", BigDecimal::new);
    }

    Duration duration(String key) {
        return parse(key, "a duration such as 500ms, 30s, 5m, 1h or PT30S", Durations::parse);
    }

    private <T> T parse(String key, String expected, Function<String, T> parser) {
        String v = string(key);
        try {
            return parser.apply(v);
        } catch (RuntimeException e) {
            throw invalid(key, v, expected);
        }
    }

    private static IllegalArgumentException invalid(String key, String value, String expected) {
        return new IllegalArgumentException("configuration key " + key + " is '" + value + "'; expected " + expected);
    }
}
