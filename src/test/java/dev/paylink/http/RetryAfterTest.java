package dev.paylink.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RetryAfterTest {

    private static final Instant NOW = Instant.parse("2025-01-01T05:59:00Z");
    private static final Duration MAX = Duration.ofMinutes(5);

    @ParameterizedTest(name = "''{0}'' -> {1}")
    @CsvSource(delimiter = '|', nullValues = "none", textBlock = """
            120                           | PT2M
            ' 7 '                         | PT7S
            0                             | PT0S
            86400                         | PT5M
            99999999999                   | PT5M
            Wed, 01 Jan 2025 06:00:00 GMT | PT1M
            Wed, 01 Jan 2025 07:00:00 GMT | PT5M
            Tue, 31 Dec 2024 23:00:00 GMT | PT0S
            soon                          | none
            -5                            | none
            ''                            | none
            none                          | none
            """)
    void readsSecondsAndHttpDatesCappedAndNeverNegative(String header, Duration expected) {
        assertThat(RetryAfter.parse(header, NOW, MAX).orElse(null)).isEqualTo(expected);
    }
}
