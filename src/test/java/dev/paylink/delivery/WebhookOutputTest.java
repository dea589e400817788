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
import dev.paylink.delivery.WebhookCapture.Answer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.LoggerFactory;

/** Real HTTP on 127.0.0.1: what is sent, byte for byte, and what each answer comes to. */
class WebhookOutputTest {

    static final String SECRET = "whsec_output-test-SECRET";
    static final Instant START = Instant.parse("2025-03-01T12:00:00Z");
    /** Non-ASCII, escapes and a 4-byte character: the bytes on the wire must be exactly these, UTF-8. */
    static final String PAYLOAD = "{\"id\":\"evt_01\",\"type\":\"link.created\",\"createdAt\":\"2025-03-01T12:00:00Z\","
            + "\"data\":{\"description\":\"Miete März – 1.200,00 €\",\"note\":\"a\\\"b\\\\c\\n\",\"emoji\":\"\uD83D\uDE00\"}}";

    private WebhookCapture capture;
    private MutableClock clock;
    private WebhookRoute output;
    private final Logger logger = (Logger) LoggerFactory.getLogger(WebhookOutput.class);
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private Level levelBefore;

    @BeforeEach
    void start() throws Exception {
        capture = new WebhookCapture();
        clock = new MutableClock(START);
        output = WebhookRoute.start(SECRET, Duration.ofSeconds(2), Duration.ofSeconds(5), clock);
        levelBefore = logger.getLevel();
        logger.setLevel(Level.DEBUG);
        logs.start();
        logger.addAppender(logs);
    }

    @AfterEach
    void stop() throws Exception {
        logger.detachAppender(logs);
        logger.setLevel(levelBefore);
        capture.close(); // releases a hanging handler first
        output.close();
    }

    static Delivery delivery(String target) {
        return delivery(target, PAYLOAD);
    }

    static Delivery delivery(String target, String payload) {
        return new Delivery(17, "evt_01", "link.created", "webhook", target, payload, 0, START);
    }

    @Test
    void nameIsWebhook() {
        assertThat(RouteOutput.endpoint(output.name())).isEqualTo("direct:output-webhook");
        assertThat(output.name()).isEqualTo("webhook");
    }

