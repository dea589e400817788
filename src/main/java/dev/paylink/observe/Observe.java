package dev.paylink.observe;

import dev.paylink.config.PaylinkSettings;
import dev.paylink.flow.IntakeGate;
import dev.paylink.ledger.Deliveries;
import dev.paylink.ledger.Ledger;
import dev.paylink.ledger.TrackedLinks;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.apache.camel.CamelContext;
import org.apache.camel.health.HealthCheckRegistry;
import org.apache.camel.spi.Registry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Health checks and metrics, the Camel way: our checks join Camel's own (context, routes, consumers) in its
 * HealthCheckRegistry, our gauges join camel-micrometer's route and endpoint timers in its Prometheus registry, and
 * Camel Main's management server serves both ({@code camel.management.*}: /observe/health, /observe/health/ready,
 * /observe/health/live, /observe/metrics). Called once, at the end of the wiring, with the beans in the registry.
 */
public final class Observe {

    private static final Logger LOG = LoggerFactory.getLogger(Observe.class);
    /** Configuration keys whose values are secrets: starred wherever they could surface in a health answer or a tag. */
    private static final Pattern SECRET_KEY = Pattern.compile("(?i).*(secret|password|token|authentication[-_.]?key|merchant[-_.]?key).*");

    private Observe() {
    }

    public static void install(CamelContext camel, PaylinkSettings config) {
        ObserveSettings settings = ObserveSettings.read(camel.getPropertiesComponent()::resolveProperty);
        Registry registry = camel.getRegistry();
        DataSource dataSource = registry.lookupByNameAndType("ledgerDataSource", DataSource.class);
        Ledger ledger = registry.lookupByNameAndType("ledger", Ledger.class);
        IntakeGate gate = registry.lookupByNameAndType("intakeGate", IntakeGate.class);
        Deliveries deliveries = registry.lookupByNameAndType("deliveries", Deliveries.class);
        // Bound only while enrichment is on.
        TrackedLinks trackedLinks = registry.lookupByNameAndType("trackedLinks", TrackedLinks.class);
        Clock clock = Clock.systemUTC();
        Redactor redactor = new Redactor(secrets(camel, config));
        Counts counts = Counts.of(ledger, deliveries, trackedLinks, settings.countsCache(), clock, redactor);

        HealthCheckRegistry health = HealthCheckRegistry.get(camel);
        if (health == null) {
            LOG.warn("Health checks are off: camel-health is not on the classpath");
        } else {
            ExecutorService probes = camel.getExecutorServiceManager().newSingleThreadExecutor(Observe.class, "paylink-observe-ledger");
            List<Object> checks = new ArrayList<>(List.of(new LedgerCheck(dataSource, settings.ledgerTimeout(), probes, redactor),
                    new SendingCheck(gate::pauseState, redactor),
                    new DeliveryCheck(Counts.deliveriesOnly(deliveries, settings.countsCache(), clock, redactor)::get, settings)));
            if (trackedLinks != null) {
                checks.add(new SmartPayCheck(config.smartPay().url(), settings.smartPayTimeout(), settings.smartPayCache(), clock));
            }
            checks.forEach(health::register);
        }

        String host = camel.getPropertiesComponent().resolveProperty("camel.management.host").orElse("0.0.0.0");
        String port = camel.getPropertiesComponent().resolveProperty("camel.management.port").orElse("8080");
        boolean server = camel.getPropertiesComponent().resolveProperty("camel.management.enabled").map(Boolean::parseBoolean).orElse(false);
        LOG.info(server ? "Health and metrics: http://{}:{}/observe/health (/ready, /live) and /observe/metrics{}"
                : "Health and metrics: not served (camel.management.enabled is not true)", host, "0".equals(port) ? "<a free port>" : port,
                trackedLinks == null ? "" : "; SmartPay checked by a TCP connect");

        MeterRegistry meters = registry.findSingleByType(MeterRegistry.class);
        if (meters == null) {
            LOG.info("Metrics are off (camel.metrics.enabled is not true): no paylink_* metrics");
        } else {
            // Before any route or endpoint timer exists (they are made as routes start and exchanges run); only the JVM
            // binders' meters are older, and the filter leaves them alone (logback.xml demotes Micrometer's warning about it).
            meters.config().meterFilter(PaylinkMetrics.camelMeters(redactor));
            PaylinkMetrics.register(meters, counts::get, gate::pauseState, trackedLinks != null);
        }
    }

    /**
     * Every configured secret: the known ones, and the value of any paylink.* key, -D property or PAYLINK_* environment
     * variable whose name says secret, password, token or key (named webhook endpoints' secrets included).
     */
    private static List<String> secrets(CamelContext camel, PaylinkSettings config) {
        List<String> values = new ArrayList<>();
        if (config.onOffice().credentials() != null) {
            values.add(config.onOffice().credentials().token());
            values.add(config.onOffice().credentials().secret());
        }
        for (PaylinkSettings.Secret s : new PaylinkSettings.Secret[] {config.smartPay().authenticationKey(), config.smartPay().clientSecret(),
                config.mail().password(), config.webhook().secret(), config.ledger().password()}) {
            if (s != null) {
                values.add(s.value());
            }
        }
        Set<String> keys = camel.getPropertiesComponent().loadProperties(k -> k.startsWith("paylink.")).stringPropertyNames();
        for (String key : keys) {
            if (SECRET_KEY.matcher(key).matches()) {
                camel.getPropertiesComponent().resolveProperty(key).ifPresent(values::add);
            }
        }
        System.getProperties().stringPropertyNames().stream().filter(k -> k.startsWith("paylink.") && SECRET_KEY.matcher(k).matches())
                .map(System::getProperty).forEach(values::add);
        for (Map.Entry<String, String> e : System.getenv().entrySet()) {
            if (e.getKey().toUpperCase(Locale.ROOT).startsWith("PAYLINK_") && SECRET_KEY.matcher(e.getKey()).matches()) {
                values.add(e.getValue());
            }
        }
        return values;
    }
}
