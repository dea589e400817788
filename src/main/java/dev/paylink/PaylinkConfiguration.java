package dev.paylink;

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
        PaylinkSettings config = PaylinkSettings.bind(camel.getPropertiesComponent());
        DeliveryConfig delivery = DeliveryWiring.config(camel);
        // Sandbox mode in a jar without the sandbox is a configuration problem too, so it is found before anything is created.
        Sandbox sandbox = !config.sandbox().on() ? null : Sandbox.find().orElseThrow(() -> ConfigurationException.of("paylink.sandbox",
                "true, but this jar has no sandbox (the simulators ship in paylink-routes-sandbox.jar); set it to false"));
        Clock clock = Clock.systemUTC();
        LedgerWiring.Wired ledger = LedgerWiring.wire(camel, config, clock);
        dev.paylink.ledger.ClusterWiring.wire(camel, config.cluster(), ledger.dataSource());
        if (sandbox != null) {
            config = sandbox.start(camel, config, !delivery.endpoints(Instant.now()).isEmpty());
        }
        // The routes read typed values as {{settings:<key>}} (durations in ms, whether enrichment runs, mail's endpoint).
        camel.getPropertiesComponent().addPropertiesFunction(new SettingsFunction(config));
        config.folders().byKey().forEach(PaylinkConfiguration::folder);
        // Events next: intake reports and enrichment publish into them; receivers are served from a durable queue.
        EventBus events = DeliveryWiring.wire(camel, config, delivery, ledger.dataSource(), ledger.ledger().ledgerId(), clock);
        IntakeWiring.wire(camel, config, ledger.ledger(), events, EnrichmentWiring.whenOff(config, ledger.dataSource()), clock);
        EnrichmentWiring.wire(camel, config, ledger.dataSource(), events, clock);
        LOG.info("ledger {}", ledger.dataSource().getJdbcUrl().replaceAll("[?;].*", ""));

        // Health checks and metrics (README "Health and metrics"), from the beans bound above.
        dev.paylink.observe.Observe.install(camel, config);
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
