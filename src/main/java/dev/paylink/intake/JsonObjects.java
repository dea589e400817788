package dev.paylink.intake;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * Turns one JSON object, read token by token from Jackson's streaming parser, into a {@link RowInput}. The object
 * is either a plain row (keys are column names, matched case-insensitively) or a smartml action as in the seed
 * ({@code {"actionid": …, "resourcetype": "subsequentPaymentLink", "identifier": …, "parameters": {…}}}),
 * recognised by a {@code parameters} or {@code resourcetype} key. Shared by the JSON and NDJSON readers so both
 * apply the same rules; only the one object is held in memory.
 */
final class JsonObjects {

    static final String RESOURCE_TYPE = "subsequentPaymentLink";
    private static final Set<String> ENVELOPE = Set.of("actionid", "resourceid", "resourcetype", "identifier",
            "parameters", "timestamp", "hmac", "hmac_version");
    /** A JSON number with three or more decimals, which PriceParser could mistake for thousands grouping. */
    private static final Pattern MANY_DECIMALS = Pattern.compile("-?\\d+\\.\\d{3,}");

    private JsonObjects() {
    }

    /**
     * Reads from the current {@link JsonToken#START_OBJECT} to its matching end.
     *
     * @param line    the line of the object's opening brace
     * @param unknown receives the names of keys that are no column, in order
     */
    static RowInput read(JsonParser p, long line, Consumer<String> unknown) throws IOException {
        List<String> unknownKeys = new ArrayList<>();
        Fields top = new Fields(unknownKeys);
        Fields params = null;
        boolean action = false;
        boolean parametersSeen = false;
        String resourceType = null;
        String actionId = null;
        String identifier = null;
        List<String> envelopeKeys = new ArrayList<>();
        String problem = null;

        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String key = p.currentName();
            JsonToken value = p.nextToken();
            String lower = key.toLowerCase(Locale.ROOT);
            if (!ENVELOPE.contains(lower)) {
                problem = first(problem, top.put(p, key, value));
                continue;
            }
            envelopeKeys.add(key);
            switch (lower) {
                case "parameters" -> {
                    action = true;
                    if (parametersSeen) {
                        problem = first(problem, "field parameters appears twice");
                    }
                    parametersSeen = true;
                    if (value == JsonToken.START_OBJECT) {
                        Fields inner = new Fields(unknownKeys);
                        while (p.nextToken() == JsonToken.FIELD_NAME) {
                            String name = p.currentName();
                            problem = first(problem, inner.put(p, name, p.nextToken()));
                        }
                        params = inner;
                    } else {
                        p.skipChildren();
                        problem = first(problem, "field parameters must be an object, found " + describe(value));
                    }
                }
                case "resourcetype" -> {
                    action = true;
                    resourceType = scalar(p, value);
                    if (resourceType == null && value != JsonToken.VALUE_NULL) {
                        problem = first(problem, "field resourcetype must be a string, found " + describe(value));
                    }
                }
                case "actionid" -> actionId = scalar(p, value);
                case "identifier" -> {
                    identifier = scalar(p, value);
                    if (identifier == null && value != JsonToken.VALUE_NULL) {
                        problem = first(problem, "field identifier must be a string, found " + describe(value));
                    }
                }
                default -> p.skipChildren();
            }
        }

        if (!action) {
            unknownKeys.addAll(envelopeKeys);
            unknownKeys.forEach(unknown);
            return problem != null ? RowInput.unreadable(line, problem) : new RowInput(line, top.values, null);
        }
        unknownKeys.forEach(unknown);
        if (problem != null) {
            return RowInput.unreadable(line, problem);
        }
        if (resourceType != null && !resourceType.strip().equalsIgnoreCase(RESOURCE_TYPE)) {
            return RowInput.unreadable(line, "field resourcetype is " + Texts.quoted(resourceType)
                    + ", expected " + RESOURCE_TYPE + " (only payment link actions can be read)");
        }
        if (actionId != null && !actionId.strip().endsWith(":do")) {
            return RowInput.unreadable(line, "field actionid is " + Texts.quoted(actionId)
                    + ", expected a do action (urn:onoffice-de-ns:smart:2.5:smartml:action:do)");
        }
        if (params == null) {
            return RowInput.unreadable(line, "the action has no parameters object");
        }
        if (!top.values.isEmpty()) {
            Column misplaced = top.values.keySet().iterator().next();
            return RowInput.unreadable(line, "field " + misplaced.header()
                    + " must be inside parameters in an action object");
        }
        Map<Column, String> values = params.values;
        if (identifier != null && !identifier.isBlank()) {
            String reference = values.get(Column.REFERENCE);
            if (reference != null && !reference.strip().equals(identifier.strip())) {
                return RowInput.unreadable(line, "field identifier " + Texts.quoted(identifier)
                        + " and parameters.reference " + Texts.quoted(reference) + " differ");
            }
            values.put(Column.REFERENCE, identifier);
        }
        return new RowInput(line, values, null);
    }

    /** The values and unknown keys of one object level. */
    private static final class Fields {
        final Map<Column, String> values = new EnumMap<>(Column.class);
        final List<String> unknown;
        private final Set<Column> seen = java.util.EnumSet.noneOf(Column.class);

        Fields(List<String> unknown) {
            this.unknown = unknown;
        }

        /** Takes one key and its value (the parser is on the value's first token); returns a problem or null. */
        String put(JsonParser p, String key, JsonToken value) throws IOException {
            Optional<Column> column = Column.of(key);
            if (column.isEmpty()) {
                unknown.add(key);
                p.skipChildren();
                return null;
            }
            Column c = column.get();
            if (!seen.add(c)) {
                p.skipChildren();
                return "field " + c.header() + " appears twice";
            }
            if (value == JsonToken.START_OBJECT || value == JsonToken.START_ARRAY) {
                p.skipChildren();
                return "field " + c.header() + " must be a string or number, found " + describe(value);
            }
            String text = scalar(p, value);
            if (text == null || text.isBlank()) {
                return null;
            }
            if (c == Column.PRICENET && value.isNumeric() && MANY_DECIMALS.matcher(text).matches()) {
                BigDecimal exact = new BigDecimal(text).stripTrailingZeros();
                if (exact.scale() > 2) {
                    return "priceNet " + text + " has more than two decimals (a JSON number, '.' is its decimal"
                            + " separator)";
                }
                text = exact.toPlainString();
            }
            values.put(c, text);
            return null;
        }
    }

    /** The text of a scalar value (numbers as written, booleans as true/false), null for JSON null and containers. */
    private static String scalar(JsonParser p, JsonToken value) throws IOException {
        return switch (value) {
            case VALUE_STRING, VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> p.getText();
            case VALUE_TRUE -> "true";
            case VALUE_FALSE -> "false";
            case START_OBJECT, START_ARRAY -> {
                p.skipChildren();
                yield null;
            }
            default -> null;
        };
    }

    static String describe(JsonToken token) {
        if (token == null) {
            return "the end of the input";
        }
        return switch (token) {
            case START_OBJECT -> "an object";
            case START_ARRAY -> "an array";
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            case VALUE_NULL -> "null";
            default -> token.asString() == null ? token.name() : "'" + token.asString() + "'";
        };
    }

    private static String first(String existing, String candidate) {
        return existing != null ? existing : candidate;
    }
}
