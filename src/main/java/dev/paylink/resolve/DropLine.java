package dev.paylink.resolve;

import dev.paylink.ledger.Resolution.Decision;
import java.net.URI;
import java.util.Locale;
import java.util.Optional;

/**
 * One line of a resolution drop as the person wrote it (values stripped, empty as null).
 *
 * @param line      where the line is in the drop (the header is line 1)
 * @param fileLine  the {@code line} column: a line of the input file, as the results CSV shows it
 * @param malformed why the line cannot be taken apart, or null
 */
public record DropLine(long line, String key, String file, String fileLine, String decision, String url, String reason, String malformed) {

    static final int MAX_KEY = 200;
    static final int MAX_URL = 2000;
    static final int MAX_REASON = 1000;

    /** What is wrong with a line, and in which field. */
    public record Problem(String field, String reason) {

        @Override
        public String toString() {
            return field + ": " + reason;
        }
    }

    /** The decision, once {@link #problem()} found none. */
    public Decision parsedDecision() {
        return Decision.parse(decision).orElseThrow();
    }

    /** The input file's line number, when given and well-formed. */
    public Optional<Long> parsedFileLine() {
        try {
            long n = fileLine == null ? 0 : Long.parseLong(fileLine);
            return n > 0 ? Optional.of(n) : Optional.empty();
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** The first thing wrong with the line on its own (without looking at the ledger), or empty. */
    public Optional<Problem> problem() {
        if (malformed != null) {
            return problem("line", malformed);
        }
        if (decision == null) {
            return problem("decision", "missing; write resend, created, rejected or drop");
        }
        Optional<Decision> d = Decision.parse(decision);
        if (d.isEmpty()) {
            return problem("decision", "'" + shown(decision) + "' is not a decision; write resend, created, rejected or drop");
        }
        if (key == null && (file == null || fileLine == null)) {
            return problem(file == null && fileLine == null ? "key" : file == null ? "file" : "line",
                    "say which row: its key, or its file and line as in the results CSV");
        }
        if (key != null && key.length() > MAX_KEY) {
            return problem("key", "longer than " + MAX_KEY + " characters; no ledger key is");
        }
        if (fileLine != null && parsedFileLine().isEmpty()) {
            return problem("line", "'" + shown(fileLine) + "' is not a line number");
        }
        if (d.get() == Decision.CREATED) {
            if (url == null) {
                return problem("url", "created needs the url of the link as found in onOffice");
            }
            if (!isWebUrl(url)) {
                return problem("url", "'" + shown(url) + "' is not an absolute https or http URL");
            }
        }
        if ((d.get() == Decision.REJECTED || d.get() == Decision.DROP) && reason == null) {
            return problem("reason", d.get().word() + " needs a reason");
        }
        if (reason != null && reason.length() > MAX_REASON) {
            return problem("reason", "longer than " + MAX_REASON + " characters");
        }
        if (reason != null && reason.codePoints().anyMatch(Character::isISOControl)) {
            return problem("reason", "contains a line break or another control character");
        }
        return Optional.empty();
    }

    static boolean isWebUrl(String value) {
        if (value.length() > MAX_URL || value.codePoints().anyMatch(cp -> Character.isWhitespace(cp) || Character.isISOControl(cp))) {
            return false;
        }
        try {
            URI uri = new URI(value);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            return uri.isAbsolute() && (scheme.equals("https") || scheme.equals("http")) && uri.getHost() != null && !uri.getHost().isEmpty();
        } catch (java.net.URISyntaxException e) {
            return false;
        }
    }

    private static String shown(String value) {
        return value.length() > 60 ? value.substring(0, 60) + "…" : value;
    }

    private static Optional<Problem> problem(String field, String reason) {
        return Optional.of(new Problem(field, reason));
    }
}
