package dev.paylink.smartml;

import static dev.paylink.smartml.Answers.action;
import static dev.paylink.smartml.Answers.answer;
import static dev.paylink.smartml.Answers.error;
import static dev.paylink.smartml.Answers.success;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.paylink.smartml.ActionOutcome.Created;
import dev.paylink.smartml.ActionOutcome.Held;
import dev.paylink.smartml.ActionOutcome.HoldReason;
import dev.paylink.smartml.ActionOutcome.Rejected;
import dev.paylink.smartml.ActionOutcome.Uncertain;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The answer shapes that are awkward to stage over HTTP: matching, counts, odd values. */
class ResponseClassifierTest {

    private static final String URL = "https://x.example/p?c=";
    private final ResponseClassifier classifier = new ResponseClassifier(new ObjectMapper());
    private final List<SmartmlAction> abc = List.of(action("A"), action("B"), action("C"));

    private List<ActionOutcome> classify(List<SmartmlAction> actions, String json) {
        return classifier.classify(actions, 200, "application/json", json.getBytes(StandardCharsets.UTF_8), null);
    }

    @Test
    void shortAnswerMatchesWhatItEchoesAndLeavesTheRestUncertain() {
        List<ActionOutcome> outcomes = classify(abc, answer(success("C", URL + "C", true), success("A", URL + "A", null)));

        assertThat(outcomes).containsExactly(
                new Created("A", URL + "A", null),
                new Uncertain("B", null, "answer has 2 results for 3 actions"),
                new Created("C", URL + "C", true));
    }

    @Test
    void longAnswerIsMatchedByEchoOnly() {
        List<ActionOutcome> outcomes = classify(List.of(action("A")),
                answer(success("", URL + "1", true), success("", URL + "2", true)));

        assertThat(outcomes).containsExactly(new Uncertain("A", null, "answer has 2 results for 1 action"));
    }

    @Test
    void echoContradictingItsPositionIsNotTrustedForTheOthers() {
        // B's result claims to be C's: only C can be matched with certainty
        List<ActionOutcome> outcomes = classify(abc,
                answer(success("", URL + "1", true), success("C", URL + "C", true), success("", URL + "3", true)));

        String reason = "answer order is not certain: its echoed identifiers do not match the actions sent";
        assertThat(outcomes).containsExactly(
                new Uncertain("A", null, reason),
                new Uncertain("B", null, reason),
                new Created("C", URL + "C", true));
    }

    @Test
    void duplicateEchoesMatchNothing() {
        List<ActionOutcome> outcomes = classify(List.of(action("A"), action("B")),
                answer(success("A", URL + "1", true), success("A", URL + "2", true)));

        assertThat(outcomes).allSatisfy(outcome -> assertThat(outcome).isInstanceOf(Uncertain.class));
    }

    @Test
    void partialEchoesConsistentWithPositionsMatchByPosition() {
        List<ActionOutcome> outcomes = classify(abc,
                answer(success("", URL + "A", true), success("B", URL + "B", true), error("", 189, "not found")));

        assertThat(outcomes).containsExactly(
                new Created("A", URL + "A", true),
                new Created("B", URL + "B", true),
                new Rejected("C", 189, "not found"));
    }

    @Test
    void resultsPresentWinOverATopLevelCredentialsStatus() {
        List<ActionOutcome> outcomes = classify(List.of(action("A")), answer(400, 13, "Login failed", success("", URL, true)));

        assertThat(outcomes).containsExactly(new Created("A", URL, true));
    }

    @Test
    void topLevelEnvelopeErrorHoldsEveryAction() {
        List<ActionOutcome> outcomes = classify(List.of(action("A")), Answers.topOnly(500, 7, "malformed request"));

        assertThat(outcomes).containsExactly(
                new Held("A", HoldReason.ENVELOPE, 7, "malformed request (HTTP 200, status.code 500, errorcode 7)"));
    }

    @Test
    void topLevel400WithoutErrorcodeHoldsForCredentials() {
        List<ActionOutcome> outcomes = classify(List.of(action("A")),
                "{\"status\":{\"code\":400,\"message\":\"not authenticated\"}}");

        assertThat(outcomes).containsExactly(new Held("A", HoldReason.CREDENTIALS, null,
                "not authenticated (HTTP 200, status.code 400, errorcode null)"));
    }

