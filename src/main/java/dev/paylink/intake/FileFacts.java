package dev.paylink.intake;

import java.nio.charset.Charset;

/**
 * What one pass over a file's bytes found out, before any row is read.
 *
 * @param sha256      lower-case hex SHA-256 of the whole file: with the name, the identity of a file run
 * @param size        bytes
 * @param format      the format detected from the content (not the file extension)
 * @param charset     the charset the rows are decoded with
 * @param charsetNote why that charset, for the summary (e.g. "UTF-8 BOM", "not valid UTF-8, read as windows-1252")
 * @param delimiter   the CSV delimiter detected, or 0 for JSON formats
 */
public record FileFacts(String sha256, long size, Format format, Charset charset, String charsetNote, char delimiter) {

    public enum Format {
        /** Comma, semicolon or tab separated, with a header line. */
        CSV,
        /** A JSON array of row objects or of smartml actions, or a single such object. */
        JSON,
        /** One JSON object per line. */
        NDJSON
    }
}
