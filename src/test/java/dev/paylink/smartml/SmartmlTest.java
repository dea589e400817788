package dev.paylink.smartml;

import static dev.paylink.smartml.Answers.action;
import static dev.paylink.smartml.Answers.answer;
import static dev.paylink.smartml.Answers.error;
import static dev.paylink.smartml.Answers.success;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.paylink.smartml.ActionOutcome.Created;
import dev.paylink.smartml.ActionOutcome.Held;
import dev.paylink.smartml.ActionOutcome.HoldReason;
import dev.paylink.smartml.ActionOutcome.Rejected;
import dev.paylink.smartml.ActionOutcome.Uncertain;
import java.math.BigDecimal;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The request body and what an answer comes to, without HTTP (the POST and its failures: flow.OnOfficeRouteTest).
 */
class SmartmlTest {

    private static final String TOKEN = "testtoken";
    private static final String SECRET = "testsecret";
    private static final long T0 = 1_700_000_000L;
    private static final String HMAC_T0 = "b7ev5yaQXYlZ9JVFSVLGg0reUxHtjkqTKCSVeNrJdSY=";
    private static final String SEED_URL =
            "https://beta.smart.onoffice.de/smart/short.php?c=1c138688f89e2d24d363ed7efec5a62797f5415671ddb358bd847486126ee4da";

    // --- the request -------------------------------------------------------------------------------------------

    @Test
    void signsTheDocumentedEnvelopeByteForByte() throws Exception {
        String sent = new String(smartml(fixedClock()).sign(List.of(action("L-1"))), StandardCharsets.UTF_8);

        String expected = "{\"token\":\"testtoken\",\"request\":{\"actions\":[{"
                + "\"actionid\":\"urn:onoffice-de-ns:smart:2.5:smartml:action:do\","
                + "\"resourceid\":\"\","
                + "\"resourcetype\":\"subsequentPaymentLink\","
                + "\"identifier\":\"L-1\","
                + "\"timestamp\":1700000000,"
                + "\"hmac\":\"" + HMAC_T0 + "\","
                + "\"hmac_version\":2,"
                + "\"parameters\":{\"description\":\"Nachzahlung 3D-Rundgang\",\"priceNet\":\"1100.50\","
                + "\"sendMailToCustomer\":true,\"transactionid\":\"1100135697\"}}]}}";
        assertThat(sent).isEqualTo(expected);
        JsonNode action = Answers.MAPPER.readTree(sent).path("request").path("actions").get(0);
        assertThat(action.path("parameters").path("priceNet").isTextual()).isTrue();
        assertThat(action.path("parameters").path("sendMailToCustomer").isBoolean()).isTrue();
        assertThat(action.path("parameters").path("transactionid").isTextual()).isTrue();
        assertThat(action.path("timestamp").isIntegralNumber()).isTrue();
    }

    @Test
    void signsUtf8TextAsIsAndFalseAsBoolean() {
        SmartmlAction umlauts = new SmartmlAction("L-1", new PaymentLinkRequest("42", new BigDecimal("0.50"), "Größe „Süd“ – 3D", false));

        String sent = new String(smartml(fixedClock()).sign(List.of(umlauts)), StandardCharsets.UTF_8);

        assertThat(sent).contains("\"parameters\":{\"description\":\"Größe „Süd“ – 3D\",\"priceNet\":\"0.50\","
                + "\"sendMailToCustomer\":false,\"transactionid\":\"42\"}");
    }

    @Test
    void readsTheClockOncePerActionAndSignsThatVeryValueAndAgainOnEverySigning() throws Exception {
        SteppingClock clock = new SteppingClock(T0);
        Smartml smartml = smartml(clock);

        JsonNode actions = Answers.MAPPER.readTree(smartml.sign(List.of(action("L-1"), action("L-2")))).path("request").path("actions");
        JsonNode again = Answers.MAPPER.readTree(smartml.sign(List.of(action("L-1")))).path("request").path("actions");

        assertThat(clock.reads.get()).isEqualTo(3);
        assertThat(actions.get(0).path("timestamp").asLong()).isEqualTo(T0);
        assertThat(actions.get(1).path("timestamp").asLong()).isEqualTo(T0 + 1);
        assertThat(actions.get(0).path("hmac").asText()).isEqualTo(HMAC_T0).isNotEqualTo(actions.get(1).path("hmac").asText());
        assertThat(again.get(0).path("timestamp").asLong()).isEqualTo(T0 + 2);
        for (JsonNode sent : List.of(actions.get(0), actions.get(1), again.get(0))) {
            assertThat(sent.path("hmac").asText()).isEqualTo(HmacV2.sign(SECRET, TOKEN, sent.path("timestamp").asLong(), "subsequentPaymentLink",
                    "urn:onoffice-de-ns:smart:2.5:smartml:action:do"));
        }
    }

    // --- answers -----------------------------------------------------------------------------------------------

