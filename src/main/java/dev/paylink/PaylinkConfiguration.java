package dev.paylink;

import static dev.paylink.config.Wiring.step;

import dev.paylink.config.ConfigurationException;
import dev.paylink.config.PaylinkSettings;
import dev.paylink.config.Sandbox;
import dev.paylink.config.SettingsFunction;
import dev.paylink.delivery.DeliveryConfig;
import dev.paylink.delivery.DeliveryWiring;
import dev.paylink.delivery.EventBus;
import dev.paylink.enrichment.EnrichmentWiring;
import dev.paylink.flow.IntakeWiring;
import dev.paylink.ledger.LedgerWiring;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.Configuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The order in which the capabilities are wired, each by its own package: configuration checked (nothing exists yet),
 * the ledger, the sandbox's simulators if it is on, the folders, delivery of events, the intake, enrichment. Each
 * {@code *Wiring} binds the beans its routes call by the names they use, before the routes are built.
 */
@Configuration
public class PaylinkConfiguration implements CamelConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(PaylinkConfiguration.class);

    @Override
    public void configure(CamelContext camel) throws Exception {
        // Every paylink.* key is checked first, all problems reported at once (ConfigurationException, one line each):
        // before it, nothing is created, connected or started.
        PaylinkSettings checked = step(camel, "settings", () -> PaylinkSettings.bind(camel.getPropertiesComponent()));
        DeliveryConfig delivery = step(camel, "delivery settings", () -> DeliveryWiring.config(camel));
        // Sandbox mode in a jar without the sandbox is a configuration problem too, so it is found before anything is created.
        Sandbox sandbox = !checked.sandbox().on() ? null : Sandbox.find().orElseThrow(() -> ConfigurationException.of("paylink.sandbox",
                "true, but this jar has no sandbox (the simulators ship in paylink-routes-sandbox.jar); set it to false"));
        Clock clock = Clock.systemUTC();
        LedgerWiring.Wired ledger = step(camel, "ledger", () -> LedgerWiring.wire(camel, checked, clock));
        step(camel, "cluster", () -> {
            dev.paylink.ledger.ClusterWiring.wire(camel, checked.cluster(), ledger.dataSource());
            return null;
        });
        PaylinkSettings config = sandbox == null ? checked
                : step(camel, "sandbox", () -> sandbox.start(camel, checked, !delivery.endpoints(Instant.now()).isEmpty()));
        // The routes read typed values as {{settings:<key>}} (durations in ms, whether enrichment runs, mail's endpoint).
        camel.getPropertiesComponent().addPropertiesFunction(new SettingsFunction(config));
        config.folders().byKey().forEach(PaylinkConfiguration::folder);
        // Events next: intake reports and enrichment publish into them; receivers are served from a durable queue.
        EventBus events = step(camel, "delivery", () -> DeliveryWiring.wire(camel, config, delivery, ledger.dataSource(),
                ledger.ledger().ledgerId(), clock));
        step(camel, "intake", () -> {
            IntakeWiring.wire(camel, config, ledger.ledger(), events, EnrichmentWiring.whenOff(config, ledger.dataSource()), clock);
            return null;
        });
        step(camel, "enrichment", () -> {
            EnrichmentWiring.wire(camel, config, ledger.dataSource(), events, clock);
            return null;
        });
        LOG.info("ledger {}", ledger.dataSource().getJdbcUrl().replaceAll("[?;].*", ""));

        // Health checks and metrics (README "Health and metrics"), from the beans bound above.
        step(camel, "observe", () -> {
            dev.paylink.observe.Observe.install(camel, config);
            return null;
        });
    }

    /** A checked folder ({@code PaylinkSettings} found it is one, or can be made one) is created if it is not there. */
    private static void folder(String key, Path folder) {
        try {
            Files.createDirectories(folder);
        } catch (IOException e) {
            throw ConfigurationException.of(key, "cannot create the folder " + folder + ": " + e);
        }
    }
}
