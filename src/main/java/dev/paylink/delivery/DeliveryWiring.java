package dev.paylink.delivery;

import static dev.paylink.config.Wiring.onStop;

import dev.paylink.Durations;
import dev.paylink.config.ConfigurationException;
import dev.paylink.config.PaylinkSettings;
import dev.paylink.events.EventLog;
import dev.paylink.ledger.Deliveries;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import javax.sql.DataSource;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.model.Model;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Events and their delivery: the day's NDJSON log, and every other output from a durable queue with retries and dead
 * letters (routes/delivery.camel.yaml), each output a route {@code direct:output-<name>} (routes/output-*.camel.yaml,
 * and any loaded from outside the jar). Mail is on when {@code paylink.mail.host} is set, webhooks when an endpoint is
 * configured ({@code paylink.webhook.<name>.url}, or {@code paylink.webhook.urls}). What is routed where is logged once,
 * and configuration keys that name no event type are named in a WARN line. Binds {@code deliveries}, {@code deadLetters},
 * {@code dispatcher}, {@code eventBus}, {@code webhookOutput} and (with mail) {@code mailOutput}.
 */
public final class DeliveryWiring {

    private static final Logger LOG = LoggerFactory.getLogger(DeliveryWiring.class);

    private DeliveryWiring() {
    }

    /**
     * Routing and webhook endpoints as configured: the paylink.* keys of properties files, overrides and -D properties,
     * and the environment. Named endpoints are checked with the rest of the configuration, before anything is created.
     */
    public static DeliveryConfig config(CamelContext camel) {
        Set<String> keys = new TreeSet<>(camel.getPropertiesComponent().loadProperties(k -> k.startsWith("paylink.")).stringPropertyNames());
        System.getProperties().stringPropertyNames().stream().filter(k -> k.startsWith("paylink.")).forEach(keys::add);
        DeliveryConfig config = new DeliveryConfig(key -> camel.getPropertiesComponent().resolveProperty(key).map(String::strip)
                .filter(v -> !v.isEmpty()), Durations::parse, keys, System.getenv());
        try {
            config.outputsByType();
            config.endpoints(Instant.now());
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new ConfigurationException(List.of(e.getMessage()));
        }
        return config;
    }

