package dev.paylink.enrichment;

import dev.paylink.Plural;
import dev.paylink.config.PaylinkSettings;
import dev.paylink.events.EventSink;
import dev.paylink.ledger.FileRun;
import dev.paylink.ledger.TrackedLinks;
import dev.paylink.smartpay.SmartPaySettings;
import dev.paylink.smartpay.SmartPayWiring;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Locale;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.ThreadPoolProfileBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Enrichment of tracked payment links on a Quartz schedule (routes/enrichment.camel.yaml), when it is on:
 * {@code paylink.smartpay.enabled=true}, or not set and SmartPay credentials are (always in sandbox mode). Binds
 * {@code trackedLinks}, {@code enrichment}, SmartPay's beans (routes/smartpay.camel.yaml), and registers the thread pool
 * profile {@value #THREAD_POOL}.
 */
public final class EnrichmentWiring {

    private static final Logger LOG = LoggerFactory.getLogger(EnrichmentWiring.class);
    /** The thread pool profile of the enrichment route's split. */
    public static final String THREAD_POOL = "enrichment";

    private EnrichmentWiring() {
    }

    /** With enrichment off, tracked payment links wait for nobody: said at start, and for each file that adds some. */
    public static Consumer<FileRun> whenOff(PaylinkSettings config, DataSource dataSource) {
        if (config.smartPay().on()) {
            return run -> { };
        }
        EnrichmentOff off = new EnrichmentOff(new TrackedLinks(dataSource), config.smartPay().why());
        off.warnAtStart();
        return off::fileAccepted;
    }

    public static void wire(CamelContext camel, PaylinkSettings config, DataSource dataSource, EventSink events, Clock clock) throws Exception {
        PaylinkSettings.SmartPay p = config.smartPay();
        if (!p.on()) {
            LOG.info("SmartPay enrichment: off ({})", p.why());
            return;
        }
        SmartPaySettings smartPay = p.client();
        EnrichmentSettings schedule = new EnrichmentSettings(p.concurrency(), p.maxRequestsPerSecond().doubleValue(), p.firstInterval(),
                p.maxInterval(), p.graceAfterExpiry(), p.maxLinksPerCycle());
        Path outbox = config.folders().outbox();
        TrackedLinks tracked = new TrackedLinks(dataSource, config.intake().ownership().instanceId(), config.cluster().linkLease());
        // The look-ups: routes/smartpay.camel.yaml, whose beans SmartPay's own wiring binds.
        SmartPayWiring.bind(camel, smartPay, clock);
        Enrichment enrichment = new Enrichment(tracked, events, new PaymentReports(tracked, outbox), schedule, clock);
        // The split of routes/enrichment.camel.yaml runs on this profile: concurrency look-ups in flight at once. The queue is
        // unbounded (a parallel split queues its own next iteration as a task: README, Camel notes).
        camel.getExecutorServiceManager().registerThreadPoolProfile(new ThreadPoolProfileBuilder(THREAD_POOL)
                .poolSize(p.concurrency()).maxPoolSize(p.concurrency()).maxQueueSize(Integer.MAX_VALUE).build());
        // paylink_enrichment_requests_total{outcome}: one per look-up (found, not_found, unauthorized, failed after its tries).
        MeterRegistry meters = camel.getRegistry().findSingleByType(MeterRegistry.class);
        if (meters != null) {
            enrichment.countOutcomes(outcome -> meters.counter("paylink.enrichment.requests", "outcome", outcome).increment());
        }
        camel.getRegistry().bind("trackedLinks", tracked);
        camel.getRegistry().bind("enrichment", enrichment);
        long open = tracked.open();
        LOG.info("SmartPay enrichment: on ({}); {} ({} auth), cron '{}', {} at once, {} at most, {} open", p.why(), smartPay.url(),
                smartPay.auth().name().toLowerCase(Locale.ROOT), p.cron(),
                Plural.of(schedule.concurrency(), "look-up"), schedule.maxRequestsPerSecond() <= 0 ? "no limit of requests per second"
                        : p.maxRequestsPerSecond().stripTrailingZeros().toPlainString() + " requests per second",
                Plural.of(open, "tracked link"));
    }
}
