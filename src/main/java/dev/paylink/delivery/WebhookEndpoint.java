package dev.paylink.delivery;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A named webhook receiver ({@code paylink.webhook.<name>.*}): where calls go, the secret they are signed with, and which
 * event types it takes. Never printed with its secrets: {@link #toString()} shows the name and the masked URL.
 *
 * @param name                the endpoint's name: lower-case letters, digits and dashes; the delivery target
 * @param url                 an absolute http(s) URL; it may carry credentials ({@code user:pass@}, {@code ?token=})
 * @param secret              the signing secret, not empty
 * @param previousSecret      the secret being rotated out, or null: while it is valid every call carries both signatures
 * @param previousSecretUntil when the previous secret stops being used; null: until it is removed from the configuration
 * @param events              the event types it takes: exact types, {@code prefix.*} or {@code *}; empty: every type
 *                            routed to {@code webhook}
 */
public record WebhookEndpoint(String name, String url, String secret, String previousSecret, Instant previousSecretUntil,
                              List<String> events) {

    public static final Pattern NAME = Pattern.compile("[a-z0-9]([a-z0-9-]{0,62}[a-z0-9])?");

    public WebhookEndpoint {
        Objects.requireNonNull(name, "name");
        if (secret == null || secret.isEmpty()) {
            throw new IllegalArgumentException("the signing secret of webhook endpoint " + name + " must not be empty");
        }
        uri(url);
        previousSecret = previousSecret == null || previousSecret.isEmpty() ? null : previousSecret;
        events = List.copyOf(events);
    }

    /** Whether this endpoint takes events of {@code type} (given the type is routed to {@code webhook} at all). */
    public boolean takes(String type) {
        return events.isEmpty() || events.stream().anyMatch(pattern -> matches(pattern, type));
    }

    /** {@code *}, {@code prefix.*} or an exact type. */
    static boolean matches(String pattern, String type) {
        if (pattern.equals("*")) {
            return true;
        }
        if (pattern.endsWith(".*")) {
            return type.startsWith(pattern.substring(0, pattern.length() - 1));
        }
        return pattern.equals(type);
    }

    /** Whether calls made at {@code now} carry the previous secret's signature too. */
    public boolean rotating(Instant now) {
        return previousSecret != null && (previousSecretUntil == null || now.isBefore(previousSecretUntil));
    }

    /** The secrets a call made at {@code now} is signed with: the current one first. */
    public List<String> secrets(Instant now) {
        return rotating(now) ? List.of(secret, previousSecret) : List.of(secret);
    }

    public String maskedUrl() {
        return Urls.masked(url);
    }

    /** The URL, checked: absolute, http or https, with a host. The message never shows credentials. */
    static URI uri(String url) {
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException("no webhook URL");
        }
        URI parsed;
        try {
            parsed = new URI(url.strip());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("not a URL: " + Urls.masked(url));
        }
        String scheme = parsed.getScheme() == null ? "" : parsed.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("http") || scheme.equals("https")) || parsed.getHost() == null) {
            throw new IllegalArgumentException("the webhook URL must be an absolute http(s) URL: " + Urls.masked(url));
        }
        return parsed;
    }

    @Override
    public String toString() {
        return name + " (" + maskedUrl() + ")";
    }
}
