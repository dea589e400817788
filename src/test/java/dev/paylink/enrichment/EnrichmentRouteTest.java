package dev.paylink.enrichment;

import static dev.paylink.smartpay.FakeSmartPay.Reply.json;
import static dev.paylink.smartpay.FakeSmartPay.replies;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariDataSource;
import dev.paylink.config.PaylinkSettings;
import dev.paylink.config.SettingsFunction;
import dev.paylink.events.EventLog;
import dev.paylink.intake.AcceptedRow;
import dev.paylink.ledger.FileRun;
import dev.paylink.ledger.Ledger;
import dev.paylink.ledger.TrackedLinks;
import dev.paylink.smartpay.FakeSmartPay;
import dev.paylink.smartpay.FakeSmartPay.Received;
import dev.paylink.smartpay.SmartPayRoute;
import dev.paylink.support.MutableClock;
import dev.paylink.support.RouteContext;
import dev.paylink.support.TestDatabases;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * routes/enrichment.camel.yaml with routes/smartpay.camel.yaml as the app wires them (EnrichmentWiring), SmartPay on
 * 127.0.0.1: the Throttle EIP spaces the requests, the "enrichment" thread pool profile bounds the look-ups in flight,
 * and refused credentials end the cycle.
 */
class EnrichmentRouteTest {

    private static final Instant START = Instant.parse("2026-11-21T10:00:00Z");

    @TempDir
    Path data;

    private final MutableClock clock = new MutableClock(START);
    private final HikariDataSource db = TestDatabases.h2();
    private FakeSmartPay fake;
    private CamelContext camel;
    private TrackedLinks links;

    @BeforeEach
    void start() throws Exception {
        fake = FakeSmartPay.start();
        Ledger.migrate(db);
        links = new TrackedLinks(db);
    }

    @AfterEach
    void stop() {
        if (camel != null) {
            camel.stop();
        }
        fake.close();
        db.close();
    }

    private PaylinkSettings app(String... more) throws Exception {
        Map<String, String> s = new LinkedHashMap<>(SmartPayRoute.settings(fake, "basic", 3, "paylink.smartpay.backoff", "10ms",
                // never fires here: the test runs each cycle itself
                "paylink.smartpay.cron", "0 0 0 1 1 ? 2099"));
        for (int i = 0; i < more.length; i += 2) {
            s.put(more[i], more[i + 1]);
        }
        camel = RouteContext.camel(data, s);
        PaylinkSettings config = RouteContext.settings(camel);
        EnrichmentWiring.wire(camel, config, db, new EventLog(data.resolve("events")), clock);
        RouteContext.routes(camel, "enrichment", "smartpay");
        camel.start();
        return config;
    }

