package dev.paylink.delivery;

import dev.paylink.support.MutableClock;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.paylink.delivery.DeliveryResult.Delivered;
import dev.paylink.delivery.DeliveryResult.Failed;
import dev.paylink.delivery.DeliveryResult.Retry;
import dev.paylink.sandbox.WebhookReceiver;
import dev.paylink.sandbox.WebhookReceiver.Received;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The sandbox receiver against the real WebhookOutput, over loopback HTTP. */
class WebhookReceiverTest {

    private static final String SECRET = "whsec_receiver-test";
    private static final Instant START = Instant.parse("2025-03-01T12:00:00Z");
    private static final String PAYLOAD = "{\"id\":\"evt_r1\",\"type\":\"payment.paid\",\"createdAt\":\"2025-03-01T12:00:00Z\","
            + "\"data\":{\"amount\":\"1200.00\",\"note\":\"Grüße\"}}";

    private MutableClock senderClock;
    private MutableClock receiverClock;
    private WebhookReceiver receiver;
    private URI url;
    private WebhookRoute output;
    private final Logger logger = (Logger) LoggerFactory.getLogger(WebhookReceiver.class);
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private Level levelBefore;

    @BeforeEach
    void start() throws Exception {
        senderClock = new MutableClock(START);
        receiverClock = new MutableClock(START);
        receiver = new WebhookReceiver(SECRET, receiverClock);
        levelBefore = logger.getLevel();
        logger.setLevel(Level.INFO);
        logs.start();
        logger.addAppender(logs);
        url = receiver.start();
        output = WebhookRoute.start(SECRET, Duration.ofSeconds(2), Duration.ofSeconds(5), senderClock);
    }

    @AfterEach
    void stop() throws Exception {
        receiver.close();
        output.close();
        logger.detachAppender(logs);
        logger.setLevel(levelBefore);
    }

    private Delivery delivery(String eventId, String type) {
        return new Delivery(1, eventId, type, "webhook", url.toString(), PAYLOAD, 0, START);
    }

    @Test
    void endpointIsOnLoopbackUnderWebhooksPaylink() {
        assertThat(url.toString()).matches("http://127\\.0\\.0\\.1:\\d+/webhooks/paylink");
        assertThat(receiver.url()).isEqualTo(url);
    }

    @Test
    void acceptsWhatWebhookOutputSends() {
        assertThat(output.deliver(delivery("evt_r1", "payment.paid"))).isEqualTo(new Delivered("HTTP 204"));

        assertThat(receiver.validCount()).isEqualTo(1);
        assertThat(receiver.invalidCount()).isZero();
        assertThat(receiver.received()).containsExactly(new Received("evt_r1", "payment.paid", PAYLOAD, true, START));
        List<String> lines = logs.list.stream().filter(e -> e.getLevel() == Level.INFO).map(ILoggingEvent::getFormattedMessage).toList();
        assertThat(lines).contains("webhook sandbox: event payment.paid evt_r1, signature valid -> HTTP 204");
        assertThat(String.join("\n", lines)).doesNotContain(SECRET);
    }

    @Test
    void refusesAWrongSecretWith401() throws Exception {
        try (WebhookRoute impostor = WebhookRoute.start("whsec_someone-else", Duration.ofSeconds(2), Duration.ofSeconds(5), senderClock)) {
            assertThat(impostor.deliver(delivery("evt_bad", "link.created"))).isEqualTo(new Failed("HTTP 401"));
        }

        assertThat(receiver.invalidCount()).isEqualTo(1);
        assertThat(receiver.validCount()).isZero();
        assertThat(receiver.received()).singleElement().satisfies(r -> {
            assertThat(r.signatureValid()).isFalse();
            assertThat(r.eventId()).isEqualTo("evt_bad");
        });
        assertThat(logs.list).extracting(ILoggingEvent::getFormattedMessage)
                .contains("webhook sandbox: event link.created evt_bad, signature INVALID -> HTTP 401");
    }

    @Test
    void refusesASenderClockOutsideFiveMinutesAndAcceptsItAgainWhenFresh() {
        senderClock.advance(Duration.ofSeconds(-301));
        assertThat(output.deliver(delivery("evt_old", "link.created"))).isEqualTo(new Failed("HTTP 401"));
        senderClock.advance(Duration.ofSeconds(301 + 299));
        assertThat(output.deliver(delivery("evt_ahead", "link.created"))).isEqualTo(new Delivered("HTTP 204"));
        assertThat(receiver.received()).extracting(Received::signatureValid).containsExactly(false, true);
    }

