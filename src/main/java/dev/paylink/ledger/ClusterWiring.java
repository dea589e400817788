package dev.paylink.ledger;

import dev.paylink.config.PaylinkSettings;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Properties;
import javax.sql.DataSource;
import org.apache.camel.CamelContext;
import org.apache.camel.component.quartz.QuartzComponent;
import org.quartz.utils.ConnectionProvider;
import org.quartz.utils.DBConnectionManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Several instances on one PostgreSQL ledger (README "Running several instances"): Quartz, which fires the enrichment
 * schedule, keeps its triggers in the ledger (tables QRTZ_*, migration db/postgresql/V8) as one cluster, so each tick
 * fires on one instance only, and an instance that stops checking in has its work taken over. An H2 ledger is
 * single-instance: Quartz keeps Camel's default in-memory store there.
 */
public final class ClusterWiring {

    /** The scheduler's name in the QRTZ_ tables: the same on every instance, so they form one cluster. */
    public static final String SCHEDULER = "paylink";

    private static final Logger LOG = LoggerFactory.getLogger(ClusterWiring.class);

    private ClusterWiring() {
    }

    /** The Flyway locations of the ledger's schema: the common migrations, and PostgreSQL's own (Quartz's tables). */
    public static String[] migrations(DataSource dataSource) {
        try (Connection c = dataSource.getConnection()) {
            return Claims.isPostgres(c) ? new String[] {"classpath:db/migration", "classpath:db/postgresql"}
                    : new String[] {"classpath:db/migration"};
        } catch (SQLException e) {
            throw new LedgerException("ledger operation failed: " + e.getMessage(), e);
        }
    }

    /** On a PostgreSQL ledger, Camel's quartz component is made a clustered JDBC job store in that ledger. */
    public static void wire(CamelContext camel, PaylinkSettings.Cluster cluster, DataSource ledger) throws Exception {
        try (Connection c = ledger.getConnection()) {
            if (!Claims.isPostgres(c)) {
                return;
            }
        }
        // Quartz finds its connections by a name, in one registry per JVM: a name of this context's own
        String dataSource = "paylink-ledger-" + camel.getName() + "-" + Integer.toHexString(System.identityHashCode(ledger));
        DBConnectionManager.getInstance().addConnectionProvider(dataSource, new LedgerConnections(ledger));
        QuartzComponent quartz = camel.getComponent("quartz", QuartzComponent.class);
        // one scheduler name on every instance (Camel would add the context's name to it)
        quartz.setPrefixInstanceName(false);
        quartz.setProperties(properties(dataSource, cluster.checkinInterval().toMillis()));
        LOG.info("Quartz (the enrichment schedule): clustered in the ledger (QRTZ_ tables), check-in every {} ms", cluster.checkinInterval().toMillis());
    }

    static Properties properties(String dataSource, long checkinMillis) {
        Properties p = new Properties();
        p.setProperty("org.quartz.scheduler.instanceName", SCHEDULER);
        // host name and start time: each instance checks in under its own id
        p.setProperty("org.quartz.scheduler.instanceId", "AUTO");
        p.setProperty("org.quartz.threadPool.class", "org.quartz.simpl.SimpleThreadPool");
        p.setProperty("org.quartz.threadPool.threadCount", "2");
        p.setProperty("org.quartz.jobStore.class", "org.quartz.impl.jdbcjobstore.JobStoreTX");
        p.setProperty("org.quartz.jobStore.driverDelegateClass", "org.quartz.impl.jdbcjobstore.PostgreSQLDelegate");
        p.setProperty("org.quartz.jobStore.dataSource", dataSource);
        p.setProperty("org.quartz.jobStore.tablePrefix", "QRTZ_");
        p.setProperty("org.quartz.jobStore.isClustered", "true");
        p.setProperty("org.quartz.jobStore.clusterCheckinInterval", Long.toString(checkinMillis));
        return p;
    }

    /** Quartz's connections are the ledger pool's; the pool is closed with the ledger (LedgerWiring), not by Quartz. */
    private record LedgerConnections(DataSource dataSource) implements ConnectionProvider {

        @Override
        public Connection getConnection() throws SQLException {
            return dataSource.getConnection();
        }

        @Override
        public void shutdown() {
            // the ledger's pool outlives the scheduler
        }

        @Override
        public void initialize() {
            // the pool is ready
        }
    }
}
