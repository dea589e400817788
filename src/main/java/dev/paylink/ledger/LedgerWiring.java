package dev.paylink.ledger;

import static dev.paylink.config.Wiring.onStop;
import static dev.paylink.config.Wiring.step;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.paylink.config.LedgerReach;
import dev.paylink.config.PaylinkSettings;
import java.nio.file.Path;
import java.time.Clock;
import dev.paylink.Durations;
import org.apache.camel.CamelContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ledger: its connection pool ({@code ledgerDataSource}), its schema (Flyway migrations) and the {@code ledger} bean.
 * Wired first: nothing may be read before the place to record it exists. A ledger that cannot be reached is reported like
 * a configuration problem (one line naming {@code paylink.ledger.url}), before any folder is made.
 */
public final class LedgerWiring {

    private static final Logger LOG = LoggerFactory.getLogger(LedgerWiring.class);

    private LedgerWiring() {
    }

    /** The ledger and its pool, for the capabilities that keep tables of their own in it (deliveries, tracked links). */
    public record Wired(HikariDataSource dataSource, Ledger ledger) {
    }

    public static Wired wire(CamelContext camel, PaylinkSettings config, Clock clock) throws Exception {
        PaylinkSettings.Ledger settings = config.ledger();
        if (settings.url() == null) {
            Path file = PaylinkSettings.Ledger.defaultFile(config.folders().data());
            if (step(camel, "new ledger", () -> FreshLedger.makeIfAbsent(file, settings::h2Url, settings.username(),
                    settings.password() == null ? null : settings.password().value()))) {
                LOG.info("A new ledger: {}.mv.db", file);
            }
        }
        HikariDataSource dataSource = step(camel, "ledger pool", () -> dataSource(settings, config.folders().data()));
        onStop(camel, "ledger connection pool", dataSource::close);
        step(camel, "ledger schema", () -> {
            Ledger.migrate(dataSource);
            return null;
        });
        PaylinkSettings.Ownership ownership = config.intake().ownership();
        Ledger ledger = new Ledger(dataSource, clock, ownership.instanceId());
        camel.getRegistry().bind("ledgerDataSource", dataSource);
        camel.getRegistry().bind("ledger", ledger);
        H2Housekeeping housekeeping = new H2Housekeeping(dataSource, dataSource.getJdbcUrl());
        camel.getRegistry().bind("ledgerHousekeeping", housekeeping);
        // Stopped before the pool (Camel stops services in reverse order): the ledger closes without the housekeeping's pin.
        onStop(camel, "ledger housekeeping", housekeeping::close);
        camel.getRegistry().bind("ownerLocks", step(camel, "owner locks", () -> ownerLocks(camel, dataSource, ownership)));
        return new Wired(dataSource, ledger);
    }

    /**
     * The file consumers' read locks (README "Running several instances"): started now, stopped after the routes and before
     * the pool; this instance holds its instance lock while it runs.
     */
    private static OwnerLocks ownerLocks(CamelContext camel, HikariDataSource dataSource, PaylinkSettings.Ownership ownership) throws Exception {
        OwnerLocks locks = new OwnerLocks(dataSource, camel, ownership.instanceId(), ownership.lease(), ownership.heartbeat());
        camel.addService(locks, true, true);
        int leftovers = locks.forgetLeftovers(dataSource.getJdbcUrl());
        if (leftovers > 0) {
            LOG.info("{} of the previous run of this embedded H2 ledger dropped", leftovers == 1 ? "1 file lock" : leftovers + " file locks");
        }
        locks.register();
        LOG.info("Instance {}: a file is owned by one instance at a time; one whose owner stopped renewing its lock for {} is taken over "
                + "(renewed every {})", ownership.instanceId(), Durations.spoken(ownership.lease()), Durations.spoken(ownership.heartbeat()));
        return locks;
    }

    /** The ledger's pool, once one connection has been opened by hand (a failure is one line naming paylink.ledger.url). */
    private static HikariDataSource dataSource(PaylinkSettings.Ledger ledger, Path data) {
        String url = ledger.jdbcUrl(data);
        String password = ledger.password() == null ? null : ledger.password().value();
        LedgerReach.check(url, ledger.username(), password);
        HikariConfig config = new HikariConfig();
        config.setPoolName("ledger");
        config.setJdbcUrl(url);
        config.setUsername(ledger.username());
        config.setPassword(password);
        config.setMaximumPoolSize(ledger.poolSize());
        return new HikariDataSource(config);
    }
}
