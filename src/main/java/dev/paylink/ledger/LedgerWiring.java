package dev.paylink.ledger;

import static dev.paylink.config.Wiring.onStop;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.paylink.config.LedgerReach;
import dev.paylink.config.PaylinkSettings;
import java.nio.file.Path;
import java.time.Clock;
import org.apache.camel.CamelContext;

/**
 * The ledger: its connection pool ({@code ledgerDataSource}), its schema (Flyway migrations) and the {@code ledger} bean.
 * Wired first: nothing may be read before the place to record it exists. A ledger that cannot be reached is reported like
 * a configuration problem (one line naming {@code paylink.ledger.url}), before any folder is made.
 */
public final class LedgerWiring {

    private LedgerWiring() {
    }

    /** The ledger and its pool, for the capabilities that keep tables of their own in it (deliveries, tracked links). */
    public record Wired(HikariDataSource dataSource, Ledger ledger) {
    }

    public static Wired wire(CamelContext camel, PaylinkSettings config, Clock clock) throws Exception {
        HikariDataSource dataSource = dataSource(config.ledger(), config.folders().data());
        onStop(camel, "ledger connection pool", dataSource::close);
        Ledger.migrate(dataSource);
        Ledger ledger = new Ledger(dataSource, clock);
        camel.getRegistry().bind("ledgerDataSource", dataSource);
        camel.getRegistry().bind("ledger", ledger);
        return new Wired(dataSource, ledger);
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
