package dev.paylink.smartpay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * One line about a SmartPay error answer. Two documented shapes:
 * {@code {"error": "...", "errorDetails": {...}, "message": "..." | {...}}} and
 * {@code {"traceId": "...", "errors": [{"message", "code", "property", "context"}]}}. Anything else is shown as
 * (shortened) text. Never throws.
 *
 * @param traceId SmartPay's trace id for support, or null
 * @param text    e.g. {@code PAYMENT_LINK_NOT_FOUND: Payment link not found (property paymentLinkId)}
 */
record ErrorBody(String traceId, String text) {

    private static final int MAX_TEXT = 400;

    static ErrorBody parse(ObjectMapper mapper, byte[] body) {
        if (body == null || body.length == 0) {
            return new ErrorBody(null, "empty body");
        }
        JsonNode root;
        try {
            root = mapper.readTree(body);
        } catch (Exception e) {
            root = null;
        }
        if (root == null || !root.isObject()) {
            return new ErrorBody(null, "body: " + shorten(new String(body, StandardCharsets.UTF_8)));
        }
        String traceId = text(root.get("traceId"));
        if (traceId == null) {
            traceId = text(root.get("traceid"));
        }
        List<String> parts = new ArrayList<>();
        String error = text(root.get("error"));
        if (error != null) {
            parts.add(error);
        }
        JsonNode message = root.get("message");
        if (message != null && !message.isNull()) {
            String m = message.isValueNode() ? message.asText() : message.toString();
            if (!m.isBlank() && !m.equals(error)) {
                parts.add(m);
            }
        }
        JsonNode errorDetails = root.get("errorDetails");
        if (errorDetails != null && !errorDetails.isNull() && !errorDetails.isEmpty()) {
            parts.add("details " + (errorDetails.isValueNode() ? errorDetails.asText() : errorDetails.toString()));
        }
        JsonNode errors = root.get("errors");
        if (errors != null && errors.isArray()) {
            for (JsonNode e : errors) {
                parts.add(describeError(e));
            }
        }
        String text = parts.isEmpty() ? "body: " + shorten(root.toString()) : shorten(String.join("; ", parts));
        return new ErrorBody(traceId, text);
    }

    private static String describeError(JsonNode e) {
        if (!e.isObject()) {
            return e.asText(e.toString());
        }
        String code = text(e.get("code"));
        String message = text(e.get("message"));
        String property = text(e.get("property"));
        StringBuilder sb = new StringBuilder();
        if (code != null) {
            sb.append(code);
        }
        if (message != null) {
            sb.append(sb.isEmpty() ? "" : ": ").append(message);
        }
        if (property != null) {
            sb.append(sb.isEmpty() ? "" : " ").append("(property ").append(property).append(')');
        }
        return sb.isEmpty() ? e.toString() : sb.toString();
    }

    /** "(traceId abc) text" or just the text. */
    String describe() {
        return traceId == null ? text : text + " (traceId " + traceId + ")";
    }

    private static String text(JsonNode node) {
        if (node == null || node.isNull() || node.isContainerNode()) {
            return null;
        }
        String s = node.asText();
        return s.isBlank() ? null : s.strip();
    }

    static String shorten(String s) {
        String oneLine = s.replaceAll("\\s+", " ").strip();
        return oneLine.length() > MAX_TEXT ? oneLine.substring(0, MAX_TEXT) + "…" : oneLine;
    }
}
