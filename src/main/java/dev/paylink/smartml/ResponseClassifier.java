package dev.paylink.smartml;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.paylink.smartml.ActionOutcome.Created;
import dev.paylink.smartml.ActionOutcome.Held;
import dev.paylink.smartml.ActionOutcome.HoldReason;
import dev.paylink.smartml.ActionOutcome.Rejected;
import dev.paylink.smartml.ActionOutcome.Uncertain;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns onOffice's answer to one batch into one {@link ActionOutcome} per action, in the order of the actions
 * (reference: "Response" and "Error codes worth classifying"). Lenient about the shape, strict about certainty:
 * whatever cannot be tied to one action with certainty is {@link Uncertain}, never {@link Created} nor {@link Held}.
 */
final class ResponseClassifier {

    private static final Logger LOG = LoggerFactory.getLogger(ResponseClassifier.class);
    private static final int SNIPPET = 120;

    private final ObjectMapper mapper;

    ResponseClassifier(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /**
     * @param httpStatus  the HTTP status (its meaning is undocumented; the body decides when it is JSON)
     * @param contentType the Content-Type header, or null
     * @param body        the body, already decompressed
     * @param redirect    where a 3xx answer points (not followed), or null
     */
    List<ActionOutcome> classify(List<SmartmlAction> actions, int httpStatus, String contentType, byte[] body, String redirect) {
        String http = "HTTP " + httpStatus + (redirect == null ? "" : " (redirect to " + redirect + ", not followed)");
        if (isBlank(body)) {
            return allUncertain(actions, null, http + " with empty body");
        }
        JsonNode root = parse(body);
        if (root == null || !root.isObject()) {
            String what = root == null ? "is not JSON" : "is JSON but not the documented object";
            return allUncertain(actions, null, http + " with a body that " + what + " ("
                    + (contentType == null ? "no Content-Type" : contentType) + ", " + body.length + " bytes: "
                    + snippet(body) + ")");
        }
        JsonNode status = root.path("status");
        JsonNode results = root.path("response").path("results");
        if (results.isArray() && !results.isEmpty()) {
            return perAction(actions, results);
        }
        return topLevel(actions, httpStatus, status);
    }

    /** No per-action results: the top status decides, and only the classes that certainly executed nothing hold. */
    private List<ActionOutcome> topLevel(List<SmartmlAction> actions, int httpStatus, JsonNode status) {
        Integer code;
        Integer errorCode;
        try {
            code = readCode(status.get("code"));
            errorCode = readCode(status.get("errorcode"));
        } catch (UnreadableCode e) {
            return allUncertain(actions, null, "HTTP " + httpStatus + ", no response.results and an unreadable status: "
                    + e.getMessage());
        }
        String context = " (HTTP " + httpStatus + ", status.code " + code + ", errorcode " + errorCode + ")";
        String message = messageOf(status, errorCode) + context;
        if (errorCode != null && errorCode != 0) {
            ErrorClass errorClass = ErrorClass.of(errorCode);
            if (errorClass.holds()) {
                return allHeld(actions, errorClass.holdReason(), errorCode, message);
            }
        }
        if (code != null && code == 400) {
            return allHeld(actions, HoldReason.CREDENTIALS, errorCode == null || errorCode == 0 ? null : errorCode, message);
        }
        if (errorCode == null || errorCode == 0 || errorCode == 97) {
            return allUncertain(actions, null, "answer has no response.results" + context);
        }
        return allUncertain(actions, errorCode, message);
    }

    private List<ActionOutcome> perAction(List<SmartmlAction> actions, JsonNode results) {
        int n = actions.size();
        int m = results.size();
        String[] sent = new String[n];
        Map<String, Integer> indexOfSent = new HashMap<>();
        for (int i = 0; i < n; i++) {
            sent[i] = actions.get(i).identifier();
            indexOfSent.put(sent[i], i);
        }
        String[] echoed = new String[m];
        for (int j = 0; j < m; j++) {
            echoed[j] = echoedIdentifier(results.get(j));
        }

        JsonNode[] matched = new JsonNode[n];
        String unmatchedReason;
        if (m == n && positionallyConsistent(sent, echoed)) {
            for (int i = 0; i < n; i++) {
                matched[i] = results.get(i);
            }
            unmatchedReason = null;
        } else {
            // Either the count differs or the echoed identifiers contradict the positions: trust only an echoed
            // identifier that names exactly one sent action and occurs once. A full permutation matches everything.
            Map<String, Integer> echoCount = new HashMap<>();
            for (String id : echoed) {
                if (id != null) {
                    echoCount.merge(id, 1, Integer::sum);
                }
            }
            for (int j = 0; j < m; j++) {
                String id = echoed[j];
                if (id != null && echoCount.get(id) == 1 && indexOfSent.containsKey(id)) {
                    matched[indexOfSent.get(id)] = results.get(j);
                }
            }
            unmatchedReason = m != n
                    ? "answer has " + m + (m == 1 ? " result" : " results") + " for " + n + (n == 1 ? " action" : " actions")
                    : "answer order is not certain: its echoed identifiers do not match the actions sent";
            boolean allMatched = true;
            for (JsonNode result : matched) {
                allMatched &= result != null;
            }
            if (allMatched) {
                LOG.info("onOffice answered the batch (first {}) out of order; matched every result by its echoed identifier", sent[0]);
            } else {
                LOG.warn("onOffice answer does not line up with the batch (first {}): {}; matching by echoed identifier only",
                        sent[0], unmatchedReason);
            }
        }

        List<ActionOutcome> outcomes = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            outcomes.add(matched[i] == null
                    ? new Uncertain(sent[i], null, unmatchedReason)
                    : classifyResult(sent[i], matched[i]));
        }
        return outcomes;
    }

