package dev.paylink.smartml;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The code table of reference/onoffice-smartml.md, code by code, and its neighbours. */
class ErrorClassTest {

    @ParameterizedTest
    @ValueSource(ints = {13, 22, 40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 137, 153, 156, 158, 183, 243})
    void credentials(int code) {
        assertThat(ErrorClass.of(code)).isEqualTo(ErrorClass.CREDENTIALS);
    }

    @ParameterizedTest
    @ValueSource(ints = {136})
    void clock(int code) {
        assertThat(ErrorClass.of(code)).isEqualTo(ErrorClass.CLOCK);
    }

    @ParameterizedTest
    @ValueSource(ints = {3, 4, 5, 6, 7, 8, 9, 14, 15, 16, 17, 18, 19, 20, 23, 24, 25})
    void envelope(int code) {
        assertThat(ErrorClass.of(code)).isEqualTo(ErrorClass.ENVELOPE);
    }

    @ParameterizedTest
    @ValueSource(ints = {167, 189, 205, 214, 215, 255})
    void rowRejected(int code) {
        assertThat(ErrorClass.of(code)).isEqualTo(ErrorClass.ROW_REJECTED);
    }

    @ParameterizedTest
    @ValueSource(ints = {-1, 0, 1, 2, 10, 11, 12, 21, 26, 39, 50, 97, 135, 138, 152, 154, 155, 157, 166, 168, 182, 184,
            188, 190, 204, 206, 211, 213, 216, 242, 244, 254, 256, 500, 501, Integer.MAX_VALUE})
    void everythingElseIsUnknown(int code) {
        assertThat(ErrorClass.of(code)).isEqualTo(ErrorClass.UNKNOWN);
    }
}
