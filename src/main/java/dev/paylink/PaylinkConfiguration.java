package dev.paylink;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.paylink.flow.BatchSender;
import dev.paylink.flow.FileIntake;
import dev.paylink.flow.FileReports;
import dev.paylink.flow.IntakeGate;
import dev.paylink.flow.SendQueue;
import dev.paylink.intake.IntakeSettings;
import dev.paylink.ledger.Ledger;
import dev.paylink.sandbox.OnOfficeSimulator;
import dev.paylink.smartml.OnOfficeSettings;
import dev.paylink.smartml.SmartmlClient;
import dev.paylink.smartml.SmartmlCredentials;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.regex.Pattern;
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
        Settings s = new Settings(camel.getPropertiesComponent());
        Registry registry = camel.getRegistry();
        Clock clock = Clock.systemUTC();

        Path data = folder(s, "paylink.data");
        Path inbox = folder(s, "paylink.inbox");
        Path outbox = folder(s, "paylink.outbox");
        Path archive = folder(s, "paylink.archive");
        Path error = folder(s, "paylink.error");

        // Ledger first: nothing may be read before the place to record it exists.
        HikariDataSource dataSource = dataSource(s, data);
        onStop(camel, "ledger connection pool", dataSource::close);
        Ledger.migrate(dataSource);
        Ledger ledger = new Ledger(dataSource, clock);
        registry.bind("ledgerDataSource", dataSource);
        registry.bind("ledger", ledger);

        OnOfficeSettings onOffice = new OnOfficeSettings(URI.create(s.string("paylink.onoffice.url")),
                s.duration("paylink.onoffice.connect-timeout"), s.duration("paylink.onoffice.request-timeout"),
                s.positiveInt("paylink.onoffice.connect-attempts"), s.duration("paylink.onoffice.connect-backoff"));
        SmartmlCredentials credentials;
        if (s.bool("paylink.sandbox")) {
            // The simulator answers slower than the client waits for its "slow answer" transaction id.
            OnOfficeSimulator simulator = new OnOfficeSimulator(OnOfficeSimulator.SANDBOX_TOKEN, OnOfficeSimulator.SANDBOX_SECRET,
                    clock, onOffice.requestTimeout().plusSeconds(2));
            URI url = simulator.start();
            onStop(camel, "onOffice simulator", simulator::close);
            registry.bind("onOfficeSimulator", simulator);
            onOffice = new OnOfficeSettings(url, onOffice.connectTimeout(), onOffice.requestTimeout(), onOffice.connectAttempts(), onOffice.connectBackoff());
            credentials = new SmartmlCredentials(OnOfficeSimulator.SANDBOX_TOKEN, OnOfficeSimulator.SANDBOX_SECRET);
            LOG.warn("SANDBOX MODE: links are created by the built-in onOffice simulator at {}, not by onOffice", url);
            var examples = s.optional("paylink.sandbox.examples").map(Path::of).filter(Files::isDirectory);
            if (examples.isPresent()) {
                copyExamples(examples.get(), inbox);
            }
        } else {
            credentials = credentials(s);
        }

        int batchSize = s.positiveInt("paylink.onoffice.batch-size");
        int concurrency = s.positiveInt("paylink.onoffice.concurrency");
        Duration progress = s.duration("paylink.intake.progress-interval");
        IntakeGate gate = new IntakeGate(clock, s.duration("paylink.onoffice.pause-retry"), s.duration("paylink.intake.retry-backoff"));
        SmartmlClient client = new SmartmlClient(onOffice, credentials, clock);

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
        registry.bind("fileIntake", new FileIntake(ledger, intakeSettings(s), progress, clock));
        registry.bind("sendQueue", new SendQueue(ledger, gate, batchSize, progress));
        registry.bind("batchSender", new BatchSender(ledger, client, gate, credentials.maskedToken()));
        registry.bind("fileReports", new FileReports(ledger, gate, outbox, archive, error, clock));
        registry.bind("onofficeSenders", senders(camel, concurrency));

        LOG.info("onOffice {} as token {}, {} actions per request, {} requests at once; ledger {}; inbox {}",
                onOffice.url(), credentials.maskedToken(), batchSize, concurrency, dataSource.getJdbcUrl().replaceAll("[?;].*", ""), inbox);
    }

    /** The demo: the example files go into the inbox (under a temporary name first, like any careful producer). */
    private static void copyExamples(Path examples, Path inbox) throws IOException {
        try (var files = Files.list(examples)) {
            for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                Path tmp = inbox.resolve("." + f.getFileName() + ".tmp");
                Files.copy(f, tmp, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                Files.move(tmp, inbox.resolve(f.getFileName()), java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                LOG.info("SANDBOX MODE: dropped example {} into {}", f.getFileName(), inbox);
            }
        }
    }

    /** A pool of exactly {@code concurrency} senders whose queue is as short, so the split reads ahead only that far. */
    private ExecutorService senders(CamelContext camel, int concurrency) {
        ThreadPoolProfile profile = new ThreadPoolProfile("onoffice-senders");
        profile.setPoolSize(concurrency);
        profile.setMaxPoolSize(concurrency);
        profile.setMaxQueueSize(concurrency);
        profile.setRejectedPolicy(org.apache.camel.util.concurrent.ThreadPoolRejectedPolicy.CallerRuns);
        return camel.getExecutorServiceManager().newThreadPool(this, "onoffice-sender", profile);
    }

    private static IntakeSettings intakeSettings(Settings s) {
        return new IntakeSettings(Charset.forName(s.string("paylink.intake.charset")),
                s.optional("paylink.intake.fallback-charset").map(Charset::forName).orElse(null),
                Locale.forLanguageTag(s.string("paylink.intake.locale")), s.decimal("paylink.intake.max-price-net"),
                s.bool("paylink.intake.send-mail-default"), s.positiveInt("paylink.intake.max-description-length"),
                Pattern.compile(s.string("paylink.intake.transactionid-pattern")));
    }

    /** Token and secret from the environment / configuration, or from a properties file outside the repository. */
    private static SmartmlCredentials credentials(Settings s) throws IOException {
        String token = s.optional("paylink.onoffice.token").orElse(null);
        String secret = s.optional("paylink.onoffice.secret").orElse(null);
        var file = s.optional("paylink.onoffice.secrets-file");
        if (file.isPresent()) {
            Properties p = new Properties();
            try (InputStream in = Files.newInputStream(Path.of(file.get()))) {
                p.load(in);
            }
            token = token != null ? token : p.getProperty("paylink.onoffice.token");
            secret = secret != null ? secret : p.getProperty("paylink.onoffice.secret");
        }
        if (token == null || secret == null) {
            throw new IllegalStateException("no onOffice credentials: set PAYLINK_ONOFFICE_TOKEN and PAYLINK_ONOFFICE_SECRET "
                    + "(or paylink.onoffice.secrets-file), or run with paylink.sandbox=true for the built-in simulator");
        }
        return new SmartmlCredentials(token.strip(), secret.strip());
    }

    private static HikariDataSource dataSource(Settings s, Path data) {
        HikariConfig config = new HikariConfig();
        config.setPoolName("ledger");
        config.setJdbcUrl(s.optional("paylink.ledger.url").orElse("jdbc:h2:file:" + data.toAbsolutePath().resolve("ledger") + ";DB_CLOSE_ON_EXIT=FALSE"));
        config.setUsername(s.optional("paylink.ledger.username").orElse(null));
        config.setPassword(s.optional("paylink.ledger.password").orElse(null));
        config.setMaximumPoolSize(s.positiveInt("paylink.ledger.pool-size"));
        return new HikariDataSource(config);
    }

    private static Path folder(Settings s, String key) throws IOException {
        return Files.createDirectories(Path.of(s.string(key)));
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