    @Test
    void postsThePayloadByteForByteWithExactHeaders() {
        DeliveryResult result = output.deliver(delivery(capture.url("/hooks/paylink")));

        assertThat(result).isEqualTo(new Delivered("HTTP 204"));
        WebhookCapture.Request request = capture.only();
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.uri().getPath()).isEqualTo("/hooks/paylink");
        assertThat(request.body()).isEqualTo(PAYLOAD.getBytes(StandardCharsets.UTF_8));
        assertThat(request.header("Content-Type")).isEqualTo("application/json; charset=UTF-8");
        assertThat(request.header("User-Agent")).isEqualTo("paylink-routes");
        assertThat(request.header("Paylink-Event-Id")).isEqualTo("evt_01");
        assertThat(request.header("Paylink-Event-Type")).isEqualTo("link.created");
        assertThat(request.header("Paylink-Signature"))
                .isEqualTo(WebhookSignature.header(SECRET, START.getEpochSecond(), PAYLOAD))
                .startsWith("t=" + START.getEpochSecond() + ",v1=");
        assertThat(request.header("Content-Length")).isEqualTo(String.valueOf(PAYLOAD.getBytes(StandardCharsets.UTF_8).length));
        assertThat(request.headers().get("Paylink-Signature")).hasSize(1);
        // nothing else: no Camel header leaks; HttpClient adds only its transport headers (names as the JDK server normalises them)
        assertThat(request.headers().keySet()).filteredOn(h -> !List.of("Host", "Content-length", "Connection", "Accept-encoding").contains(h))
                .containsExactlyInAnyOrder("Content-type", "User-agent", "Paylink-event-id", "Paylink-event-type", "Paylink-attempt-id",
                        "Paylink-attempt", "Paylink-signature");
        assertThat(java.util.UUID.fromString(request.header("Paylink-Attempt-Id"))).isNotNull();
        assertThat(request.header("Paylink-Attempt")).isEqualTo("1");
        assertThat(WebhookSignature.verify(request.header("Paylink-Signature"), request.bodyText(), SECRET,
                Duration.ofMinutes(5), clock.instant())).isTrue();
    }

    @Test
    void everyTryIsSignedAfresh() {
        String url = capture.url("/hooks");
        output.deliver(delivery(url));
        clock.advance(Duration.ofSeconds(61));
        output.deliver(delivery(url));
        clock.advance(Duration.ofMinutes(10));
        output.deliver(delivery(url));

        List<WebhookCapture.Request> requests = capture.requests();
        assertThat(requests).hasSize(3);
        long t0 = START.getEpochSecond();
        assertThat(requests).extracting(r -> r.header("Paylink-Signature")).containsExactly(
                WebhookSignature.header(SECRET, t0, PAYLOAD),
                WebhookSignature.header(SECRET, t0 + 61, PAYLOAD),
                WebhookSignature.header(SECRET, t0 + 661, PAYLOAD));
        assertThat(requests).extracting(r -> r.header("Paylink-Signature")).doesNotHaveDuplicates();
        // the last one is valid now, though the event is more than 5 minutes old
        assertThat(WebhookSignature.verify(requests.get(2).header("Paylink-Signature"), PAYLOAD, SECRET,
                Duration.ofMinutes(5), clock.instant())).isTrue();
    }

    @ParameterizedTest
    @ValueSource(ints = {200, 201, 202, 204})
    void twoHundredsAreDelivered(int status) {
        capture.answer(Answer.of(status, status == 204 ? "" : "{\"ok\":true}"));
        assertThat(output.deliver(delivery(capture.url("/h")))).isEqualTo(new Delivered("HTTP " + status));
    }

    @Test
    void serviceUnavailableWithRetryAfterSecondsIsRetryWithThatWait() {
        capture.answer(Answer.of(503, "down for maintenance").with("Retry-After", "7"));
        DeliveryResult result = output.deliver(delivery(capture.url("/h")));
        assertThat(result).isEqualTo(new Retry("HTTP 503: down for maintenance", Duration.ofSeconds(7)));
    }

    @Test
    void retryAfterAsHttpDateIsReadAgainstTheClock() {
        String at = DateTimeFormatter.RFC_1123_DATE_TIME.format(START.plusSeconds(90).atOffset(ZoneOffset.UTC));
        capture.answer(Answer.of(429).with("Retry-After", at));
        assertThat(output.deliver(delivery(capture.url("/h")))).isEqualTo(new Retry("HTTP 429", Duration.ofSeconds(90)));

        String past = DateTimeFormatter.RFC_1123_DATE_TIME.format(START.minusSeconds(90).atOffset(ZoneOffset.UTC));
        capture.answer(Answer.of(503).with("Retry-After", past));
        assertThat(output.deliver(delivery(capture.url("/h")))).isEqualTo(new Retry("HTTP 503", Duration.ZERO));

        capture.answer(Answer.of(503).with("Retry-After", "soon"));
        assertThat(output.deliver(delivery(capture.url("/h")))).isEqualTo(new Retry("HTTP 503", null));

        capture.answer(Answer.of(503).with("Retry-After", "99999999999"));
        assertThat(output.deliver(delivery(capture.url("/h")))).isEqualTo(new Retry("HTTP 503", Duration.ofHours(24)));
    }

    @ParameterizedTest
    @ValueSource(ints = {500, 502, 503, 504, 429, 408})
    void serverTroubleAndTooManyRequestsAreRetried(int status) {
        capture.answer(Answer.of(status));
        assertThat(output.deliver(delivery(capture.url("/h")))).isEqualTo(new Retry("HTTP " + status, null));
    }

    @ParameterizedTest
    @ValueSource(ints = {400, 401, 403, 404, 410, 413, 422})
    void otherClientErrorsFail(int status) {
        capture.answer(Answer.of(status, "{\"error\":\"no such hook\"}"));
        assertThat(output.deliver(delivery(capture.url("/h"))))
                .isEqualTo(new Failed("HTTP " + status + ": {\"error\":\"no such hook\"}"));
    }

    @Test
    void aFailureQuotesTheFirst200CharactersOfTheAnswerOnOneLine() {
        String body = "line one\r\nline two " + "x".repeat(300);
        capture.answer(Answer.of(400, body));
        Failed failed = (Failed) output.deliver(delivery(capture.url("/h")));
        String expected = "HTTP 400: " + (body.substring(0, 200).replace('\r', ' ').replace('\n', ' '));
        assertThat(failed.error()).isEqualTo(expected);

        capture.answer(Answer.of(404, ""));
        assertThat(output.deliver(delivery(capture.url("/h")))).isEqualTo(new Failed("HTTP 404"));
    }

    @Test
    void aHugeAnswerIsNotReadWhole() {
        capture.answer(Answer.of(500, "y".repeat(5_000_000)));
        assertThat(output.deliver(delivery(capture.url("/h")))).isEqualTo(new Retry("HTTP 500: " + "y".repeat(200), null));
    }

    @Test
    void redirectsAreNotFollowedAndFailNamingTheLocation() {
        capture.answer(Answer.of(301).with("Location", capture.url("/moved?token=REDIRECT-TOKEN")));
        DeliveryResult result = output.deliver(delivery(capture.url("/h")));
        assertThat(result).isInstanceOf(Failed.class);
        assertThat(((Failed) result).error()).startsWith("HTTP 301: redirect to " + capture.url("/moved"))
                .doesNotContain("REDIRECT-TOKEN");
        assertThat(capture.requests()).hasSize(1);

        capture.answer(Answer.of(308).with("Location", "/elsewhere"));
        assertThat(((Failed) output.deliver(delivery(capture.url("/h")))).error()).startsWith("HTTP 308: redirect to /elsewhere");
        assertThat(capture.requests()).hasSize(2);
    }

    @Test
    void connectionRefusedIsRetry() throws IOException {
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        DeliveryResult result = output.deliver(delivery("http://127.0.0.1:" + port + "/h"));
        assertThat(result).isInstanceOf(Retry.class);
        assertThat(((Retry) result).error()).contains("127.0.0.1:" + port).contains("refused").endsWith("(not sent)");
        assertThat(((Retry) result).retryAfter()).isNull();
    }

    @Test
    void aReceiverThatDoesNotAnswerIsRetryAfterTheTimeout() throws Exception {
        capture.hang();
        try (WebhookRoute impatient = WebhookRoute.start(SECRET, Duration.ofMillis(300), Duration.ofMillis(300), clock)) {
            long started = System.nanoTime();
            DeliveryResult result = impatient.deliver(delivery(capture.url("/h")));
            long millis = (System.nanoTime() - started) / 1_000_000;

            assertThat(result).isInstanceOf(Retry.class);
            // it may have reached the receiver: retried all the same (receivers drop repeats by event id), never "(not sent)"
            assertThat(((Retry) result).error()).contains("SocketTimeoutException").doesNotContain("(not sent)");
            assertThat(millis).isBetween(250L, 5_000L);
            assertThat(capture.requests()).hasSize(1);
        }
    }

    @Test
    void aBadTargetOrDeliveryFailsWithoutThrowing() {
        assertThat(output.deliver(delivery(null))).isEqualTo(new Failed("no webhook URL"));
        assertThat(output.deliver(delivery("ftp://example.org/x"))).isInstanceOf(Failed.class);
        assertThat(output.deliver(delivery("not a url at all"))).isInstanceOf(Failed.class);
        assertThat(output.deliver(delivery("/relative/only"))).isInstanceOf(Failed.class);
        assertThat(output.deliver(delivery(capture.url("/h"), null))).isInstanceOf(Failed.class);
        Delivery noId = new Delivery(1, null, "link.created", "webhook", capture.url("/h"), PAYLOAD, 0, START);
        assertThat(output.deliver(noId)).isInstanceOf(Failed.class);
        Delivery crlf = new Delivery(1, "evt\r\nX-Injected: 1", "link.created", "webhook", capture.url("/h"), PAYLOAD, 0, START);
        DeliveryResult injected = output.deliver(crlf);
        assertThat(injected).isInstanceOf(Failed.class);
        assertThat(((Failed) injected).error()).doesNotContain("X-Injected");
        assertThat(capture.requests()).isEmpty();
    }

    @Test
    void everyTryHasItsOwnAttemptIdAndNumber() {
        String url = capture.url("/hooks");
        output.deliver(delivery(url));
        output.deliver(new Delivery(17, "evt_01", "link.created", "webhook", url, PAYLOAD, 3, START));

        List<WebhookCapture.Request> requests = capture.requests();
        assertThat(requests).extracting(r -> r.header("Paylink-Event-Id")).containsExactly("evt_01", "evt_01");
        assertThat(requests).extracting(r -> r.header("Paylink-Attempt")).containsExactly("1", "4");
        assertThat(requests).extracting(r -> r.header("Paylink-Attempt-Id")).doesNotHaveDuplicates().doesNotContainNull();
    }

    @Test
    void logsOneDebugLinePerTryWithTheUrlMaskedAndNeverTheSecretOrSignature() {
        // the WARN line of a failed try is the dispatcher's (one per try): the output itself only says what it did, at DEBUG
        String url = capture.url("/hooks/paylink?token=QUERY-TOKEN-123");
        capture.answer(Answer.of(204));
        output.deliver(delivery(url));
        capture.answer(Answer.of(503));
        output.deliver(new Delivery(18, "evt_02", "file.failed", "webhook", url, PAYLOAD, 3, START));
        capture.answer(Answer.of(404));
        output.deliver(new Delivery(19, "evt_03", "payment.paid", "webhook", url, PAYLOAD, 0, START));

        String signature = capture.requests().get(0).header("Paylink-Signature");
        assertThat(capture.requests().get(0).uri().getRawQuery()).isEqualTo("token=QUERY-TOKEN-123");
        List<String> lines = logs.list.stream().map(e -> e.getLevel() + " " + e.getFormattedMessage()).toList();
        String shown = capture.url("/hooks/paylink?token=***");
        assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("DEBUG webhook POST to url (" + shown + ") event link.created evt_01")
                .contains("HTTP 204 in"));
        assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("DEBUG webhook POST to url (" + shown + ") event file.failed evt_02 "
                + "(delivery 18, try 4, attempt id ").contains("): HTTP 503 in"));
        assertThat(lines).anySatisfy(l -> assertThat(l).contains("evt_03").contains("): HTTP 404 in"));
        assertThat(lines).hasSize(3).allMatch(l -> l.startsWith("DEBUG"));
        String all = String.join("\n", lines);
        assertThat(all).doesNotContain("QUERY-TOKEN", SECRET, signature, signature.substring(signature.indexOf("v1=") + 3), "Retry[", "Failed[");
        assertThat(capture.requests().get(1).uri().getRawQuery()).isEqualTo("token=QUERY-TOKEN-123");
    }
}
