package dev.paylink.sandbox;

import static dev.paylink.config.Wiring.onStop;

import dev.paylink.config.PaylinkSettings;
import dev.paylink.config.Sandbox;
import dev.paylink.delivery.MailSettings;
import dev.paylink.delivery.WebhookEndpoint;
import dev.paylink.smartml.OnOfficeSettings;
import dev.paylink.smartml.SmartmlCredentials;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.apache.camel.CamelContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the built-in simulators on 127.0.0.1 and points the settings at them: onOffice (its own fake token and secret),
 * SmartPay (polled every few seconds so the demo shows links moving to PAID), an SMTP capture saving .eml files (unless
 * a mail host is configured) and a signature-checking webhook receiver (unless an endpoint is configured).
 */
public final class SandboxWiring implements Sandbox {

    private static final Logger LOG = LoggerFactory.getLogger(SandboxWiring.class);
    /** Where the demo's mails go when no recipient is configured. */
    static final String DEMO_RECIPIENT = "backoffice@sandbox.invalid";

    @Override
    public PaylinkSettings start(CamelContext camel, PaylinkSettings config, boolean webhooksConfigured) throws Exception {
        Clock clock = Clock.systemUTC();
        config = onOffice(camel, config, clock);
        config = smartPay(camel, config);
        config = mail(camel, config);
        if (!webhooksConfigured) {
            config = webhooks(camel, config);
        }
        Path inbox = Files.createDirectories(config.folders().inbox());
        SandboxExamples.drop(config.sandbox().examples(), inbox);
        return config;
    }

    private static PaylinkSettings onOffice(CamelContext camel, PaylinkSettings config, Clock clock) throws Exception {
        PaylinkSettings.OnOffice o = config.onOffice();
        OnOfficeSettings c = o.connection();
        // The simulator answers slower than the client waits for its "slow answer" transaction id.
        OnOfficeSimulator simulator = new OnOfficeSimulator(OnOfficeSimulator.SANDBOX_TOKEN, OnOfficeSimulator.SANDBOX_SECRET, clock,
                c.requestTimeout().plusSeconds(2));
        URI url = simulator.start();
        onStop(camel, "onOffice simulator", simulator::close);
        camel.getRegistry().bind("onOfficeSimulator", simulator);
        LOG.warn("SANDBOX MODE: links are created by the built-in onOffice simulator at {}, not by onOffice", url);
        return config.with(new PaylinkSettings.OnOffice(new OnOfficeSettings(url, c.connectTimeout(), c.requestTimeout(), c.connectAttempts(),
                c.connectBackoff()), new SmartmlCredentials(OnOfficeSimulator.SANDBOX_TOKEN, OnOfficeSimulator.SANDBOX_SECRET), o.batchSize(),
                o.concurrency(), o.pauseRetry(), o.outageRetry()));
    }

    private static PaylinkSettings smartPay(CamelContext camel, PaylinkSettings config) throws Exception {
        PaylinkSettings.SmartPay p = config.smartPay();
        SmartPaySimulator simulator = new SmartPaySimulator();
        URI url = simulator.start();
        onStop(camel, "SmartPay simulator", simulator::close);
        camel.getRegistry().bind("smartPaySimulator", simulator);
        Duration interval = config.sandbox().smartPayInterval();
        LOG.warn("SANDBOX MODE: payment links are looked up at the built-in SmartPay simulator at {}, {} auth", url,
                p.auth().name().toLowerCase(Locale.ROOT));
        return config.with(new PaylinkSettings.SmartPay(p.enabled(), true, p.why(), url, p.auth(), SmartPaySimulator.SANDBOX_MERCHANT_KEY,
                new PaylinkSettings.Secret(SmartPaySimulator.SANDBOX_AUTHENTICATION_KEY), SmartPaySimulator.SANDBOX_CLIENT_ID,
                new PaylinkSettings.Secret(SmartPaySimulator.SANDBOX_CLIENT_SECRET), simulator.tokenUrl(), SmartPaySimulator.SANDBOX_ORIGIN,
                p.userAgent(), config.sandbox().smartPayCron(), p.concurrency(), p.maxRequestsPerSecond(), p.maxLinksPerCycle(), interval,
                interval.multipliedBy(4), p.graceAfterExpiry(), p.fetchPaymentStatus(), p.connectTimeout(), p.readTimeout(), p.attempts(),
                Duration.ofMillis(200)));
    }

    private static PaylinkSettings mail(CamelContext camel, PaylinkSettings config) throws Exception {
        PaylinkSettings.Mail m = config.mail();
        String to = m.to() == null ? DEMO_RECIPIENT : m.to();
        if (m.on()) {
            return config.with(new PaylinkSettings.Mail(m.host(), m.port(), m.security(), m.username(), m.password(), m.from(), to, m.toByType(),
                    m.connectTimeout(), m.readTimeout(), m.allowPlainAuth()));
        }
        Path folder = config.folders().outbox().resolve("mail");
        SmtpCapture capture = new SmtpCapture(folder);
        onStop(camel, "SMTP capture", capture::close);
        camel.getRegistry().bind("smtpCapture", capture);
        LOG.warn("SANDBOX MODE: mails go to the built-in SMTP capture on 127.0.0.1:{} and are saved in {}", capture.port(), folder);
        return config.with(new PaylinkSettings.Mail("127.0.0.1", capture.port(), MailSettings.Security.NONE, null, null, m.from(), to,
                m.toByType(), m.connectTimeout(), m.readTimeout(), false));
    }

    private static PaylinkSettings webhooks(CamelContext camel, PaylinkSettings config) throws Exception {
        WebhookReceiver receiver = new WebhookReceiver();
        String url = receiver.start().toString();
        onStop(camel, "webhook receiver", receiver::close);
        camel.getRegistry().bind("webhookReceiver", receiver);
        LOG.warn("SANDBOX MODE: webhooks go to the built-in receiver at {}, which checks every signature", url);
        PaylinkSettings.Webhook w = config.webhook();
        return config.with(new PaylinkSettings.Webhook(w.urls(), w.secret(), w.connectTimeout(), w.timeout(),
                List.of(new WebhookEndpoint("sandbox", url, WebhookReceiver.SANDBOX_SECRET, null, null, List.of()))));
    }
}