    @Test
    void refusesUnsignedAndTamperedCalls() throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        HttpResponse<Void> unsigned = client.send(HttpRequest.newBuilder(url)
                .POST(HttpRequest.BodyPublishers.ofString(PAYLOAD)).build(), HttpResponse.BodyHandlers.discarding());
        String signature = WebhookSignature.header(SECRET, START.getEpochSecond(), PAYLOAD);
        HttpResponse<Void> tampered = client.send(HttpRequest.newBuilder(url).header("Paylink-Signature", signature)
                .POST(HttpRequest.BodyPublishers.ofString(PAYLOAD.replace("1200.00", "1.00"))).build(),
                HttpResponse.BodyHandlers.discarding());
        HttpResponse<Void> genuine = client.send(HttpRequest.newBuilder(url).header("Paylink-Signature", signature)
                .POST(HttpRequest.BodyPublishers.ofString(PAYLOAD)).build(), HttpResponse.BodyHandlers.discarding());

        assertThat(unsigned.statusCode()).isEqualTo(401);
        assertThat(tampered.statusCode()).isEqualTo(401);
        assertThat(genuine.statusCode()).isEqualTo(204);
        assertThat(receiver.invalidCount()).isEqualTo(2);
        assertThat(receiver.validCount()).isEqualTo(1);
        assertThat(receiver.received().get(0).eventId()).isNull();
    }

    @Test
    void failNextAnswersTheStatusThatManyTimesThenRecovers() {
        receiver.failNext(2, 503);
        Delivery d = delivery("evt_flaky", "file.completed");

        assertThat(output.deliver(d)).isEqualTo(new Retry("HTTP 503", null));
        assertThat(output.deliver(d)).isEqualTo(new Retry("HTTP 503", null));
        assertThat(output.deliver(d)).isEqualTo(new Delivered("HTTP 204"));

        // every call arrived and was signed properly; the first two were refused on purpose
        assertThat(receiver.received()).hasSize(3).allMatch(Received::signatureValid);
        assertThat(receiver.validCount()).isEqualTo(3);
        assertThat(logs.list).extracting(ILoggingEvent::getFormattedMessage)
                .contains("webhook sandbox: event file.completed evt_flaky, signature valid -> HTTP 503 (failing on purpose)");
    }

    @Test
    void failAlwaysUntilRecover() {
        receiver.failAlways(500);
        Delivery d = delivery("evt_down", "file.failed");
        for (int i = 0; i < 3; i++) {
            assertThat(output.deliver(d)).isEqualTo(new Retry("HTTP 500", null));
        }
        receiver.failNext(1, 429);
        assertThat(output.deliver(d)).isEqualTo(new Retry("HTTP 429", null));
        assertThat(output.deliver(d)).isEqualTo(new Delivered("HTTP 204"));
        receiver.failAlways(410);
        assertThat(output.deliver(d)).isEqualTo(new Failed("HTTP 410"));
        receiver.recover();
        assertThat(output.deliver(d)).isEqualTo(new Delivered("HTTP 204"));
    }

    @Test
    void otherPathsAndMethodsAreRefusedAndNotRecorded() throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        HttpResponse<Void> get = client.send(HttpRequest.newBuilder(url).GET().build(), HttpResponse.BodyHandlers.discarding());
        HttpResponse<Void> elsewhere = client.send(HttpRequest.newBuilder(url.resolve("/other"))
                .POST(HttpRequest.BodyPublishers.ofString(PAYLOAD)).build(), HttpResponse.BodyHandlers.discarding());

        assertThat(get.statusCode()).isEqualTo(405);
        assertThat(get.headers().firstValue("Allow")).hasValue("POST");
        assertThat(elsewhere.statusCode()).isEqualTo(404);
        assertThat(receiver.received()).isEmpty();
    }

    @Test
    void refusesNonsenseSettings() {
        assertThatThrownBy(() -> receiver.failNext(-1, 503)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> receiver.failAlways(99)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> receiver.start()).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> new WebhookReceiver("", receiverClock)).isInstanceOf(IllegalArgumentException.class);
        assertThat(WebhookReceiver.MAX_RECEIVED).isEqualTo(10_000);
    }
}
