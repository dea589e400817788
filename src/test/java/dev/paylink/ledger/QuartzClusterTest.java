package dev.paylink.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariDataSource;
import dev.paylink.config.PaylinkSettings;
import dev.paylink.support.TestDatabases;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.quartz.QuartzComponent;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.quartz.impl.SchedulerRepository;

/**
 * Two instances on one PostgreSQL ledger (two CamelContexts, each its own pool and Quartz scheduler, clustered through
 * the QRTZ_ tables as {@link ClusterWiring} sets them up): the enrichment's Quartz trigger fires once per tick in all,
 * and when one instance stops, the other goes on firing.
 */
class QuartzClusterTest {

    /** The enrichment route's endpoint, as routes/enrichment.camel.yaml has it, every second. */
    private static final String ENRICHMENT = "quartz://paylink/enrichment?cron=0/1+*+*+*+*+?&stateful=true&trigger.misfireInstruction=2";

    private final HikariDataSource db = TestDatabases.postgres();
    private final List<HikariDataSource> pools = new ArrayList<>();
    private final List<CamelContext> instances = new ArrayList<>();
    /** Scheduled fire time → the instances that fired it. */
    private final Map<Date, List<String>> fires = new ConcurrentHashMap<>();

    @AfterEach
    void tearDown() {
        instances.forEach(CamelContext::stop);
        pools.forEach(HikariDataSource::close);
        TestDatabases.dropPostgres(db);
    }

    private CamelContext instance(String who) throws Exception {
        HikariDataSource pool = TestDatabases.anotherPool(db);
        pools.add(pool);
        DefaultCamelContext camel = new DefaultCamelContext();
        // the name every instance has (camel.main.name): Camel's job data names the context that is to run the job
        camel.getCamelContextExtension().setName("paylink-routes");
        camel.disableJMX();
        ClusterWiring.wire(camel, new PaylinkSettings.Cluster(Duration.ofSeconds(1), Duration.ofMinutes(2), Duration.ofMinutes(1)), pool);
        // a lambda, not a RouteBuilder class: Camel Main's scan of dev.paylink (the app tests) would load that as a route
        RouteBuilder.addRoutes(camel, routes -> routes.from(ENRICHMENT).routeId("enrichment").process(e -> fires.computeIfAbsent(
                e.getIn().getHeader("scheduledFireTime", Date.class), k -> Collections.synchronizedList(new ArrayList<>())).add(who)));
        camel.start();
        // Two schedulers of one name in one JVM: Quartz would hand the second context the first one's. Each process has one.
        SchedulerRepository.getInstance().remove(ClusterWiring.SCHEDULER);
        instances.add(camel);
        return camel;
    }

    @Test
    void twoInstancesFireTheScheduleOncePerTickInAll() throws Exception {
        Ledger.migrate(db);
        CamelContext one = instance("one");
        CamelContext two = instance("two");
        assertThat(one.getComponent("quartz", QuartzComponent.class).isClustered()).isTrue();
        assertThat(one.getComponent("quartz", QuartzComponent.class).getScheduler())
                .isNotSameAs(two.getComponent("quartz", QuartzComponent.class).getScheduler());
        await().atMost(Duration.ofSeconds(20)).until(() -> checkedIn() == 2 && fires.size() >= 6);

        // one of the two stops (or dies): the other goes on, one fire per tick still
        int before = fires.size();
        one.stop();
        await().atMost(Duration.ofSeconds(20)).until(() -> fires.size() >= before + 3);
        two.stop();

        assertThat(fires.values()).as("instances that fired each tick").allSatisfy(who -> assertThat(who).hasSize(1));
    }

    /** The instances checked in to the cluster (QRTZ_SCHEDULER_STATE). */
    private int checkedIn() throws Exception {
        try (Connection c = db.getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM qrtz_scheduler_state WHERE sched_name = '" + ClusterWiring.SCHEDULER + "'")) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