    @Test
    void seedAnswerIsCreatedWithTheUnescapedUrl() {
        String json = StubOnOffice.resource("seed-response.json");

        List<ActionOutcome> outcomes = answered(json, List.of(action("L-1")));

        assertThat(outcomes).containsExactly(new Created("L-1", SEED_URL, true));
    }

    @Test
    void mixedBatchIsClassifiedPerAction() {
        String json = answer(97, 97, "error in action",
                success("", SEED_URL, true),
                error("", 189, "transaction not found"),
                error("", 214, "invalid price format"));

        List<ActionOutcome> outcomes = answered(json, List.of(action("A"), action("B"), action("C")));

        assertThat(outcomes).containsExactly(
                new Created("A", SEED_URL, true),
                new Rejected("B", 189, "transaction not found"),
                new Rejected("C", 214, "invalid price format"));
    }

    @Test
    void topLevel400WithCredentialsErrorHoldsEveryAction() {
        String json = Answers.topOnly(400, 13, "Login failed");

        List<ActionOutcome> outcomes = answered(json, List.of(action("A"), action("B")));

        assertThat(outcomes).hasSize(2).allSatisfy(outcome -> {
            assertThat(outcome).isInstanceOf(Held.class);
            Held held = (Held) outcome;
            assertThat(held.reason()).isEqualTo(HoldReason.CREDENTIALS);
            assertThat(held.errorCode()).isEqualTo(13);
            assertThat(held.message()).contains("Login failed");
        });
        assertThat(outcomes).extracting(ActionOutcome::identifier).containsExactly("A", "B");
    }

    @Test
    void topLevelClockErrorHoldsEveryActionForTheClock() {
        String json = Answers.topOnly(400, 136, "timestamp too old");

        List<ActionOutcome> outcomes = answered(json, List.of(action("A")));

        assertThat(outcomes).singleElement().isEqualTo(
                new Held("A", HoldReason.CLOCK, 136, "timestamp too old (HTTP 200, status.code 400, errorcode 136)"));
    }

    @ParameterizedTest(name = "action errorcode {0} -> {1}")
    @CsvSource({
            "137, HELD_CREDENTIALS",
            "13, HELD_CREDENTIALS",
            "136, HELD_CLOCK",
            "5, HELD_ENVELOPE",
            "167, REJECTED",
            "255, REJECTED",
            "1, UNCERTAIN",
            "211, UNCERTAIN",
            "500, UNCERTAIN",
            "9999, UNCERTAIN",
    })
    void perActionErrorCodesAreClassified(int code, String expected) {
        String json = answer(97, 97, "error in action", error("L-1", code, "message " + code));

        ActionOutcome outcome = answered(json, List.of(action("L-1"))).get(0);

        ActionOutcome want = switch (expected) {
            case "HELD_CREDENTIALS" -> new Held("L-1", HoldReason.CREDENTIALS, code, "message " + code);
            case "HELD_CLOCK" -> new Held("L-1", HoldReason.CLOCK, code, "message " + code);
            case "HELD_ENVELOPE" -> new Held("L-1", HoldReason.ENVELOPE, code, "message " + code);
            case "REJECTED" -> new Rejected("L-1", code, "message " + code);
            default -> new Uncertain("L-1", code, "message " + code);
        };
        assertThat(outcome).isEqualTo(want);
    }

    @Test
    void unknownErrorCodeOneIsUncertainWithItsCode() {
        String json = answer(200, 0, "OK", error("", 1, "Unknown error"));

        assertThat(answered(json, List.of(action("L-1"))))
                .containsExactly(new Uncertain("L-1", 1, "Unknown error"));
    }

    @Test
    void missingResultLeavesBothActionsUncertain() {
        String json = answer(success("", SEED_URL, true));

        List<ActionOutcome> outcomes = answered(json, List.of(action("A"), action("B")));

        assertThat(outcomes).containsExactly(
                new Uncertain("A", null, "answer has 1 result for 2 actions"),
                new Uncertain("B", null, "answer has 1 result for 2 actions"));
    }

    @Test
    void reorderedResultsAreMatchedByEchoedIdentifier() {
        String json = answer(
                error("C", 189, "transaction not found"),
                success("A", SEED_URL + "A", true),
                success("B", SEED_URL + "B", false));

        List<ActionOutcome> outcomes = answered(json, List.of(action("A"), action("B"), action("C")));

        assertThat(outcomes).containsExactly(
                new Created("A", SEED_URL + "A", true),
                new Created("B", SEED_URL + "B", false),
                new Rejected("C", 189, "transaction not found"));
    }

