package dev.paylink.intake;

import java.util.Map;

/**
 * One input row as read, before validation.
 *
 * @param line        1-based physical line of the file where the row starts (a CSV header is line 1)
 * @param values      raw text per known column; a column that is absent or JSON null is not in the map.
 *                    JSON numbers and booleans appear as their literal text ({@code 1000.5}, {@code true}).
 * @param parseError  null when the row was read; otherwise why this row could not be read
 *                    (e.g. a JSON element that is not an object, an NDJSON line that is not JSON),
 *                    naming the field where one is to blame
 */
public record RowInput(long line, Map<Column, String> values, String parseError) {

    public RowInput {
        values = Map.copyOf(values);
    }

    public static RowInput unreadable(long line, String parseError) {
        return new RowInput(line, Map.of(), parseError);
    }

    public String value(Column column) {
        return values.get(column);
    }
}