    private static boolean positionallyConsistent(String[] sent, String[] echoed) {
        for (int i = 0; i < sent.length; i++) {
            if (echoed[i] != null && !echoed[i].equals(sent[i])) {
                return false;
            }
        }
        return true;
    }

    private ActionOutcome classifyResult(String identifier, JsonNode result) {
        if (!result.isObject()) {
            return new Uncertain(identifier, null, "the result for this action is not an object: " + abbreviate(result.toString()));
        }
        JsonNode status = result.path("status");
        Integer errorCode;
        try {
            errorCode = readCode(status.get("errorcode"));
        } catch (UnreadableCode e) {
            return new Uncertain(identifier, null, "the result has an unreadable status.errorcode: " + e.getMessage());
        }
        if (errorCode == null || errorCode == 0) {
            return created(identifier, result);
        }
        String message = messageOf(status, errorCode);
        ErrorClass errorClass = ErrorClass.of(errorCode);
        if (errorClass.holds()) {
            return new Held(identifier, errorClass.holdReason(), errorCode, message);
        }
        if (errorClass == ErrorClass.ROW_REJECTED) {
            return new Rejected(identifier, errorCode, message);
        }
        return new Uncertain(identifier, errorCode, message);
    }

    /** Success: the URL sits in data.records[0].elements(.result), elements being an object or an array of one. */
    private static ActionOutcome created(String identifier, JsonNode result) {
        JsonNode records = result.path("data").path("records");
        JsonNode elements = records.isArray() && !records.isEmpty() ? records.get(0).path("elements") : MissingNode.getInstance();
        if (elements.isArray()) {
            elements = elements.size() == 1 ? elements.get(0) : MissingNode.getInstance();
        }
        for (JsonNode holder : List.of(elements.path("result"), elements)) {
            JsonNode url = holder.get("subsequentPaymentUrl");
            if (url != null && url.isTextual() && !url.textValue().isBlank()) {
                return new Created(identifier, url.textValue(), readBoolean(holder.get("mailToCustomerSent")));
            }
        }
        return new Uncertain(identifier, null, "success without subsequentPaymentUrl");
    }

