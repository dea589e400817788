package dev.paylink.delivery;

import dev.paylink.support.MutableClock;
import static org.assertj.core.api.Assertions.assertThat;

import dev.paylink.delivery.DeliveryResult.Delivered;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The verification code in docs/webhook-verification.md is this project's test code, and it accepts real calls. */
class WebhookReadmeSnippetTest {

    private static final Path DOC = Path.of("docs", "webhook-verification.md");
    private static final Path SOURCE = Path.of("src", "test", "java", "dev", "paylink", "delivery", "ReadmeWebhookVerifier.java");
    private static final String SECRET = "whsec_readme";
    private static final Instant START = Instant.parse("2025-03-01T12:00:00Z");

    private WebhookCapture capture;

    @BeforeEach
    void start() throws IOException {
        capture = new WebhookCapture();
    }

    @AfterEach
    void stop() {
        capture.close();
    }

    @Test
    void theDocShowsExactlyTheTestedClass() throws IOException {
        String source = Files.readString(SOURCE, StandardCharsets.UTF_8).replace("\r\n", "\n");
        int classStart = source.indexOf("public final class ");
        String classText = source.substring(classStart, source.lastIndexOf('}') + 1);

        String doc = Files.readString(DOC, StandardCharsets.UTF_8).replace("\r\n", "\n");
        String open = "```java\n";
        int blockStart = doc.indexOf(open);
        assertThat(blockStart).as("a ```java block in " + DOC).isNotNegative();
        assertThat(doc.indexOf(open, blockStart + 1)).as("only one ```java block in " + DOC).isNegative();
        int blockEnd = doc.indexOf("\n```", blockStart + open.length());
        String block = doc.substring(blockStart + open.length(), blockEnd);

        assertThat(classStart).isNotNegative();
        assertThat(block).isEqualTo(classText);
        assertThat(Files.readString(Path.of("README.md"), StandardCharsets.UTF_8).replace("\r\n", "\n"))
                .as("the README shows the same tested code").contains(classText);
        // what the prose promises
        assertThat(doc).contains("Paylink-Signature", "Paylink-Event-Id", "raw", "5 minutes", "2xx");
    }

    @Test
    void acceptsACallSignedByWebhookOutputAndRejectsTamperingWrongSecretAndAge() throws Exception {
        MutableClock clock = new MutableClock(START);
        WebhookRoute output = WebhookRoute.start(SECRET, Duration.ofSeconds(2), Duration.ofSeconds(5), clock);
        String payload = "{\"id\":\"evt_doc\",\"type\":\"link.created\",\"createdAt\":\"2025-03-01T12:00:00Z\","
                + "\"data\":{\"description\":\"Kaution € 3.000,00\"}}";
        Delivery d = new Delivery(5, "evt_doc", "link.created", "webhook", capture.url("/hook"), payload, 0, START);

        try (output) {
            assertThat(output.deliver(d)).isEqualTo(new Delivered("HTTP 204"));
        }
        WebhookCapture.Request call = capture.only();
        String header = call.header("Paylink-Signature");
        String rawBody = call.bodyText();
        long now = START.getEpochSecond();

        assertThat(ReadmeWebhookVerifier.verify(header, rawBody, SECRET, now)).isTrue();
        assertThat(ReadmeWebhookVerifier.verify(header, rawBody, SECRET, now + 300)).isTrue();
        assertThat(ReadmeWebhookVerifier.verify(header, rawBody.replace("3.000,00", "3,00"), SECRET, now)).isFalse();
        assertThat(ReadmeWebhookVerifier.verify(header, rawBody, "whsec_wrong", now)).isFalse();
        assertThat(ReadmeWebhookVerifier.verify(header, rawBody, SECRET, now + 301)).isFalse();
        assertThat(ReadmeWebhookVerifier.verify(header, rawBody, SECRET, now - 301)).isFalse();
        assertThat(ReadmeWebhookVerifier.verify(null, rawBody, SECRET, now)).isFalse();
        assertThat(ReadmeWebhookVerifier.verify("garbage", rawBody, SECRET, now)).isFalse();
        assertThat(ReadmeWebhookVerifier.verify("t=x," + header.substring(header.indexOf("v1=")), rawBody, SECRET, now)).isFalse();
    }

    @Test
    void agreesWithWebhookSignatureOnRotationAndUnknownSchemes() {
        long t = START.getEpochSecond();
        String body = "{\"id\":\"evt_rot\"}";
        String v1 = WebhookSignature.header(SECRET, t, body).substring(("t=" + t + ",").length());
        String rotated = "v0=legacy,t=" + t + ",v1=" + "0".repeat(64) + "," + v1;
        assertThat(ReadmeWebhookVerifier.verify(rotated, body, SECRET, t)).isTrue();
        assertThat(WebhookSignature.verify(rotated, body, SECRET, Duration.ofMinutes(5), START)).isTrue();
    }
}
