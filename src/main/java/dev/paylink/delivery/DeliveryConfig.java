package dev.paylink.delivery;

import dev.paylink.events.EventTypes;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Reads where events go from the configuration: {@code paylink.deliver.<key>} (outputs per event type),
 * {@code paylink.mail.to.<key>} (recipients per type) and {@code paylink.webhook.*} (the endpoints), with
 * {@code <key>} = {@link DeliveryRouting#key}. It also names what the configuration holds that the app will not use
 * (a key that names no event type, an endpoint setting that does not exist), and renders the routing table the app
 * logs at start.
 *
 * <p>Webhook endpoints are named: {@code paylink.webhook.<name>.url}, {@code .secret}, {@code .previous-secret},
 * {@code .previous-secret-until}, {@code .events}. The names are found among the configured keys and among the
 * environment variables {@code PAYLINK_WEBHOOK_<NAME>_URL} ({@code _} in NAME read as {@code -}). The older
 * {@code paylink.webhook.urls} with {@code paylink.webhook.secret} still works: its URLs are the endpoints
 * {@code default}, {@code default-2}, …
 */
public final class DeliveryConfig {

    public static final List<String> OUTPUTS = List.of("file", "mail", "webhook");
    /** The keys under {@code paylink.deliver.} that are settings, not event types. */
    static final Set<String> DELIVER_SETTINGS = Set.of("max-attempts", "first-backoff", "max-backoff", "max-retry-after", "concurrency",
            "poll-interval", "deadletter", "replay");
    /** The keys directly under {@code paylink.webhook.}. */
    static final Set<String> WEBHOOK_SETTINGS = Set.of("urls", "secret", "previous-secret", "previous-secret-until", "events",
            "connect-timeout", "timeout");
    /** The settings of a named endpoint, {@code paylink.webhook.<name>.<setting>}. */
    static final Set<String> ENDPOINT_SETTINGS = Set.of("url", "secret", "previous-secret", "previous-secret-until", "events");
    /** The endpoint name of the first URL of {@code paylink.webhook.urls}. */
    public static final String LEGACY_NAME = "default";

    private static final String DELIVER = "paylink.deliver.";
    private static final String MAIL_TO = "paylink.mail.to.";
    private static final String WEBHOOK = "paylink.webhook.";

    private final Function<String, Optional<String>> property;
    private final Function<String, Duration> durations;
    private final Set<String> keys;
    private final Map<String, String> env;
    private final List<String> warnings = new ArrayList<>();

    /**
     * @param property  a key's value as the app resolves it (configuration file, -D, environment), empty when unset or blank
     * @param durations reads {@code 30s}, {@code 7d}, {@code PT1H}
     * @param keys      the {@code paylink.*} keys that are configured (properties files, overrides, -D), for the look for typos
     * @param env       the environment variables
     */
    public DeliveryConfig(Function<String, Optional<String>> property, Function<String, Duration> durations, Set<String> keys,
                          Map<String, String> env) {
        this.property = property;
        this.durations = durations;
        this.keys = new TreeSet<>(keys);
        this.env = env;
    }

    /**
     * The outputs of every event type, from {@code paylink.deliver.<key>}; {@code file} when unset, none for {@code none}.
     * An output other than file, mail and webhook is a route {@code output-<name>}, checked once the routes are loaded.
     *
     * @throws IllegalArgumentException for an output name that cannot be one
     */
    public Map<String, List<String>> outputsByType() {
        Map<String, List<String>> routes = new LinkedHashMap<>();
        for (String type : EventTypes.ALL) {
            String key = DELIVER + DeliveryRouting.key(type);
            String configured = property.apply(key).orElse("file");
            List<String> wanted = configured.equalsIgnoreCase("none") ? List.of() : csv(configured);
            for (String output : wanted) {
                if (!OUTPUTS.contains(output) && !WebhookEndpoint.NAME.matcher(output).matches()) {
                    throw new IllegalArgumentException(key + " names an unknown output '" + output
                            + "'; expected file, mail, webhook, the name of an output route (output-<name>), or none");
                }
            }
            routes.put(type, wanted);
        }
        return routes;
    }

    /** The recipients of every event type's mails: {@code paylink.mail.to.<key>}, else {@code defaultTo}. */
    public Map<String, String> mailRecipients(String defaultTo) {
        Map<String, String> to = new LinkedHashMap<>();
        for (String type : EventTypes.ALL) {
            to.put(type, property.apply(MAIL_TO + DeliveryRouting.key(type)).orElse(defaultTo));
        }
        return to;
    }

    /** The names of the named endpoints, sorted: from {@code paylink.webhook.<name>.*} keys and {@code PAYLINK_WEBHOOK_<NAME>_URL}. */
    public Set<String> endpointNames() {
        Set<String> names = new TreeSet<>();
        for (String key : keys) {
            if (key.startsWith(WEBHOOK)) {
                String rest = key.substring(WEBHOOK.length());
                int dot = rest.lastIndexOf('.');
                if (dot > 0) {
                    names.add(rest.substring(0, dot));
                }
            }
        }
        env.keySet().stream().filter(k -> k.startsWith("PAYLINK_WEBHOOK_") && k.endsWith("_URL") && k.length() > "PAYLINK_WEBHOOK__URL".length())
                .map(k -> k.substring("PAYLINK_WEBHOOK_".length(), k.length() - "_URL".length()).toLowerCase(Locale.ROOT).replace('_', '-'))
                .forEach(names::add);
        return names;
    }

    /**
     * Every configured endpoint: the named ones (sorted by name), then the URLs of {@code paylink.webhook.urls}.
     *
     * @param start the app's start: a {@code previous-secret-until} given as a duration counts from it
     * @throws IllegalStateException for a name that is not lower-case letters, digits and dashes, a missing secret, a URL
     *                               that is not http(s), or two endpoints of one name
     */
    public List<WebhookEndpoint> endpoints(Instant start) {
        List<WebhookEndpoint> endpoints = new ArrayList<>();
        for (String name : endpointNames()) {
            if (!WebhookEndpoint.NAME.matcher(name).matches()) {
                throw new IllegalStateException("'" + name + "' in paylink.webhook." + name + ".* is no endpoint name: use lower-case letters, "
                        + "digits and dashes (at most 64), e.g. paylink.webhook.orders-crm.url");
            }
            String prefix = WEBHOOK + name + ".";
            Optional<String> url = property.apply(prefix + "url");
            if (url.isEmpty()) {
                warnings.add("webhook endpoint " + name + " has settings but no URL (" + prefix + "url or " + envName(prefix + "url")
                        + "): it gets nothing");
                continue;
            }
            endpoints.add(endpoint(name, prefix, url.get(), start));
        }
        List<String> urls = csv(property.apply(WEBHOOK + "urls").orElse(""));
        for (int i = 0; i < urls.size(); i++) {
            String name = i == 0 ? LEGACY_NAME : LEGACY_NAME + "-" + (i + 1);
            if (endpoints.stream().anyMatch(e -> e.name().equals(name))) {
                throw new IllegalStateException("paylink.webhook.urls makes an endpoint named " + name + ", and paylink.webhook." + name
                        + ".url names one too: configure it in one place");
            }
            endpoints.add(endpoint(name, WEBHOOK, urls.get(i), start));
        }
        return endpoints;
    }

    private WebhookEndpoint endpoint(String name, String prefix, String url, Instant start) {
        String secret = property.apply(prefix + "secret").orElseThrow(() -> new IllegalStateException("webhook endpoint " + name
                + " has no signing secret: set " + envName(prefix + "secret") + " (or " + prefix + "secret outside the repository)"));
        String previous = property.apply(prefix + "previous-secret").orElse(null);
        Instant until = property.apply(prefix + "previous-secret-until").map(v -> instantOrDuration(prefix + "previous-secret-until", v, start))
                .orElse(null);
        if (until != null && previous == null) {
            warnings.add(prefix + "previous-secret-until is set but " + prefix + "previous-secret is not: there is no rotation");
        }
        List<String> events = csv(property.apply(prefix + "events").orElse(""));
        try {
            return new WebhookEndpoint(name, url, secret, previous, until, events);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException((prefix.equals(WEBHOOK) ? "paylink.webhook.urls" : prefix + "url") + ": " + e.getMessage(), e);
        }
    }

    /** {@code 2026-12-01T00:00:00Z}, or a duration counted from {@code start} ({@code 7d}, {@code 12h}). */
    private Instant instantOrDuration(String key, String value, Instant start) {
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException notAnInstant) {
            try {
                return start.plus(durations.apply(value));
            } catch (RuntimeException e) {
                throw new IllegalStateException("configuration key " + key + " is '" + value + "'; expected an instant such as "
                        + "2026-12-01T00:00:00Z or a duration such as 7d (counted from the start)");
            }
        }
    }

    /** Event type → the endpoints that get it: those that take it, for a type routed to {@code webhook}. */
    public static Map<String, List<String>> webhookTargets(Map<String, List<String>> outputsByType, WebhookEndpoints endpoints) {
        Map<String, List<String>> targets = new LinkedHashMap<>();
        outputsByType.forEach((type, outputs) -> {
            if (outputs.contains("webhook")) {
                targets.put(type, endpoints.takers(type));
            }
        });
        return targets;
    }

    /**
     * What the configuration holds that the app will not use, one sentence each: keys under {@code paylink.deliver.} and
     * {@code paylink.mail.to.} (in the configuration, -D or the environment) that name no event type, endpoint settings
     * that do not exist, endpoint filters that name no event type or a type not routed to {@code webhook}. Call after
     * {@link #endpoints}.
     */
    public List<String> warnings(Map<String, List<String>> outputsByType, List<WebhookEndpoint> endpoints) {
        List<String> out = new ArrayList<>(warnings);
        Set<String> typeKeys = EventTypes.ALL.stream().map(DeliveryRouting::key).collect(Collectors.toCollection(LinkedHashSet::new));
        String known = "the event types are " + String.join(", ", typeKeys);
        for (String key : keys) {
            if (key.startsWith(DELIVER)) {
                String rest = key.substring(DELIVER.length());
                if (!typeKeys.contains(rest) && !DELIVER_SETTINGS.contains(rest)) {
                    out.add(key + " names no event type and no delivery setting: it is ignored; " + known);
                }
            } else if (key.startsWith(MAIL_TO)) {
                if (!typeKeys.contains(key.substring(MAIL_TO.length()))) {
                    out.add(key + " names no event type: it is ignored; " + known);
                }
            } else if (key.startsWith(WEBHOOK)) {
                String rest = key.substring(WEBHOOK.length());
                int dot = rest.lastIndexOf('.');
                if (dot < 0 ? !WEBHOOK_SETTINGS.contains(rest) : !ENDPOINT_SETTINGS.contains(rest.substring(dot + 1))) {
                    out.add(key + " is no webhook setting: it is ignored; an endpoint has " + String.join(", ", new TreeSet<>(ENDPOINT_SETTINGS))
                            + " (paylink.webhook.<name>.url, ...)");
                }
            }
        }
        Set<String> envKnown = new TreeSet<>(typeKeys);
        envKnown.addAll(DELIVER_SETTINGS);
        for (String variable : new TreeSet<>(env.keySet())) {
            if (variable.startsWith("PAYLINK_DELIVER_") && !envKnown.contains(envKey(variable, "PAYLINK_DELIVER_"))) {
                out.add("environment variable " + variable + " names no event type and no delivery setting: it is ignored; " + known);
            } else if (variable.startsWith("PAYLINK_MAIL_TO_") && !typeKeys.contains(envKey(variable, "PAYLINK_MAIL_TO_"))) {
                out.add("environment variable " + variable + " names no event type: it is ignored; " + known);
            }
        }
        for (WebhookEndpoint e : endpoints) {
            for (String pattern : e.events()) {
                if (EventTypes.ALL.stream().noneMatch(type -> WebhookEndpoint.matches(pattern, type))) {
                    out.add("webhook endpoint " + e.name() + ": events '" + pattern + "' matches no event type; the event types are "
                            + String.join(", ", EventTypes.ALL));
                } else if (EventTypes.ALL.contains(pattern) && !outputsByType.getOrDefault(pattern, List.of()).contains("webhook")) {
                    out.add("webhook endpoint " + e.name() + " asks for " + pattern + ", but " + DELIVER + DeliveryRouting.key(pattern)
                            + " does not include webhook: it gets none");
                }
            }
        }
        return out;
    }

    /**
     * The routing table, one line per event type and per endpoint, for the start-up log: type → outputs → recipients or
     * endpoint names; endpoints with their masked URL, filter and rotation. No secret appears.
     */
    public static List<String> table(DeliveryRouting routing, Set<String> activeOutputs, List<WebhookEndpoint> endpoints, Instant now) {
        List<String> lines = new ArrayList<>();
        int width = EventTypes.ALL.stream().mapToInt(String::length).max().orElse(0);
        for (String type : EventTypes.ALL) {
            List<String> parts = new ArrayList<>();
            for (String output : routing.outputs(type)) {
                parts.add(switch (output) {
                    case "mail" -> !activeOutputs.contains("mail") ? "mail (off: no mail server)"
                            : routing.mailRecipientsByType().getOrDefault(type, "").isBlank() ? "mail (no recipients)"
                            : "mail to " + routing.mailRecipientsByType().get(type);
                    case "webhook" -> !activeOutputs.contains("webhook") ? "webhook (off: no endpoint)"
                            : routing.webhookTargets(type).isEmpty() ? "webhook (no endpoint takes it)"
                            : "webhook to " + String.join(", ", routing.webhookTargets(type));
                    default -> output;
                });
            }
            lines.add(String.format("  %-" + width + "s -> %s", type, parts.isEmpty() ? "nothing (none)" : String.join(", ", parts)));
        }
        for (WebhookEndpoint e : endpoints) {
            String rotation = e.previousSecret() == null ? "" : e.rotating(now)
                    ? "; secret rotation: old and new signature" + (e.previousSecretUntil() == null ? "" : " until " + e.previousSecretUntil())
                    : "; previous secret expired at " + e.previousSecretUntil();
            lines.add("  webhook endpoint " + e.name() + " -> " + e.maskedUrl() + "; events "
                    + (e.events().isEmpty() ? "all routed to webhook" : String.join(",", e.events())) + rotation);
        }
        return lines;
    }

    /** The environment variable Camel reads for a key: upper case, dots and dashes as underscores. */
    static String envName(String key) {
        return key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    private static String envKey(String variable, String prefix) {
        return variable.substring(prefix.length()).toLowerCase(Locale.ROOT).replace('_', '-');
    }

    static List<String> csv(String text) {
        return Arrays.stream(text.split(",")).map(String::strip).filter(x -> !x.isEmpty()).toList();
    }
}
