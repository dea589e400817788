package dev.paylink;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.paylink.config.ConfigurationException;
import dev.paylink.config.LedgerReach;
import dev.paylink.config.PaylinkSettings;
import dev.paylink.delivery.DeadLetters;
import dev.paylink.delivery.DeliveryConfig;
import dev.paylink.delivery.DeliveryRouting;
import dev.paylink.delivery.Dispatcher;
import dev.paylink.delivery.EventBus;
import dev.paylink.delivery.MailOutput;
import dev.paylink.delivery.MailRenderer;
import dev.paylink.delivery.MailSettings;
import dev.paylink.delivery.Output;
import dev.paylink.delivery.WebhookEndpoint;
import dev.paylink.delivery.WebhookEndpoints;
import dev.paylink.delivery.WebhookOutput;
import dev.paylink.enrichment.Enrichment;
import dev.paylink.enrichment.EnrichmentOff;
import dev.paylink.enrichment.EnrichmentSettings;
import dev.paylink.enrichment.PaymentReports;
import dev.paylink.events.EventLog;
import dev.paylink.events.EventSink;
import dev.paylink.flow.BatchSender;
import dev.paylink.flow.FileIntake;
import dev.paylink.flow.FileReports;
import dev.paylink.flow.IntakeGate;
import dev.paylink.flow.ResolutionDrops;
import dev.paylink.flow.SendQueue;
import dev.paylink.flow.Watchdog;
import dev.paylink.ledger.Deliveries;
import dev.paylink.ledger.FileRun;
import dev.paylink.ledger.Ledger;
import dev.paylink.ledger.TrackedLinks;
import dev.paylink.report.ReportFormat;
import dev.paylink.sandbox.OnOfficeSimulator;
import dev.paylink.sandbox.SandboxExamples;
import dev.paylink.sandbox.SmartPaySimulator;
import dev.paylink.sandbox.SmtpCapture;
import dev.paylink.sandbox.WebhookReceiver;
import dev.paylink.smartml.Sleeper;
import dev.paylink.smartpay.SmartPayClient;
import dev.paylink.smartpay.SmartPaySettings;
import dev.paylink.smartml.OnOfficeSettings;
import dev.paylink.smartml.SmartmlClient;
import dev.paylink.smartml.SmartmlCredentials;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.function.Consumer;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.Configuration;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.spi.Registry;
import org.apache.camel.support.EventNotifierSupport;
import org.apache.camel.spi.ThreadPoolProfile;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the beans the routes call, from {@code paylink.*} configuration, and binds them by the names the
 * YAML routes use. Built in one ordered method rather than with one {@code @BindToRegistry} per bean, because
 * they depend on each other (ledger before intake, simulator before client) and must exist before routes start.
 */
