package dev.paylink.intake;

/**
 * Small text helpers for messages and checks: showing a value safely inside an error message (control and
 * invisible characters escaped, long values cut) and finding characters that have no place in data that ends up
 * in a payment link, a mail or a log line.
 */
final class Texts {

    static final int MAX_SHOWN = 60;

    private Texts() {
    }

    /** The value as it may appear in a message: invisible characters as {@code \}{@code uXXXX}, cut after 60 characters. */
    static String printable(String value) {
        StringBuilder sb = new StringBuilder();
        int shown = 0;
        for (int i = 0; i < value.length(); ) {
            int cp = value.codePointAt(i);
            i += Character.charCount(cp);
            if (shown++ == MAX_SHOWN) {
                sb.append('…');
                break;
            }
            if (isForbidden(cp)) {
                sb.append(String.format("\\u%04X", cp));
            } else {
                sb.appendCodePoint(cp);
            }
        }
        return sb.toString();
    }

    /** {@code 'value'}, printable. */
    static String quoted(String value) {
        return "'" + printable(value) + "'";
    }

    /**
     * Whether a code point is refused in descriptions and references: control characters (including tab and line
     * breaks), format characters (zero-width space, bidi overrides, soft hyphen, BOM), line and paragraph
     * separators, unpaired surrogates, and U+FFFD (the mark of bytes that could not be decoded).
     */
    static boolean isForbidden(int cp) {
        int type = Character.getType(cp);
        return type == Character.CONTROL || type == Character.FORMAT || type == Character.LINE_SEPARATOR
                || type == Character.PARAGRAPH_SEPARATOR || type == Character.SURROGATE || cp == 0xFFFD;
    }

    /** Index (in chars) of the first forbidden code point, or -1. */
    static int firstForbidden(String value) {
        for (int i = 0; i < value.length(); ) {
            int cp = value.codePointAt(i);
            if (isForbidden(cp)) {
                return i;
            }
            i += Character.charCount(cp);
        }
        return -1;
    }

    /** Strips blanks at both ends, including the no-break and other space characters {@link String#strip()} keeps. */
    static String strip(String s) {
        int start = 0;
        int end = s.length();
        while (start < end && isBlank(s.charAt(start))) {
            start++;
        }
        while (end > start && isBlank(s.charAt(end - 1))) {
            end--;
        }
        return s.substring(start, end);
    }

    static boolean isBlank(char c) {
        return Character.isWhitespace(c) || Character.isSpaceChar(c);
    }

    static String codePointName(int cp) {
        String name = Character.getName(cp);
        return String.format("U+%04X", cp) + (name == null ? "" : " " + name);
    }
}
