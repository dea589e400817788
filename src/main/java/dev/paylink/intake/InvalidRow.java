package dev.paylink.intake;

import java.util.Map;

/**
 * A row that failed validation. Nothing of it is sent; it is reported with status INVALID.
 *
 * @param line   where it starts in the file
 * @param field  the canonical column name to blame (e.g. {@code priceNet}), or null when no single field is
 * @param reason a sentence for a person, e.g. {@code "priceNet '12,345' (read as 12.345) has more than two decimals"}
 * @param raw    the raw values as read, for the results file
 */
public record InvalidRow(long line, String field, String reason, Map<Column, String> raw) {

    /** {@code line 12, field priceNet: reason} — the form used in logs and error reports (the file name is added by the caller). */
    public String describe() {
        return "line " + line + (field == null ? "" : ", field " + field) + ": " + reason;
    }
}
