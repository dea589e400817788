package dev.paylink.smartpay;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PathSegmentTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "PL-1_a.b~c | PL-1_a.b~c",
            "6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b | 6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b",
            "'a b' | a%20b",
            "a/b?c#d | a%2Fb%3Fc%23d",
            "100% | 100%25",
            "x+y=z&w | x%2By%3Dz%26w",
            "Größe | Gr%C3%B6%C3%9Fe",
            ". | %2E",
            ".. | %2E%2E",
            "a..b | a..b"})
    void encodesOneSegment(String raw, String encoded) {
        assertThat(PathSegment.encode(raw)).isEqualTo(encoded);
    }
}