@Configuration
public class PaylinkConfiguration implements CamelConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(PaylinkConfiguration.class);

    @Override
    public void configure(CamelContext camel) throws Exception {
        // Every paylink.* key is checked first, all problems reported at once (ConfigurationException, one line each):
        // before it, nothing is created, connected or started.
        PaylinkSettings config = PaylinkSettings.bind(camel.getPropertiesComponent());
        config.routeProperties().forEach(camel.getPropertiesComponent()::addOverrideProperty);
        Settings s = new Settings(camel.getPropertiesComponent());
        checkWebhookEndpoints(deliveryConfig(camel, s));
        Registry registry = camel.getRegistry();
        Clock clock = Clock.systemUTC();

        // Ledger first: nothing may be read before the place to record it exists. One that cannot be reached is reported
        // like a configuration problem, before any folder is made.
        HikariDataSource dataSource = dataSource(config.ledger(), config.folders().data());
        onStop(camel, "ledger connection pool", dataSource::close);
        Ledger.migrate(dataSource);
        Ledger ledger = new Ledger(dataSource, clock);
        registry.bind("ledgerDataSource", dataSource);
        registry.bind("ledger", ledger);

        config.folders().byKey().forEach(PaylinkConfiguration::folder);
        Path inbox = config.folders().inbox();
        Path outbox = config.folders().outbox();
        Path archive = config.folders().archive();
        Path error = config.folders().error();

        OnOfficeSettings onOffice = config.onOffice().connection();
        SmartmlCredentials credentials = config.onOffice().credentials();
        if (config.sandbox().on()) {
            // The simulator answers slower than the client waits for its "slow answer" transaction id.
            OnOfficeSimulator simulator = new OnOfficeSimulator(OnOfficeSimulator.SANDBOX_TOKEN, OnOfficeSimulator.SANDBOX_SECRET,
                    clock, onOffice.requestTimeout().plusSeconds(2));
            URI url = simulator.start();
            onStop(camel, "onOffice simulator", simulator::close);
            registry.bind("onOfficeSimulator", simulator);
            onOffice = new OnOfficeSettings(url, onOffice.connectTimeout(), onOffice.requestTimeout(), onOffice.connectAttempts(), onOffice.connectBackoff());
            credentials = new SmartmlCredentials(OnOfficeSimulator.SANDBOX_TOKEN, OnOfficeSimulator.SANDBOX_SECRET);
            LOG.warn("SANDBOX MODE: links are created by the built-in onOffice simulator at {}, not by onOffice", url);
            SandboxExamples.drop(config.sandbox().examples(), inbox);
        }

        // Events next: intake reports and enrichment publish into them; receivers are served from a durable queue.
        EventBus events = delivery(camel, s, dataSource, ledger.ledgerId(), outbox, clock);

        int batchSize = s.positiveInt("paylink.onoffice.batch-size");
        int concurrency = s.positiveInt("paylink.onoffice.concurrency");
        Duration progress = s.duration("paylink.intake.progress-interval");
        IntakeGate gate = new IntakeGate(clock, s.duration("paylink.onoffice.pause-retry"), s.duration("paylink.onoffice.outage-retry"),
                s.duration("paylink.intake.retry-backoff"));
        SmartmlClient client = new SmartmlClient(onOffice, credentials, clock);
        Watchdog watchdog = new Watchdog(clock, s.duration("paylink.intake.stall-warning"), gate);
        registry.bind("watchdog", watchdog);

        registry.bind("intakeGate", gate);
        // Fired before Camel waits for in-flight exchanges: the file in progress parks instead of running on.
        camel.getManagementStrategy().addEventNotifier(new EventNotifierSupport() {
            @Override
            public boolean isEnabled(CamelEvent event) {
                return event instanceof CamelEvent.CamelContextStoppingEvent;
            }

            @Override
            public void notify(CamelEvent event) {
                gate.stop();
            }
        });
        BatchSender sender = new BatchSender(ledger, client, gate, watchdog, credentials.maskedToken());
        registry.bind("fileIntake", new FileIntake(ledger, config.intake().rows(), progress, clock, watchdog, enrichmentOff(config, dataSource)));
        registry.bind("sendQueue", new SendQueue(ledger, gate, sender, watchdog, batchSize, progress));
        registry.bind("batchSender", sender);
        // Results files: ',' by default; ';' and a BOM open by double-click in German Excel.
        ReportFormat reportFormat = ReportFormat.of(s.string("paylink.report.delimiter"), s.bool("paylink.report.bom"));
        registry.bind("fileReports", new FileReports(ledger, gate, events, outbox, archive, error, clock, reportFormat));
        registry.bind("onofficeSenders", senders(camel, concurrency));
        // Resolution drops: a person's decisions about UNCERTAIN rows. A resend cut off by a kill is UNCERTAIN again first.
        ResolutionDrops resolutions = new ResolutionDrops(ledger, sender, gate, events, outbox,
                archive.resolve("resolve"), error.resolve("resolve"), batchSize, clock, reportFormat);
        resolutions.recoverInterrupted();
        registry.bind("resolutionDrops", resolutions);

        enrichment(camel, config, dataSource, events, outbox, clock);

        LOG.info("onOffice {} as token {}, {} per request, {} at once; ledger {}; inbox {}", onOffice.url(), credentials.maskedToken(),
                Plural.of(batchSize, "action"), Plural.of(concurrency, "request"), dataSource.getJdbcUrl().replaceAll("[?;].*", ""), inbox);

        // Health checks and metrics (README "Health and metrics"), from the beans bound above.
        dev.paylink.observe.Observe.install(camel, config);
    }

    /** With enrichment off, tracked payment links wait for nobody: said at start, and for each file that adds some. */
    private static Consumer<FileRun> enrichmentOff(PaylinkSettings config, HikariDataSource dataSource) {
        if (config.smartPay().on()) {
            return run -> { };
        }
        EnrichmentOff off = new EnrichmentOff(new TrackedLinks(dataSource), config.smartPay().why());
        off.warnAtStart();
        return off::fileAccepted;
    }

    /**
     * Enrichment of tracked payment links on a Quartz schedule, when it is on: {@code paylink.smartpay.enabled=true}, or not
     * set and SmartPay credentials are (always in sandbox mode, against the built-in SmartPay simulator, polling every
     * few seconds so the demo shows links moving to PAID).
     */
    private static void enrichment(CamelContext camel, PaylinkSettings config, HikariDataSource dataSource, EventSink events, Path outbox,
                                   Clock clock) throws Exception {
        PaylinkSettings.SmartPay p = config.smartPay();
        if (!p.on()) {
            LOG.info("SmartPay enrichment: off ({})", p.why());
            return;
        }
        SmartPaySettings smartPay;
        EnrichmentSettings schedule;
        if (config.sandbox().on()) {
            SmartPaySimulator simulator = new SmartPaySimulator();
            URI url = simulator.start();
            onStop(camel, "SmartPay simulator", simulator::close);
            camel.getRegistry().bind("smartPaySimulator", simulator);
            smartPay = new SmartPaySettings(url, p.auth(), SmartPaySimulator.SANDBOX_MERCHANT_KEY, SmartPaySimulator.SANDBOX_AUTHENTICATION_KEY,
                    SmartPaySimulator.SANDBOX_CLIENT_ID, SmartPaySimulator.SANDBOX_CLIENT_SECRET, simulator.tokenUrl(),
                    SmartPaySimulator.SANDBOX_ORIGIN, p.userAgent(), p.connectTimeout(), p.readTimeout(), p.attempts(), Duration.ofMillis(200),
                    p.fetchPaymentStatus());
            Duration interval = config.sandbox().smartPayInterval();
            schedule = new EnrichmentSettings(p.concurrency(), p.maxRequestsPerSecond().doubleValue(), interval, interval.multipliedBy(4),
                    p.graceAfterExpiry(), p.maxLinksPerCycle());
            LOG.warn("SANDBOX MODE: payment links are looked up at the built-in SmartPay simulator at {}, {} auth", url,
                    p.auth().name().toLowerCase(Locale.ROOT));
        } else {
            smartPay = p.client();
            schedule = new EnrichmentSettings(p.concurrency(), p.maxRequestsPerSecond().doubleValue(), p.firstInterval(), p.maxInterval(),
                    p.graceAfterExpiry(), p.maxLinksPerCycle());
        }
        TrackedLinks tracked = new TrackedLinks(dataSource);
        Enrichment enrichment = new Enrichment(tracked, new SmartPayClient(smartPay, clock, Sleeper.system()),
                events, new PaymentReports(tracked, outbox), schedule, clock);
        onStop(camel, "enrichment workers", enrichment::close);
        camel.getRegistry().bind("trackedLinks", tracked);
        camel.getRegistry().bind("enrichment", enrichment);
        long open = tracked.open();
        LOG.info("SmartPay enrichment: on ({}); {} ({} auth), cron '{}', {} at once, {} at most, {} open", p.why(), smartPay.url(),
                smartPay.auth().name().toLowerCase(Locale.ROOT), config.routeProperties().get("paylink.smartpay.cron"),
                Plural.of(schedule.concurrency(), "look-up"), schedule.maxRequestsPerSecond() <= 0 ? "no limit of requests per second"
                        : p.maxRequestsPerSecond().stripTrailingZeros().toPlainString() + " requests per second",
                Plural.of(open, "tracked link"));
    }

    /**
     * Events and their delivery: the day's NDJSON log, and mail and webhooks from a durable queue with retries and
     * dead letters. Mail is on when {@code paylink.mail.host} is set, webhooks when an endpoint is configured
     * ({@code paylink.webhook.<name>.url}, or {@code paylink.webhook.urls}); in sandbox mode both go to built-in receivers
     * (an SMTP capture saving .eml files, a signature-checking endpoint). What is routed where is logged once, and
     * configuration keys that name no event type are named in a WARN line.
     */
    private static EventBus delivery(CamelContext camel, Settings s, HikariDataSource dataSource, String ledgerId, Path outbox, Clock clock)
            throws Exception {
        boolean sandbox = s.bool("paylink.sandbox");
        Map<String, Output> outputs = new LinkedHashMap<>();
        Map<String, String> mailTo = new LinkedHashMap<>();
        DeliveryConfig config = deliveryConfig(camel, s);

        Optional<String> mailHost = s.optional("paylink.mail.host");
        MailSettings mail = null;
        if (sandbox && mailHost.isEmpty()) {
            SmtpCapture capture = new SmtpCapture(outbox.resolve("mail"));
            onStop(camel, "SMTP capture", capture::close);
            camel.getRegistry().bind("smtpCapture", capture);
            mail = new MailSettings("127.0.0.1", capture.port(), MailSettings.Security.NONE, null, null, s.string("paylink.mail.from"), outbox,
                    s.duration("paylink.mail.connect-timeout"), s.duration("paylink.mail.read-timeout"));
            LOG.warn("SANDBOX MODE: mails go to the built-in SMTP capture on 127.0.0.1:{} and are saved in {}", capture.port(), outbox.resolve("mail"));
        } else if (mailHost.isPresent()) {
            mail = new MailSettings(mailHost.get(), s.positiveInt("paylink.mail.port"), MailSettings.Security.parse(s.string("paylink.mail.security")),
                    s.optional("paylink.mail.username").orElse(null), s.optional("paylink.mail.password").orElse(null), s.string("paylink.mail.from"),
                    outbox, s.duration("paylink.mail.connect-timeout"), s.duration("paylink.mail.read-timeout"),
                    s.bool("paylink.mail.allow-plain-auth"));
        }
        if (mail != null) {
            mail.routeProperties().forEach(camel.getPropertiesComponent()::addOverrideProperty);
            outputs.put("mail", new MailOutput(camel, mail, new MailRenderer(outbox)));
            String defaultTo = s.optional("paylink.mail.to").orElse(sandbox ? "backoffice@sandbox.invalid" : "");
            mailTo.putAll(config.mailRecipients(defaultTo));
        }

        List<WebhookEndpoint> endpoints = config.endpoints(clock.instant());
        if (sandbox && endpoints.isEmpty()) {
            WebhookReceiver receiver = new WebhookReceiver();
            String url = receiver.start().toString();
            onStop(camel, "webhook receiver", receiver::close);
            camel.getRegistry().bind("webhookReceiver", receiver);
            endpoints = List.of(new WebhookEndpoint("sandbox", url, WebhookReceiver.SANDBOX_SECRET, null, null, List.of()));
            LOG.warn("SANDBOX MODE: webhooks go to the built-in receiver at {}, which checks every signature", url);
        }
        WebhookEndpoints webhooks = WebhookEndpoints.of(endpoints);
        if (!endpoints.isEmpty()) {
            outputs.put("webhook", new WebhookOutput(webhooks, s.duration("paylink.webhook.connect-timeout"), s.duration("paylink.webhook.timeout"),
                    clock));
        }

        Map<String, List<String>> routes = config.outputsByType();
        Set<String> active = new LinkedHashSet<>(List.of("file"));
        active.addAll(outputs.keySet());

        Deliveries queue = new Deliveries(dataSource);
        for (WebhookEndpoint endpoint : endpoints) {
            // Deliveries queued before endpoints had names carry the URL as their target.
            int moved = queue.retarget("webhook", endpoint.url(), endpoint.name());
            if (moved > 0) {
                LOG.info("{} webhook deliveries queued for {} now belong to endpoint {}", moved, endpoint.maskedUrl(), endpoint.name());
            }
        }
        Path replay = Files.createDirectories(Path.of(s.string("paylink.deliver.replay")));
        DeadLetters deadLetters = new DeadLetters(Path.of(s.string("paylink.deliver.deadletter")), replay, queue, clock, webhooks.names());
        Dispatcher dispatcher = new Dispatcher(queue, outputs, deadLetters, new Dispatcher.Settings(s.positiveInt("paylink.deliver.max-attempts"),
                s.duration("paylink.deliver.first-backoff"), s.duration("paylink.deliver.max-backoff"), s.duration("paylink.deliver.max-retry-after"),
                s.positiveInt("paylink.deliver.concurrency"), 100), clock);
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

    /**
     * Routing and webhook endpoints as configured: the paylink.* keys of properties files, overrides and -D properties,
     * and the environment.
     */
    private static DeliveryConfig deliveryConfig(CamelContext camel, Settings s) {
        Set<String> keys = new TreeSet<>(camel.getPropertiesComponent().loadProperties(k -> k.startsWith("paylink.")).stringPropertyNames());
        System.getProperties().stringPropertyNames().stream().filter(k -> k.startsWith("paylink.")).forEach(keys::add);
        return new DeliveryConfig(s::optional, Durations::parse, keys, System.getenv());
    }

    /** Named webhook endpoints (URL, secret, name, rotation) are checked with the rest, before anything is created. */
    private static void checkWebhookEndpoints(DeliveryConfig delivery) {
        try {
            delivery.outputsByType();
            delivery.endpoints(java.time.Instant.now());
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new ConfigurationException(List.of(e.getMessage()));
        }
    }

    /**
     * A pool of exactly {@code concurrency} senders, with an unbounded queue that never rejects. Camel's parallel split
     * submits its own next iteration to this pool too (MulticastProcessor.schedule); with a short queue and CallerRuns,
     * that iteration ran nested inside the sender that found the queue full, one level deeper per batch, until the stack
     * overflowed (~480 batches at concurrency 1) and the file hung. The read-ahead stays small anyway: see SendQueue.
     */
    private ExecutorService senders(CamelContext camel, int concurrency) {
        ThreadPoolProfile profile = new ThreadPoolProfile("onoffice-senders");
        profile.setPoolSize(concurrency);
        profile.setMaxPoolSize(concurrency);
        // Integer.MAX_VALUE, not -1: Camel's DefaultThreadPoolFactory makes a queue of size <= 0 a SynchronousQueue.
        profile.setMaxQueueSize(Integer.MAX_VALUE);
        profile.setRejectedPolicy(org.apache.camel.util.concurrent.ThreadPoolRejectedPolicy.Abort);
        return camel.getExecutorServiceManager().newThreadPool(this, "onoffice-sender", profile);
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

    /** A checked folder ({@code PaylinkSettings} found it is one, or can be made one) is created if it is not there. */
    private static void folder(String key, Path folder) {
        try {
            Files.createDirectories(folder);
        } catch (IOException e) {
            throw ConfigurationException.of(key, "cannot create the folder " + folder + ": " + e);
        }
    }

    /** Closes a resource when Camel stops, after the routes (services stop in reverse order of adding). */
    private static void onStop(CamelContext camel, String what, AutoCloseable resource) throws Exception {
        camel.addService(new ServiceSupport() {
            @Override
            protected void doStop() throws Exception {
                resource.close();
            }

            @Override
            public String toString() {
                return what;
            }
        }, true, true);
    }
}
