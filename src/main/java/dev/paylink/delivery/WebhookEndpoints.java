package dev.paylink.delivery;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The configured webhook endpoints by name. A webhook delivery's target is the name of its endpoint, so a URL or a secret
 * changed in the configuration applies to what is still pending or replayed.
 */
public final class WebhookEndpoints {

    private final Map<String, WebhookEndpoint> byName = new LinkedHashMap<>();
    /** Not null: every target is a URL, signed with this secret (one-off sends and tests, no configuration). */
    private final String anyUrlSecret;

    private WebhookEndpoints(List<WebhookEndpoint> endpoints, String anyUrlSecret) {
        for (WebhookEndpoint e : endpoints) {
            if (byName.putIfAbsent(e.name(), e) != null) {
                throw new IllegalArgumentException("two webhook endpoints are named " + e.name());
            }
        }
        this.anyUrlSecret = anyUrlSecret;
    }

    public static WebhookEndpoints of(List<WebhookEndpoint> endpoints) {
        return new WebhookEndpoints(endpoints, null);
    }

    /** No named endpoints: a delivery's target is the URL itself, and every call is signed with {@code secret}. */
    public static WebhookEndpoints anyUrl(String secret) {
        if (secret == null || secret.isEmpty()) {
            throw new IllegalArgumentException("the webhook secret must not be empty");
        }
        return new WebhookEndpoints(List.of(), secret);
    }

    public List<WebhookEndpoint> all() {
        return List.copyOf(byName.values());
    }

    public Set<String> names() {
        return byName.keySet();
    }

    /** The names of the endpoints that take {@code type}, in configuration order. */
    public List<String> takers(String type) {
        List<String> names = new ArrayList<>();
        byName.values().stream().filter(e -> e.takes(type)).forEach(e -> names.add(e.name()));
        return names;
    }

    /**
     * The endpoint a delivery's target names.
     *
     * @throws IllegalArgumentException saying why there is none (unknown name, unusable URL); the message shows no credentials
     */
    WebhookEndpoint resolve(String target) {
        WebhookEndpoint named = target == null ? null : byName.get(target);
        if (named != null) {
            return named;
        }
        if (anyUrlSecret != null) {
            return new WebhookEndpoint("url", target, anyUrlSecret, null, null, List.of());
        }
        throw new IllegalArgumentException("no webhook endpoint named '" + Urls.masked(target) + "' is configured (configured: "
                + (byName.isEmpty() ? "none" : String.join(", ", byName.keySet())) + "); configure it again and replay the dead letter");
    }

    /** A target as a log line may show it: {@code name (masked URL)}, or the masked target when it names no endpoint. */
    String describe(String target) {
        WebhookEndpoint named = target == null ? null : byName.get(target);
        return named != null ? named.toString() : Urls.masked(target);
    }
}