    private void track(int n) {
        Ledger ledger = new Ledger(db, clock);
        FileRun run = ledger.beginRun("tracking.csv", "a".repeat(64));
        List<AcceptedRow> rows = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            rows.add(new AcceptedRow(i + 1, "track:PL-" + i, null, null, "PL-" + i));
        }
        ledger.accept(run, rows, List.of());
    }

    private static FakeSmartPay.Reply found(Received request) {
        String id = request.rawPath().substring(request.rawPath().lastIndexOf('/') + 1);
        return json(200, "{\"id\":\"" + id + "\",\"latestTransactionStatus\":\"CREATED\"}");
    }

    private Enrichment.CycleSummary cycle(ProducerTemplate template) {
        return template.requestBody("direct:enrichment-cycle", null, Enrichment.CycleSummary.class);
    }

    @Test
    void theThrottleSpacesTheRequests() throws Exception {
        track(6);
        fake.on("/payment-links/", EnrichmentRouteTest::found);
        app("paylink.smartpay.concurrency", "4", "paylink.smartpay.max-requests-per-second", "5");

        long started = System.nanoTime();
        Enrichment.CycleSummary summary = cycle(camel.createProducerTemplate());
        long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);

        assertThat(summary.lookedUp()).isEqualTo(6);
        assertThat(fake.requests()).hasSize(6);
        // One request per 200 ms although four could go at once: the 6th leaves 5 x 200 ms after the 1st at the earliest.
        // (The cycle's duration, not the gaps between arrivals at the server, which the way there blurs on a busy machine.)
        assertThat(tookMillis).isGreaterThanOrEqualTo(5 * 200 - 20);
        List<Long> arrivals = fake.requests().stream().map(Received::nanos).sorted().toList();
        assertThat(TimeUnit.NANOSECONDS.toMillis(arrivals.get(5) - arrivals.get(0))).as("the requests are spread, not a burst")
                .isGreaterThanOrEqualTo(600);
    }

    @Test
    void aRateIsSpacedRoundedUpAndZeroIsNoThrottle() throws Exception {
        PaylinkSettings config = app("paylink.smartpay.max-requests-per-second", "0.5");
        SettingsFunction f = new SettingsFunction(config);
        assertThat(f.apply("paylink.smartpay.request-spacing")).isEqualTo("2000");
        assertThat(f.apply("paylink.smartpay.throttled")).isEqualTo("true");
        camel.stop();
        assertThat(new SettingsFunction(app("paylink.smartpay.max-requests-per-second", "3")).apply("paylink.smartpay.request-spacing"))
                .as("3 per second: never more, so 334 ms").isEqualTo("334");
        camel.stop();
        assertThat(new SettingsFunction(app("paylink.smartpay.max-requests-per-second", "0")).apply("paylink.smartpay.throttled"))
                .isEqualTo("false");
    }

    @Test
    void thePoolBoundsTheLookUpsInFlight() throws Exception {
        track(10);
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        CountDownLatch release = new CountDownLatch(1);
        fake.on("/payment-links/", request -> {
            most.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            try {
                release.await(20, TimeUnit.SECONDS);
                return found(request);
            } finally {
                inFlight.decrementAndGet();
            }
        });
        app("paylink.smartpay.concurrency", "3", "paylink.smartpay.max-requests-per-second", "0");

        CompletableFuture<Object> running = camel.createProducerTemplate().asyncRequestBody("direct:enrichment-cycle", null);
        await().atMost(Duration.ofSeconds(10)).until(() -> fake.requests().size() == 3);
        // while those three are held, no fourth look-up starts
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2)).until(() -> fake.requests().size() == 3);
        release.countDown();
        Enrichment.CycleSummary summary = (Enrichment.CycleSummary) running.get(20, TimeUnit.SECONDS);

        assertThat(summary.lookedUp()).isEqualTo(10);
        assertThat(most.get()).isEqualTo(3);
        assertThat(fake.requests()).hasSize(10);
        assertThat(links.due(clock.instant(), 100)).isEmpty();
    }

    @Test
    void refusedCredentialsStopTheRestOfTheCycle() throws Exception {
        track(5);
        fake.on("/payment-links/", replies(json(401, "{\"message\":\"Unauthorized\"}")));
        app("paylink.smartpay.concurrency", "1", "paylink.smartpay.max-requests-per-second", "0");
        Enrichment enrichment = camel.getRegistry().lookupByNameAndType("enrichment", Enrichment.class);

        Enrichment.CycleSummary summary = cycle(camel.createProducerTemplate());

        assertThat(summary.paused()).isTrue();
        assertThat(summary.lookedUp()).isEqualTo(1);
        assertThat(enrichment.paused()).isTrue();
        assertThat(fake.requests()).as("nothing more is asked once the credentials are refused").hasSize(1);
        // Links the cycle took and did not look up are let go at its end: due again at once, for any instance's next cycle.
        assertThat(links.due(clock.instant(), 100)).hasSize(5);
        links.release();

        fake.on("/payment-links/", EnrichmentRouteTest::found);
        assertThat(cycle(camel.createProducerTemplate()).lookedUp()).isEqualTo(5);
        assertThat(enrichment.paused()).isFalse();
        assertThat(fake.requests().stream().map(Received::rawPath).sorted(Comparator.naturalOrder()).distinct()).hasSize(5);
    }
}
