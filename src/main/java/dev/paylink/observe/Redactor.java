package dev.paylink.observe;

import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Last line of defence for text that leaves through the observe endpoints (a pause reason, a driver's message): the
 * configured secrets are starred wherever they occur, and so is the user info of any URL ({@code https://user:pw@host}).
 * The checks put only counts, states and reasons written by this application into their results in the first place.
 */
final class Redactor {

    private static final Pattern URL_USER_INFO = Pattern.compile("(?i)\\b([a-z][a-z0-9+.-]*://)[^/@\\s]+@");
    private static final Pattern PASSWORD_PARAMETER = Pattern.compile("(?i)(password=)[^&;\\s]*");
    /** Shorter values are not starred: they would star ordinary words and numbers. */
    private static final int MIN_SECRET_LENGTH = 4;

    private final List<String> secrets;

    Redactor(Collection<String> secrets) {
        this.secrets = secrets.stream().filter(Objects::nonNull).map(String::strip).filter(s -> s.length() >= MIN_SECRET_LENGTH).distinct()
                // longest first, so a secret containing another is starred whole
                .sorted((a, b) -> b.length() - a.length()).toList();
    }

    String clean(String text) {
        if (text == null) {
            return null;
        }
        String t = text;
        for (String s : secrets) {
            t = t.replace(s, "****");
        }
        t = URL_USER_INFO.matcher(t).replaceAll("$1****@");
        return PASSWORD_PARAMETER.matcher(t).replaceAll("$1****");
    }
}
