package dev.paylink.flow;

import com.zaxxer.hikari.HikariDataSource;
import dev.paylink.intake.AcceptedRow;
import dev.paylink.ledger.FileRun;
import dev.paylink.ledger.Ledger;
import dev.paylink.ledger.LedgerEntry;
import dev.paylink.ledger.ResultLine;
import dev.paylink.smartml.PaymentLinkRequest;
import dev.paylink.smartml.Smartml;
import dev.paylink.smartml.SmartmlCredentials;
import dev.paylink.support.TestDatabases;
import java.math.BigDecimal;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.spi.PropertiesFunction;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;

/**
 * routes/onoffice.camel.yaml as it runs in the app, alone in a CamelContext of its own: the real route, the real beans, an
 * H2 ledger, and onOffice at {@code url} (a stub on 127.0.0.1). Settings as {@code {{settings:...}}} gives them, in ms.
 */
final class OnOfficeRoute implements AutoCloseable {

    static final String TOKEN = "testtoken";
    static final String SECRET = "testsecret";

    final HikariDataSource db = TestDatabases.h2();
    final Ledger ledger;
    final IntakeGate gate;
    final CamelContext camel = new DefaultCamelContext();
    final ProducerTemplate template;
    final Map<String, String> settings = new HashMap<>();
    private FileRun run;
    private int rows;

    OnOfficeRoute(URI url, Clock clock, BiFunction<HikariDataSource, Clock, Ledger> ledgerOf, Map<String, String> overrides) throws Exception {
        Ledger.migrate(db);
        ledger = ledgerOf.apply(db, Clock.systemUTC());
        gate = new IntakeGate(Clock.systemUTC(), Duration.ofMinutes(5), Duration.ofMillis(200), Duration.ofSeconds(30));
        settings.put("paylink.onoffice.url", url.toString());
        settings.put("paylink.onoffice.connect-timeout", "1000");
        settings.put("paylink.onoffice.request-timeout", "2000");
        settings.put("paylink.onoffice.connect-redeliveries", "2");
        settings.put("paylink.onoffice.connect-backoff", "100");
        settings.put("paylink.onoffice.connections", "3");
        settings.putAll(overrides);
        camel.getPropertiesComponent().addPropertiesFunction(new PropertiesFunction() {
            @Override
            public String getName() {
                return "settings";
            }

            @Override
            public String apply(String remainder) {
                return settings.get(remainder.strip());
            }
        });
        Smartml smartml = new Smartml(new SmartmlCredentials(TOKEN, SECRET), clock, url, Duration.ofMillis(Long.parseLong(settings.get("paylink.onoffice.request-timeout"))));
        template = camel.createProducerTemplate();
        BatchSender sender = new BatchSender(ledger, smartml, gate, new Watchdog(Clock.systemUTC(), Duration.ofMinutes(3), gate), "te****en",
                Integer.parseInt(settings.get("paylink.onoffice.connect-redeliveries")) + 1, template);
        camel.getRegistry().bind("intakeGate", gate);
        camel.getRegistry().bind("smartml", smartml);
        camel.getRegistry().bind("batchSender", sender);
        camel.getRegistry().bind("resignBatch", (Processor) sender::resign);
        // As application.properties sets it for the app (camel.component.http.*): HttpClient never re-sends on its own.
        org.apache.camel.component.http.HttpComponent http = camel.getComponent("http", org.apache.camel.component.http.HttpComponent.class);
        http.setAutomaticRetriesDisabled(true);
        http.setRedirectHandlingDisabled(true);
        PluginHelper.getRoutesLoader(camel).loadRoutes(ResourceHelper.resolveResource(camel, "classpath:routes/onoffice.camel.yaml"));
    }

    static OnOfficeRoute start(URI url, Clock clock) throws Exception {
        return start(url, clock, Map.of());
    }

    static OnOfficeRoute start(URI url, Clock clock, Map<String, String> overrides) throws Exception {
        return start(url, clock, Ledger::new, overrides);
    }

    static OnOfficeRoute start(URI url, Clock clock, BiFunction<HikariDataSource, Clock, Ledger> ledgerOf, Map<String, String> overrides)
            throws Exception {
        OnOfficeRoute route = new OnOfficeRoute(url, clock, ledgerOf, overrides);
        route.camel.start();
        return route;
    }

    BatchSender sender() {
        return camel.getRegistry().lookupByNameAndType("batchSender", BatchSender.class);
    }

    /** {@code n} rows accepted into the ledger (RECEIVED), keys k1..kn, as the sender gets them. */
    List<LedgerEntry> claim(int n) {
        if (run == null) {
            run = ledger.beginRun("a.csv", "0".repeat(64));
        }
        List<AcceptedRow> accepted = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            rows++;
            accepted.add(new AcceptedRow(rows + 1, "k" + rows, new PaymentLinkRequest(String.valueOf(1100135696 + rows),
                    new BigDecimal(rows + ".00"), "Posten " + rows, false), null, null));
        }
        ledger.accept(run, accepted, List.of());
        return ledger.nextToSend(run, rows + 1 - n, n);
    }

    FileRun run() {
        return run;
    }

    /** One batch through direct:onoffice-batch, as the intake's split sends it. */
    Exchange send(List<LedgerEntry> batch) {
        return template.send("direct:onoffice-batch", ex -> ex.getIn().setBody(new Batch("a.csv", batch)));
    }

    ResultLine entry(String key) {
        return ledger.entry(key).orElseThrow();
    }

    @Override
    public void close() {
        camel.stop();
        db.close();
    }
}