    @Test
    void topLevel97OrSuccessWithoutResultsIsUncertain() {
        assertThat(classify(List.of(action("A")), Answers.topOnly(200, 97, "error in action")))
                .containsExactly(new Uncertain("A", null,
                        "answer has no response.results (HTTP 200, status.code 200, errorcode 97)"));
        assertThat(classify(List.of(action("A")), "{\"status\":{\"code\":200,\"errorcode\":0},\"response\":{\"results\":[]}}"))
                .containsExactly(new Uncertain("A", null,
                        "answer has no response.results (HTTP 200, status.code 200, errorcode 0)"));
    }

    @Test
    void topLevelServerErrorWithoutResultsIsUncertainWithItsCode() {
        assertThat(classify(List.of(action("A")), Answers.topOnly(500, 500, "internal error")))
                .containsExactly(new Uncertain("A", 500, "internal error (HTTP 200, status.code 500, errorcode 500)"));
    }

    @Test
    void errorcodeAsTextIsRead() {
        String json = "{\"status\":{\"code\":200,\"errorcode\":\"97\"},\"response\":{\"results\":[{\"identifier\":\"\","
                + "\"data\":[],\"status\":{\"errorcode\":\"189\",\"message\":\"not found\"}}]}}";

        assertThat(classify(List.of(action("A")), json)).containsExactly(new Rejected("A", 189, "not found"));
    }

    @Test
    void unreadableErrorcodeIsUncertainNotSuccess() {
        String json = "{\"response\":{\"results\":[{\"identifier\":\"\",\"status\":{\"errorcode\":\"abc\"},"
                + "\"data\":{\"records\":[{\"elements\":{\"subsequentPaymentUrl\":\"" + URL + "\"}}]}}]}}";

        assertThat(classify(List.of(action("A")), json))
                .containsExactly(new Uncertain("A", null, "the result has an unreadable status.errorcode: \"abc\""));
    }

    @Test
    void elementsHoldingTheUrlDirectlyIsRead() {
        String json = "{\"response\":{\"results\":[{\"status\":{\"errorcode\":0},"
                + "\"data\":{\"records\":[{\"elements\":{\"subsequentPaymentUrl\":\"" + URL + "\",\"mailToCustomerSent\":false}}]}}]}}";

        assertThat(classify(List.of(action("A")), json)).containsExactly(new Created("A", URL, false));
    }

    @Test
    void elementsArrayOfTwoIsNotGuessed() {
        String json = "{\"response\":{\"results\":[{\"status\":{\"errorcode\":0},\"data\":{\"records\":[{\"elements\":["
                + "{\"subsequentPaymentUrl\":\"" + URL + "1\"},{\"subsequentPaymentUrl\":\"" + URL + "2\"}]}]}}]}}";

        assertThat(classify(List.of(action("A")), json))
                .containsExactly(new Uncertain("A", null, "success without subsequentPaymentUrl"));
    }

    @Test
    void resultThatIsNotAnObjectIsUncertain() {
        assertThat(classify(List.of(action("A")), "{\"response\":{\"results\":[null]}}"))
                .containsExactly(new Uncertain("A", null, "the result for this action is not an object: null"));
    }

    @Test
    void jsonThatIsNotAnObjectIsUncertain() {
        assertThat(classify(List.of(action("A")), "[1,2]")).containsExactly(new Uncertain("A", null,
                "HTTP 200 with a body that is JSON but not the documented object (application/json, 5 bytes: [1,2])"));
    }

    @Test
    void truncatedJsonIsUncertain() {
        String seed = StubOnOffice.resource("seed-response.json");
        String truncated = seed.substring(0, seed.length() / 2);

        assertThat(classify(List.of(action("A")), truncated)).singleElement().satisfies(outcome -> {
            assertThat(outcome).isInstanceOf(Uncertain.class);
            assertThat(((Uncertain) outcome).message()).startsWith("HTTP 200 with a body that is not JSON (application/json, ");
        });
    }

    @Test
    void completeJsonFollowedByJunkIsStillRead() {
        String json = answer(success("", URL, true)) + "\n<br />\n<b>Notice</b>: something";

        assertThat(classify(List.of(action("A")), json)).containsExactly(new Created("A", URL, true));
    }

    @Test
    void mailFlagIsReadLeniently() {
        String json = "{\"response\":{\"results\":[{\"status\":{\"errorcode\":0},\"data\":{\"records\":[{\"elements\":"
                + "{\"result\":{\"subsequentPaymentUrl\":\"" + URL + "\",\"mailToCustomerSent\":\"true\"}}}]}}]}}";

        assertThat(classify(List.of(action("A")), json)).containsExactly(new Created("A", URL, true));
    }
}
