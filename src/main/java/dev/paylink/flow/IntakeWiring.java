package dev.paylink.flow;

import dev.paylink.Plural;
import dev.paylink.config.PaylinkSettings;
import dev.paylink.events.EventSink;
import dev.paylink.ledger.FileRun;
import dev.paylink.ledger.Ledger;
import dev.paylink.ledger.OwnerLocks;
import dev.paylink.report.ReportFormat;
import dev.paylink.smartml.OnOfficeSettings;
import dev.paylink.smartml.Smartml;
import dev.paylink.smartml.SmartmlCredentials;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.ExecutorService;
import java.util.function.Consumer;
import org.apache.camel.CamelContext;
import org.apache.camel.Processor;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.spi.Registry;
import org.apache.camel.spi.ThreadPoolProfile;
import org.apache.camel.support.EventNotifierSupport;
import org.apache.camel.util.concurrent.ThreadPoolRejectedPolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The intake (routes/intake.camel.yaml, errors.camel.yaml, resolve.camel.yaml): files become onOffice actions, each
 * recorded in the ledger (the POST itself in routes/onoffice.camel.yaml); resolution drops decide UNCERTAIN rows. Binds
 * {@code intakeGate}, {@code watchdog}, {@code fileIntake}, {@code sendQueue}, {@code batchSender}, {@code smartml},
 * {@code resignBatch}, {@code fileReports}, {@code onofficeSenders} and {@code resolutionDrops}.
 */
public final class IntakeWiring {

    private static final Logger LOG = LoggerFactory.getLogger(IntakeWiring.class);
    /** The inbox consumer's lock keys (idempotentKey in routes/intake.camel.yaml). */
    private static final String INBOX_KEY = "inbox:";

    private IntakeWiring() {
    }

    public static void wire(CamelContext camel, PaylinkSettings config, Ledger ledger, EventSink events, Consumer<FileRun> enrichmentOff,
                            Clock clock) {
        Registry registry = camel.getRegistry();
        PaylinkSettings.OnOffice o = config.onOffice();
        PaylinkSettings.Intake intake = config.intake();
        OnOfficeSettings onOffice = o.connection();
        SmartmlCredentials credentials = o.credentials();
        Path outbox = config.folders().outbox();
        Path archive = config.folders().archive();
        Path error = config.folders().error();

        dropMarkerFiles(config.folders().inbox());
        dropMarkerFiles(config.folders().byKey().get("paylink.resolve"));
        IntakeGate gate = new IntakeGate(clock, o.pauseRetry(), o.outageRetry(), intake.retryBackoff());
        registry.bind("intakeGate", gate);
        OwnerLocks locks = registry.lookupByNameAndType("ownerLocks", OwnerLocks.class);
        if (locks != null) {
            gate.ownedElsewhere(name -> locks.heldByOthers(INBOX_KEY, intake.pollDelay()).contains(INBOX_KEY + name));
        }
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
        Watchdog watchdog = new Watchdog(clock, intake.stallWarning(), gate);
        registry.bind("watchdog", watchdog);

        Smartml smartml = new Smartml(credentials, clock, onOffice.url(), onOffice.requestTimeout());
        registry.bind("smartml", smartml);
        // The probe and resolution resends start in a bean: they go through the same routes, by a template.
        BatchSender sender = new BatchSender(ledger, smartml, gate, watchdog, credentials.maskedToken(), onOffice.connectAttempts(),
                camel.createProducerTemplate());
        registry.bind("resignBatch", (Processor) sender::resign);
        registry.bind("fileIntake", new FileIntake(ledger, intake.rows(), intake.progressInterval(), clock, watchdog, enrichmentOff));
        registry.bind("sendQueue", new SendQueue(ledger, gate, sender, watchdog, o.batchSize(), intake.progressInterval(), clock));
        registry.bind("batchSender", sender);
        // Results files: ',' by default; ';' and a BOM open by double-click in German Excel.
        ReportFormat reportFormat = ReportFormat.of(config.report().delimiter(), config.report().bom());
        registry.bind("fileReports", new FileReports(ledger, gate, events, outbox, archive, error, clock, reportFormat));
        registry.bind("onofficeSenders", senders(camel, o.concurrency()));
        // Resolution drops: a person's decisions about UNCERTAIN rows. A resend cut off by a kill is UNCERTAIN again first.
        ResolutionDrops resolutions = new ResolutionDrops(ledger, sender, gate, events, outbox,
                archive.resolve("resolve"), error.resolve("resolve"), o.batchSize(), clock, reportFormat, intake.ownership().lease());
        resolutions.recoverInterrupted();
        registry.bind("resolutionDrops", resolutions);

        LOG.info("onOffice {} as token {}, {} per request, {} at once; inbox {}", onOffice.url(), credentials.maskedToken(),
                Plural.of(o.batchSize(), "action"), Plural.of(o.concurrency(), "request"), config.folders().inbox());
    }

    /**
     * The read lock before the owner lock ({@code readLock=changed}) left {@code <name>.camelLock} beside a file when killed,
     * and Camel deleted such orphans at start. The owner lock writes none, so any found is such a leftover: removed here.
     */
    private static void dropMarkerFiles(Path folder) {
        if (folder == null || !java.nio.file.Files.isDirectory(folder)) {
            return;
        }
        try (java.util.stream.Stream<Path> files = java.nio.file.Files.list(folder)) {
            for (Path marker : files.filter(f -> f.getFileName().toString().endsWith(".camelLock")).toList()) {
                java.nio.file.Files.deleteIfExists(marker);
                LOG.debug("deleted the lock file {} an earlier run left behind", marker);
            }
        } catch (java.io.IOException e) {
            LOG.warn("could not look for lock files left behind in {}: {}", folder, e.getMessage());
        }
    }

    /**
     * A pool of exactly {@code concurrency} senders, with an unbounded queue that never rejects. Camel's parallel split
     * submits its own next iteration to this pool too (MulticastProcessor.schedule); with a short queue and CallerRuns,
     * that iteration ran nested inside the sender that found the queue full, one level deeper per batch, until the stack
     * overflowed (~480 batches at concurrency 1) and the file hung. The read-ahead stays small anyway: see SendQueue.
     */
    private static ExecutorService senders(CamelContext camel, int concurrency) {
        ThreadPoolProfile profile = new ThreadPoolProfile("onoffice-senders");
        profile.setPoolSize(concurrency);
        profile.setMaxPoolSize(concurrency);
        // Integer.MAX_VALUE, not -1: Camel's DefaultThreadPoolFactory makes a queue of size <= 0 a SynchronousQueue.
        profile.setMaxQueueSize(Integer.MAX_VALUE);
        profile.setRejectedPolicy(ThreadPoolRejectedPolicy.Abort);
        return camel.getExecutorServiceManager().newThreadPool(IntakeWiring.class, "onoffice-sender", profile);
    }
}