    public static EventBus wire(CamelContext camel, PaylinkSettings settings, DeliveryConfig config, DataSource dataSource, String ledgerId,
                                Clock clock) throws Exception {
        Path outbox = settings.folders().outbox();
        ProducerTemplate template = camel.createProducerTemplate();
        Map<String, Output> outputs = new LinkedHashMap<>();
        Map<String, Integer> lanes = new LinkedHashMap<>();
        Map<String, String> mailTo = new LinkedHashMap<>();

        PaylinkSettings.Mail m = settings.mail();
        MailSettings mail = null;
        if (m.on()) {
            mail = new MailSettings(m.host(), m.port(), m.security(), m.username(), m.password() == null ? null : m.password().value(), m.from(),
                    outbox, m.connectTimeout(), m.readTimeout(), m.allowPlainAuth());
            camel.getRegistry().bind("mailOutput", new MailOutput(mail, new MailRenderer(outbox)));
            outputs.put(MailOutput.NAME, new RouteOutput(MailOutput.NAME, template, false, to -> to, clock));
            mailTo.putAll(config.mailRecipients(m.to() == null ? "" : m.to()));
        }

        List<WebhookEndpoint> endpoints = new ArrayList<>(config.endpoints(clock.instant()));
        endpoints.addAll(settings.webhook().added());
        WebhookEndpoints webhooks = WebhookEndpoints.of(endpoints);
        // bound even without endpoints: the route output-webhook is always there
        WebhookOutput webhook = new WebhookOutput(webhooks, clock);
        camel.getRegistry().bind("webhookOutput", webhook);
        if (!endpoints.isEmpty()) {
            outputs.put(WebhookOutput.NAME, new RouteOutput(WebhookOutput.NAME, template, true, webhook::describe, clock));
            lanes.put(WebhookOutput.NAME, endpoints.size() + 1);
        }

        Map<String, List<String>> routes = config.outputsByType();
        // Any other output named in paylink.deliver.* is a route output-<name> of its own (checked once routes are loaded).
        Map<String, String> extra = extraOutputs(routes);
        extra.keySet().forEach(name -> outputs.put(name, new RouteOutput(name, template, false, target -> RouteOutput.endpoint(name), clock)));
        camel.addStartupListener((context, alreadyStarted) -> requireRoutes(context, extra));
        Set<String> active = new LinkedHashSet<>(List.of("file"));
        active.addAll(outputs.keySet());

        // Claims are named after paylink.cluster.instance-id, as the file locks and the rows sent are.
        Deliveries queue = new Deliveries(dataSource, settings.intake().ownership().instanceId(), settings.cluster().deliveryLease());
        for (WebhookEndpoint endpoint : endpoints) {
            // Deliveries queued before endpoints had names carry the URL as their target.
            int moved = queue.retarget("webhook", endpoint.url(), endpoint.name());
            if (moved > 0) {
                LOG.info("{} webhook deliveries queued for {} now belong to endpoint {}", moved, endpoint.maskedUrl(), endpoint.name());
            }
        }
        PaylinkSettings.Delivery d = settings.delivery();
        Path replay = Files.createDirectories(d.replay());
        DeadLetters deadLetters = new DeadLetters(d.deadletter(), replay, queue, clock, webhooks.names());
        Dispatcher dispatcher = new Dispatcher(queue, outputs, deadLetters, new Dispatcher.Settings(d.maxAttempts(), d.firstBackoff(),
                d.maxBackoff(), d.maxRetryAfter(), d.concurrency(), 100), clock, camel.getExecutorServiceManager(), lanes);
        onStop(camel, "delivery workers", dispatcher::close);
        camel.getRegistry().bind("deliveries", queue);
        camel.getRegistry().bind("deadLetters", deadLetters);
        camel.getRegistry().bind("dispatcher", dispatcher);
        DeliveryRouting routing = new DeliveryRouting(routes, mailTo, DeliveryConfig.webhookTargets(routes, webhooks));
        EventBus bus = new EventBus(new EventLog(outbox.resolve("events")), queue, routing, active, clock, ledgerId);
        camel.getRegistry().bind("eventBus", bus);
        config.warnings(routes, endpoints).forEach(LOG::warn);
        LOG.info("events: outputs {}; mail {}; routing (paylink.deliver.*, paylink.mail.to.*, paylink.webhook.*):\n{}", active,
                mail == null ? "off (paylink.mail.host not set)" : mail.host() + ":" + mail.port(),
                String.join("\n", DeliveryConfig.table(routing, active, endpoints, clock.instant())));
        return bus;
    }

    /** Output name → the first {@code paylink.deliver.<key>} naming it, for every output other than file, mail and webhook. */
    static Map<String, String> extraOutputs(Map<String, List<String>> routes) {
        Map<String, String> extra = new TreeMap<>();
        routes.forEach((type, outputs) -> outputs.stream().filter(o -> !DeliveryConfig.OUTPUTS.contains(o))
                .forEach(o -> extra.putIfAbsent(o, "paylink.deliver." + DeliveryRouting.key(type))));
        return extra;
    }

    /**
     * Every extra output has its route {@code output-<name>}. Called as Camel starts, when the routes of every
     * routes-include-pattern are loaded but none is started: a ConfigurationException here fails the start (exit 2).
     */
    static void requireRoutes(CamelContext camel, Map<String, String> extra) {
        Model model = camel.getCamelContextExtension().getContextPlugin(Model.class);
        List<String> problems = new ArrayList<>();
        extra.forEach((name, key) -> {
            if (model.getRouteDefinition(RouteOutput.routeId(name)) == null && camel.getRoute(RouteOutput.routeId(name)) == null) {
                problems.add(key + ": names the output '" + name + "', but no route " + RouteOutput.routeId(name) + " (from "
                        + RouteOutput.endpoint(name) + ") is loaded; add its file to camel.main.routes-include-pattern, or fix the name");
            }
        });
        if (!problems.isEmpty()) {
            throw new ConfigurationException(problems);
        }
    }
}
