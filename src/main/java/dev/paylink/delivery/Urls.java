package dev.paylink.delivery;

import java.net.URI;
import java.net.URISyntaxException;

/**
 * URLs as they may be written anywhere a person reads them (log lines, dead letters, the routing table): credentials
 * a URL carries are masked. {@code https://user:pass@host/hook?token=abc&x=1#f} is shown as
 * {@code https://***@host/hook?token=***&x=***}: user info and every query value become {@code ***}, the fragment is
 * dropped; scheme, host, port, path and the names of query parameters stay, so the URL can still be recognised.
 */
public final class Urls {

    static final String MASK = "***";
    /** Longer shown URLs are cut: a log line is not the place for a 2,000 character URL. */
    static final int MAX_SHOWN = 300;

    private Urls() {
    }

    /** The URL with its credentials masked; "-" for null. Never throws, whatever the text. */
    public static String masked(String url) {
        if (url == null) {
            return "-";
        }
        String text = url.strip();
        String shown;
        try {
            URI parsed = new URI(text);
            shown = parsed.getScheme() != null && parsed.getRawAuthority() != null ? masked(parsed) : cut(text);
        } catch (URISyntaxException e) {
            shown = cut(text);
        }
        return printable(shown.length() > MAX_SHOWN ? shown.substring(0, MAX_SHOWN) + "…" : shown);
    }

    /** Whether the text looks like an absolute URL (a scheme followed by {@code ://}). */
    public static boolean isUrl(String text) {
        return text != null && text.strip().matches("(?i)[a-z][a-z0-9+.-]*://.*");
    }

    private static String masked(URI url) {
        StringBuilder shown = new StringBuilder(url.getScheme()).append("://");
        String authority = url.getRawAuthority();
        int at = authority.lastIndexOf('@');
        if (at >= 0) {
            shown.append(MASK).append('@').append(authority.substring(at + 1));
        } else {
            shown.append(authority);
        }
        if (url.getRawPath() != null) {
            shown.append(url.getRawPath());
        }
        if (url.getRawQuery() != null) {
            shown.append('?').append(maskedQuery(url.getRawQuery()));
        }
        return shown.toString();
    }

    /** For text that does not parse: user info cut out, query values masked, fragment dropped. */
    private static String cut(String text) {
        String noFragment = text.split("#", 2)[0];
        int q = noFragment.indexOf('?');
        String base = q < 0 ? noFragment : noFragment.substring(0, q);
        int scheme = base.indexOf("://");
        int at = base.lastIndexOf('@');
        if (scheme >= 0 && at > scheme) {
            base = base.substring(0, scheme + 3) + MASK + base.substring(at);
        }
        return q < 0 ? base : base + "?" + maskedQuery(noFragment.substring(q + 1));
    }

    private static String maskedQuery(String query) {
        StringBuilder out = new StringBuilder();
        for (String pair : query.split("&", -1)) {
            if (!out.isEmpty()) {
                out.append('&');
            }
            int eq = pair.indexOf('=');
            out.append(eq < 0 ? MASK : pair.substring(0, eq) + "=" + MASK);
        }
        return out.toString();
    }

    private static String printable(String text) {
        StringBuilder out = new StringBuilder(text.length());
        text.codePoints().forEach(c -> out.appendCodePoint(Character.isISOControl(c) ? ' ' : c));
        return out.toString();
    }
}