    /** The echoed identifier, or null when the result echoes none (onOffice often echoes ""). */
    private static String echoedIdentifier(JsonNode result) {
        JsonNode id = result == null ? null : result.get("identifier");
        if (id == null || !(id.isTextual() || id.isIntegralNumber())) {
            return null;
        }
        String text = id.asText();
        return text.isEmpty() ? null : text;
    }

    /** Parses leniently: a complete JSON value followed by junk (a PHP notice, say) is still read, with a warning. */
    private JsonNode parse(byte[] body) {
        try (JsonParser parser = mapper.createParser(body)) {
            JsonNode root = mapper.readTree(parser);
            boolean trailing;
            try {
                trailing = parser.nextToken() != null;
            } catch (IOException e) {
                trailing = true;
            }
            if (trailing && root != null) {
                LOG.warn("onOffice answer has content after its JSON document; reading the document only");
            }
            return root;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** An error code or status code: absent or null gives null; an integer (or integer text) its value. */
    private static Integer readCode(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return null;
        }
        try {
            if (node.isNumber()) {
                return node.decimalValue().intValueExact();
            }
            if (node.isTextual()) {
                String text = node.textValue().trim();
                return text.isEmpty() ? null : new BigDecimal(text).intValueExact();
            }
        } catch (ArithmeticException | NumberFormatException e) {
            // fall through
        }
        throw new UnreadableCode(abbreviate(node.toString()));
    }

    private static Boolean readBoolean(JsonNode node) {
        if (node == null) {
            return null;
        }
        if (node.isBoolean()) {
            return node.booleanValue();
        }
        if (node.isTextual() && ("true".equalsIgnoreCase(node.textValue()) || "false".equalsIgnoreCase(node.textValue()))) {
            return Boolean.parseBoolean(node.textValue());
        }
        if (node.isIntegralNumber() && (node.asLong() == 0 || node.asLong() == 1)) {
            return node.asLong() == 1;
        }
        return null;
    }

    private static String messageOf(JsonNode status, Integer errorCode) {
        JsonNode message = status.get("message");
        if (message != null && message.isTextual() && !message.textValue().isBlank()) {
            return message.textValue();
        }
        return "onOffice errorcode " + errorCode + " without message";
    }

    private static List<ActionOutcome> allUncertain(List<SmartmlAction> actions, Integer errorCode, String message) {
        List<ActionOutcome> outcomes = new ArrayList<>(actions.size());
        for (SmartmlAction action : actions) {
            outcomes.add(new Uncertain(action.identifier(), errorCode, message));
        }
        return outcomes;
    }

    private static List<ActionOutcome> allHeld(List<SmartmlAction> actions, HoldReason reason, Integer errorCode, String message) {
        List<ActionOutcome> outcomes = new ArrayList<>(actions.size());
        for (SmartmlAction action : actions) {
            outcomes.add(new Held(action.identifier(), reason, errorCode, message));
        }
        return outcomes;
    }

    private static boolean isBlank(byte[] body) {
        for (byte b : body) {
            if (b != ' ' && b != '\t' && b != '\r' && b != '\n') {
                return false;
            }
        }
        return true;
    }

    /** The start of a body for a message: printable, one line, short. */
    static String snippet(byte[] body) {
        String text = new String(body, 0, Math.min(body.length, SNIPPET * 4), StandardCharsets.UTF_8);
        return abbreviate(text.strip());
    }

    private static String abbreviate(String text) {
        StringBuilder out = new StringBuilder();
        text.codePoints().limit(SNIPPET).forEach(c -> out.appendCodePoint(Character.isISOControl(c) ? ' ' : c));
        if (text.codePointCount(0, text.length()) > SNIPPET) {
            out.append('…');
        }
        return out.toString();
    }

    /** Set aside so the callers can tell "absent" (null) from "present but not a number". */
    private static final class UnreadableCode extends RuntimeException {
        UnreadableCode(String value) {
            super(value, null, false, false);
        }
    }
}
