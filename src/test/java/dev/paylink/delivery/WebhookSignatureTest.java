package dev.paylink.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class WebhookSignatureTest {

    private static final String SECRET = "whsec_test";
    private static final long T = 1_700_000_000L;
    private static final String BODY = "{\"id\":\"evt_1\",\"type\":\"link.created\"}";
    /** Computed outside Java: {@code printf '%s' '1700000000.<BODY>' | openssl dgst -sha256 -hmac whsec_test}. */
    private static final String KNOWN_V1 = "f537dd1a02ed4fd9a3424a11cb6a745afc7e05042c0709074f254f8016b491b5";
    private static final Duration FIVE_MINUTES = Duration.ofMinutes(5);
    private static final Instant NOW = Instant.ofEpochSecond(T);

    /** The HMAC computed here with javax.crypto directly, not through the class under test. */
    private static String hmac(String secret, String message) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return HexFormat.of().formatHex(mac.doFinal(message.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void headerIsTimestampAndLowerHexHmacOfTimestampDotBody() throws Exception {
        assertThat(hmac(SECRET, T + "." + BODY)).isEqualTo(KNOWN_V1);
        assertThat(WebhookSignature.header(SECRET, T, BODY)).isEqualTo("t=1700000000,v1=" + KNOWN_V1);
    }

    @Test
    void nonAsciiBodyAndSecretAreSignedAsUtf8() throws Exception {
        String body = "{\"data\":{\"description\":\"Miete März – 1.200,00 €\",\"emoji\":\"\uD83D\uDE00\"}}";
        String secret = "gehéim-ß";
        assertThat(WebhookSignature.header(secret, 42, body)).isEqualTo("t=42,v1=" + hmac(secret, "42." + body));
        assertThat(WebhookSignature.verify(WebhookSignature.header(secret, 42, body), body, secret, FIVE_MINUTES,
                Instant.ofEpochSecond(42))).isTrue();
    }

    @Test
    void acceptsItsOwnHeader() {
        assertThat(WebhookSignature.verify(WebhookSignature.header(SECRET, T, BODY), BODY, SECRET, FIVE_MINUTES, NOW)).isTrue();
        assertThat(WebhookSignature.verify("t=1700000000,v1=" + KNOWN_V1, BODY, SECRET, FIVE_MINUTES, NOW)).isTrue();
    }

    @Test
    void itemsInAnyOrderSeveralV1AndUnknownSchemesIgnored() {
        String other = "0".repeat(64);
        assertThat(verify("v1=" + KNOWN_V1 + ",t=" + T)).isTrue();
        assertThat(verify("t=" + T + ",v0=deadbeef,v1=" + KNOWN_V1)).isTrue();
        assertThat(verify("v0=abc, t=" + T + " , v1=" + other + ", v1=" + KNOWN_V1 + ",v2=xyz")).isTrue();
        assertThat(verify("t=" + T + ",v1=" + other + ",v0=" + KNOWN_V1)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "nonsense", "t=1700000000", "v1=f537dd1a", "t=,v1=abc", "t=abc,v1=abc",
            "t=-1700000000,v1=abc", "t=1700000000,,v1=abc", "=x,t=1700000000,v1=abc", "t=1700000000;v1=abc",
            "t=1700000000,t=1700000000,v1=abc", "t=1700000000000000000000,v1=abc"})
    void refusesGarbledHeaders(String header) {
        String h = header.replace("v1=abc", "v1=" + KNOWN_V1);
        assertThat(verify(h)).as(h).isFalse();
    }

    @Test
    void refusesMissingHeader() {
        assertThat(WebhookSignature.verify(null, BODY, SECRET, FIVE_MINUTES, NOW)).isFalse();
        assertThat(WebhookSignature.verify("t=" + T + ",v1=" + KNOWN_V1, null, SECRET, FIVE_MINUTES, NOW)).isFalse();
        assertThat(WebhookSignature.verify("t=" + T + ",v1=" + KNOWN_V1 + ",v0=" + "x".repeat(5000), BODY, SECRET,
                FIVE_MINUTES, NOW)).isFalse();
    }

    @Test
    void refusesTamperedBodyWrongSecretAndAlteredSignature() {
        String header = WebhookSignature.header(SECRET, T, BODY);
        assertThat(WebhookSignature.verify(header, BODY.replace("evt_1", "evt_2"), SECRET, FIVE_MINUTES, NOW)).isFalse();
        assertThat(WebhookSignature.verify(header, BODY + " ", SECRET, FIVE_MINUTES, NOW)).isFalse();
        assertThat(WebhookSignature.verify(header, BODY, "whsec_other", FIVE_MINUTES, NOW)).isFalse();
        assertThat(verify("t=" + T + ",v1=" + KNOWN_V1.toUpperCase())).as("v1 is lower-case hex").isFalse();
        assertThat(verify("t=" + T + ",v1=" + KNOWN_V1.substring(0, 63))).isFalse();
        assertThat(verify("t=" + (T + 1) + ",v1=" + KNOWN_V1)).as("t is signed too").isFalse();
    }

    @Test
    void timestampMustLieWithinToleranceEitherWay() {
        String header = WebhookSignature.header(SECRET, T, BODY);
        assertThat(WebhookSignature.verify(header, BODY, SECRET, FIVE_MINUTES, NOW.plusSeconds(300))).isTrue();
        assertThat(WebhookSignature.verify(header, BODY, SECRET, FIVE_MINUTES, NOW.minusSeconds(300))).isTrue();
        assertThat(WebhookSignature.verify(header, BODY, SECRET, FIVE_MINUTES, NOW.plusSeconds(301))).isFalse();
        assertThat(WebhookSignature.verify(header, BODY, SECRET, FIVE_MINUTES, NOW.minusSeconds(301))).isFalse();
        assertThat(WebhookSignature.verify(header, BODY, SECRET, Duration.ZERO, NOW)).isTrue();
        assertThat(WebhookSignature.verify(header, BODY, SECRET, Duration.ZERO, NOW.plusSeconds(1))).isFalse();
    }

    @Test
    void refusesAnEmptySecretOrNegativeTolerance() {
        assertThatThrownBy(() -> WebhookSignature.header("", T, BODY)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> WebhookSignature.header(null, T, BODY)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> WebhookSignature.verify("t=1,v1=a", BODY, "", FIVE_MINUTES, NOW))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> WebhookSignature.verify("t=1,v1=a", BODY, SECRET, Duration.ofSeconds(-1), NOW))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static boolean verify(String header) {
        return WebhookSignature.verify(header, BODY, SECRET, FIVE_MINUTES, NOW);
    }
}