    @Test
    void elementsAsAnArrayIsStillRead() {
        String json = "{\"status\":{\"code\":200,\"errorcode\":0,\"message\":\"OK\"},\"response\":{\"results\":[{"
                + "\"identifier\":\"\",\"data\":{\"records\":[{\"id\":0,\"elements\":[{\"result\":"
                + "{\"subsequentPaymentUrl\":\"https:\\/\\/x.example\\/p?c=1\",\"mailToCustomerSent\":false}}]}]},"
                + "\"status\":{\"errorcode\":0,\"message\":\"OK\"}}]}}";

        assertThat(answered(json, List.of(action("L-1"))))
                .containsExactly(new Created("L-1", "https://x.example/p?c=1", false));
    }

    @Test
    void successWithoutUrlIsUncertain() {
        String json = "{\"status\":{\"code\":200,\"errorcode\":0},\"response\":{\"results\":[{\"identifier\":\"\","
                + "\"data\":{\"records\":[]},\"status\":{\"errorcode\":0,\"message\":\"OK\"}}]}}";

        assertThat(answered(json, List.of(action("L-1"))))
                .containsExactly(new Uncertain("L-1", null, "success without subsequentPaymentUrl"));
    }

    @Test
    void gzipAnswerIsDecodedByItsHeaderOrItsMagicBytes() throws Exception {
        byte[] gzipped = StubOnOffice.gzip(StubOnOffice.resource("seed-response.json").getBytes(StandardCharsets.UTF_8));

        assertThat(smartml(fixedClock()).answer(List.of(action("L-1")), 200, "application/json", "gzip", null, gzipped).outcomes())
                .containsExactly(new Created("L-1", SEED_URL, true));
        assertThat(smartml(fixedClock()).answer(List.of(action("L-1")), 200, "application/json", null, null, gzipped).outcomes())
                .containsExactly(new Created("L-1", SEED_URL, true));
    }

    @Test
    void http500WithEmptyBodyIsUncertainAndSaysTheApiIsFailing() {
        Smartml.BatchResult result = smartml(fixedClock()).answer(List.of(action("L-1")), 500, null, null, null, new byte[0]);

        assertThat(result.outcomes()).containsExactly(new Uncertain("L-1", null, "HTTP 500 with empty body"));
        assertThat(result.apiFailure()).isEqualTo("HTTP 500 with empty body");
    }

    @Test
    void aRejectionIsAnAnswerNotAFailingApi() {
        String json = answer(97, 97, "error in action", error("", 189, "transaction not found"));

        assertThat(smartml(fixedClock()).answer(List.of(action("L-1")), 200, "application/json", null, null, json.getBytes(StandardCharsets.UTF_8))
                .apiFailure()).isNull();
    }

    // --- contract ----------------------------------------------------------------------------------------------

    @Test
    void refusesBatchesItCannotMatch() {
        Smartml smartml = smartml(fixedClock());

        assertThatThrownBy(() -> smartml.sign(List.of())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> smartml.sign(List.of(action("A"), action("A")))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> smartml.sign(List.of(action(" ")))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theProbeIsAHarmlessReadAndAnyJsonAnswerBelow500CountsAsAnAnswer() throws Exception {
        Smartml smartml = smartml(fixedClock());
        JsonNode probe = Answers.MAPPER.readTree(smartml.signProbe());

        assertThat(probe.at("/request/actions/0/actionid").asText()).isEqualTo("urn:onoffice-de-ns:smart:2.5:smartml:action:get");
        assertThat(probe.at("/request/actions/0/resourcetype").asText()).isEqualTo("estateCategories");
        assertThat(smartml.probeAnswer(400, null, Answers.topOnly(400, 13, "Login failed").getBytes(StandardCharsets.UTF_8))).isNull();
        assertThat(smartml.probeAnswer(503, null, new byte[0])).isEqualTo("HTTP 503");
        assertThat(smartml.probeAnswer(200, null, "<html>".getBytes(StandardCharsets.UTF_8))).startsWith("HTTP 200 with an unreadable answer");
    }

    // --- helpers -----------------------------------------------------------------------------------------------

    private static List<ActionOutcome> answered(String json, List<SmartmlAction> actions) {
        return smartml(fixedClock()).answer(actions, 200, "application/json", null, null, json.getBytes(StandardCharsets.UTF_8)).outcomes();
    }

    private static Smartml smartml(Clock clock) {
        return new Smartml(new SmartmlCredentials(TOKEN, SECRET), clock, URI.create("http://127.0.0.1:1/api/stable/api.php"), Duration.ofSeconds(5));
    }

    private static Clock fixedClock() {
        return Clock.fixed(Instant.ofEpochSecond(T0), ZoneOffset.UTC);
    }

    /** A clock that moves on one second each time it is read. */
    static final class SteppingClock extends Clock {
        private final AtomicLong next;
        final AtomicInteger reads = new AtomicInteger();

        SteppingClock(long firstSecond) {
            this.next = new AtomicLong(firstSecond);
        }

        @Override
        public Instant instant() {
            reads.incrementAndGet();
            return Instant.ofEpochSecond(next.getAndIncrement());
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }
}
