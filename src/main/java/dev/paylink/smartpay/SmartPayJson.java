package dev.paylink.smartpay;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads SmartPay answers leniently. A body that is not a JSON object is an error; a field whose value does not fit its
 * type (a date that is no date, an object where a string belongs) is dropped and named, and the rest is kept.
 */
final class SmartPayJson {

    /** More misfits than this in one answer means the answer is not what we think it is. */
    private static final int MAX_DROPPED = 32;

    private SmartPayJson() {
    }

    static ObjectMapper mapper() {
        return JsonMapper.builder()
                .addModule(new JavaTimeModule())
                .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .disable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.ACCEPT_SINGLE_VALUE_AS_ARRAY)
                .enable(DeserializationFeature.ACCEPT_EMPTY_STRING_AS_NULL_OBJECT)
                .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
                .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
                .build();
    }

    /** A value and the JSON paths of the fields that had to be dropped to get it. */
    record Lenient<T>(T value, List<String> dropped) {
    }

    /**
     * @throws IOException when the body is not JSON, not an object, or still does not fit after dropping misfits
     */
    static <T> Lenient<T> read(ObjectMapper mapper, byte[] body, Class<T> type) throws IOException {
        JsonNode tree = mapper.readTree(body);
        if (tree == null || tree.isMissingNode()) {
            throw new IOException("empty body");
        }
        if (!tree.isObject()) {
            throw new IOException("expected a JSON object, got " + tree.getNodeType().toString().toLowerCase(Locale.ROOT));
        }
        List<String> dropped = new ArrayList<>();
        while (true) {
            try {
                return new Lenient<>(mapper.treeToValue(tree, type), List.copyOf(dropped));
            } catch (JsonMappingException e) {
                String path = drop(tree, e.getPath());
                if (path == null || dropped.size() >= MAX_DROPPED) {
                    throw e;
                }
                dropped.add(path + " (" + firstLine(e.getOriginalMessage()) + ")");
            }
        }
    }

    /** Removes the innermost field or array element named by the path; returns its path, or null if it cannot. */
    private static String drop(JsonNode root, List<JsonMappingException.Reference> path) {
        if (path == null || path.isEmpty()) {
            return null;
        }
        JsonNode parent = root;
        StringBuilder where = new StringBuilder();
        for (int i = 0; i < path.size() - 1; i++) {
            JsonMappingException.Reference ref = path.get(i);
            parent = ref.getFieldName() != null ? parent.get(ref.getFieldName()) : parent.get(ref.getIndex());
            append(where, ref);
            if (parent == null) {
                return null;
            }
        }
        JsonMappingException.Reference last = path.get(path.size() - 1);
        append(where, last);
        if (last.getFieldName() != null && parent instanceof ObjectNode object && object.has(last.getFieldName())) {
            object.remove(last.getFieldName());
            return where.toString();
        }
        if (last.getFieldName() == null && parent instanceof ArrayNode array && last.getIndex() >= 0 && last.getIndex() < array.size()) {
            array.remove(last.getIndex());
            return where.toString();
        }
        return null;
    }

    private static void append(StringBuilder where, JsonMappingException.Reference ref) {
        if (ref.getFieldName() != null) {
            if (!where.isEmpty()) {
                where.append('.');
            }
            where.append(ref.getFieldName());
        } else {
            where.append('[').append(ref.getIndex()).append(']');
        }
    }

    static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        String line = s.lines().findFirst().orElse("").strip();
        return line.length() > 160 ? line.substring(0, 160) + "…" : line;
    }
}
