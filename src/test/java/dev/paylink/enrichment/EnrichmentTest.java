package dev.paylink.enrichment;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.zaxxer.hikari.HikariDataSource;
import dev.paylink.intake.AcceptedRow;
import dev.paylink.ledger.FileRun;
import dev.paylink.ledger.Ledger;
import dev.paylink.ledger.TrackedLink;
import dev.paylink.ledger.TrackedLinks;
import dev.paylink.smartpay.LinkLookup;
import dev.paylink.smartpay.PaymentLinkSnapshot;
import dev.paylink.smartpay.PaymentStatusClass;
import dev.paylink.support.MutableClock;
import dev.paylink.support.TestDatabases;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The enrichment schedule on a clock the test moves: which links are due, how the interval grows and resets,
 * when polling stops, which events are written. The look-ups are scripted and a cycle is run in sequence here, the
 * steps the enrichment route runs in parallel (due, record each, endCycle); the route itself has EnrichmentRouteTest,
 * the SmartPay route SmartPayRouteTest.
 */
class EnrichmentTest {

    private static final Instant START = Instant.parse("2026-11-21T10:00:00Z");

    @TempDir
    Path outbox;

    private final MutableClock clock = new MutableClock(START);
    private final HikariDataSource db = TestDatabases.h2();
    private final Map<String, Function<String, LinkLookup>> script = new ConcurrentHashMap<>();
    private final AtomicInteger lookups = new AtomicInteger();
    private final Function<String, LinkLookup> provider = id -> {
        lookups.incrementAndGet();
        return script.getOrDefault(id, x -> new LinkLookup.NotFound("unknown " + x)).apply(id);
    };
    private Ledger ledger;
    private TrackedLinks links;
    private Enrichment enrichment;

    @BeforeEach
    void setUp() {
        Ledger.migrate(db);
        ledger = new Ledger(db, clock);
        links = new TrackedLinks(db);
        enrichment = new Enrichment(links, new dev.paylink.events.EventLog(outbox.resolve("events")),
                new PaymentReports(links, outbox), new EnrichmentSettings(4, 0, Duration.ofMinutes(5), Duration.ofHours(6),
                Duration.ofHours(24), 10_000), clock);
    }

    @AfterEach
    void tearDown() {
        db.close();
    }

    /** One cycle as routes/enrichment.camel.yaml runs it, in sequence: refused credentials leave the rest alone. */
    private Enrichment.CycleSummary runCycle() {
        Enrichment.Cycle cycle = enrichment.due();
        for (TrackedLink link : cycle.getLinks()) {
            if (!cycle.isRefused()) {
                enrichment.record(cycle, link, provider.apply(link.paymentLinkId()));
            }
        }
        return enrichment.endCycle(cycle);
    }

    private void track(String... ids) {
        FileRun run = ledger.beginRun("tracking.csv", String.valueOf(ids.length).repeat(64).substring(0, 64));
        List<AcceptedRow> rows = new ArrayList<>();
        for (int i = 0; i < ids.length; i++) {
            rows.add(new AcceptedRow(i + 2, "track:" + ids[i], null, null, ids[i]));
        }
        for (int from = 0; from < rows.size(); from += 1000) {
            ledger.accept(run, rows.subList(from, Math.min(rows.size(), from + 1000)), List.of());
        }
    }

    private static LinkLookup found(String id, String status, Instant expiry) {
        return new LinkLookup.Found(new PaymentLinkSnapshot(id, status, PaymentStatusClass.of(status), status == null ? null : "tx-" + id,
                new BigDecimal("149.00"), "EUR", expiry, "Erika Mustermann", "erika@example.invalid", "https://pay.invalid/" + id, null));
    }

    private List<JsonNode> events() throws Exception {
        Path folder = outbox.resolve("events");
        List<JsonNode> all = new ArrayList<>();
        if (!Files.isDirectory(folder)) {
            return all;
        }
        try (var files = Files.list(folder)) {
            for (Path f : files.sorted().toList()) {
                for (String line : Files.readAllLines(f)) {
                    all.add(new ObjectMapper().readTree(line));
                }
            }
        }
        return all;
    }

    @Test
    void aLinkIsLookedAtWhenDueAndLessOftenWhileNothingChanges() throws Exception {
        track("PL-1");
        script.put("PL-1", id -> found(id, "CREATED", START.plus(Duration.ofDays(30))));

        assertThat(runCycle().lookedUp()).isEqualTo(1);
        assertThat(links.find("PL-1")).get().extracting(TrackedLink::statusClass, TrackedLink::nextCheckAt)
                .containsExactly(PaymentStatusClass.PENDING, START.plus(Duration.ofMinutes(5)));

        clock.advance(Duration.ofMinutes(4));
        assertThat(runCycle().lookedUp()).as("not due yet").isZero();
        clock.advance(Duration.ofMinutes(1));
        runCycle();
        assertThat(links.find("PL-1").get().interval()).isEqualTo(Duration.ofMinutes(10));
        for (int i = 0; i < 10; i++) {
            clock.advance(links.find("PL-1").get().interval());
            runCycle();
        }
        assertThat(links.find("PL-1").get().interval()).isEqualTo(Duration.ofHours(6));
    }

    @Test
    void aChangeResetsTheIntervalAndIsAnEventAndPaidIsFinal() throws Exception {
        track("PL-1");
        String[] status = {null};
        script.put("PL-1", id -> found(id, status[0], START.plus(Duration.ofDays(30))));
        runCycle();
        clock.advance(Duration.ofMinutes(5));
        runCycle();
        assertThat(links.find("PL-1").get().interval()).isEqualTo(Duration.ofMinutes(10));

        status[0] = "AUTHORIZATION_COMPLETED";
        clock.advance(Duration.ofMinutes(10));
        assertThat(runCycle().changed()).isEqualTo(1);
        assertThat(links.find("PL-1").get().interval()).isEqualTo(Duration.ofMinutes(5));

        status[0] = "SETTLED";
        clock.advance(Duration.ofMinutes(5));
        runCycle();
        TrackedLink paid = links.find("PL-1").get();
        assertThat(paid.tracking()).isEqualTo(TrackedLinks.DONE);
        assertThat(paid.statusClass()).isEqualTo(PaymentStatusClass.PAID);
        assertThat(paid.amount()).isEqualByComparingTo("149.00");

        clock.advance(Duration.ofDays(2));
        int before = lookups.get();
        runCycle();
        assertThat(lookups.get()).as("a paid link is no longer polled").isEqualTo(before);

        assertThat(events()).extracting(e -> e.get("type").asText() + " " + e.at("/data/oldStatusClass").asText() + "->"
                + e.at("/data/newStatusClass").asText()).containsExactly(
                "payment.status_changed PENDING->AUTHORIZED", "payment.status_changed AUTHORIZED->PAID", "payment.paid AUTHORIZED->PAID");
        assertThat(events().get(2).get("id").asText()).hasSize(36);
        assertThat(events().get(2).at("/data/file").asText()).isEqualTo("tracking.csv");
        List<String> report = Files.readAllLines(outbox.resolve("tracking.payments.csv"));
        assertThat(report.get(1)).startsWith("2,track:PL-1,PL-1,DONE,SETTLED,PAID,149.00,EUR,");
    }

    @Test
    void anUnpaidLinkExpiresAtItsExpiryAndPollingStopsAfterTheGrace() throws Exception {
        track("PL-EXP");
        Instant expiry = START.plus(Duration.ofHours(1));
        script.put("PL-EXP", id -> found(id, "CREATED", expiry));
        runCycle();

        clock.advance(Duration.ofMinutes(61));
        runCycle();
        assertThat(links.find("PL-EXP").get()).extracting(TrackedLink::statusClass, TrackedLink::tracking)
                .containsExactly(PaymentStatusClass.EXPIRED, TrackedLinks.OPEN);
        assertThat(events()).extracting(e -> e.get("type").asText()).containsExactly("payment.status_changed", "payment.expired");

        // Within the grace it is still looked at; past it, once more, then never again.
        clock.setTo(expiry.plus(Duration.ofHours(24)).plusSeconds(1));
        runCycle();
        assertThat(links.find("PL-EXP").get().tracking()).isEqualTo(TrackedLinks.DONE);
        int before = lookups.get();
        clock.advance(Duration.ofDays(7));
        runCycle();
        assertThat(lookups.get()).isEqualTo(before);
    }

    @Test
    void theNextLookIsAtTheExpiryNotLongAfterIt() throws Exception {
        track("PL-SOON");
        script.put("PL-SOON", id -> found(id, null, START.plusSeconds(30)));
        runCycle();
        assertThat(links.find("PL-SOON").get().nextCheckAt()).isEqualTo(START.plusSeconds(31));
    }

    @Test
    void unknownStatusesAreKeptRawAndPolledOn() throws Exception {
        track("PL-ODD");
        script.put("PL-ODD", id -> found(id, "PARTIALLY_REFUNDED", START.plus(Duration.ofDays(30))));
        runCycle();
        assertThat(links.find("PL-ODD").get()).extracting(TrackedLink::statusRaw, TrackedLink::statusClass, TrackedLink::tracking)
                .containsExactly("PARTIALLY_REFUNDED", PaymentStatusClass.UNKNOWN, TrackedLinks.OPEN);
    }

    @Test
    void notFoundStopsPollingAndFailuresBackOff() throws Exception {
        track("PL-404", "PL-DOWN");
        script.put("PL-404", id -> new LinkLookup.NotFound("payment link not found (traceId t-1)"));
        script.put("PL-DOWN", id -> new LinkLookup.Failed("HTTP 503 after 3 attempts"));
        runCycle();

        assertThat(links.find("PL-404").get().tracking()).isEqualTo(TrackedLinks.NOT_FOUND);
        TrackedLink down = links.find("PL-DOWN").get();
        assertThat(down.failures()).isEqualTo(1);
        assertThat(down.nextCheckAt()).isEqualTo(START.plus(Duration.ofMinutes(5)));
        clock.advance(Duration.ofMinutes(5));
        runCycle();
        assertThat(links.find("PL-DOWN").get().nextCheckAt()).isEqualTo(START.plus(Duration.ofMinutes(15)));
        assertThat(Files.readString(outbox.resolve("tracking.payments.csv"))).contains("PL-404,NOT_FOUND").contains("HTTP 503");
    }

    @Test
    void refusedCredentialsStopTheCycleAndTheLinksStayDue() throws Exception {
        track("PL-A", "PL-B", "PL-C");
        script.put("PL-A", id -> new LinkLookup.AuthFailed(401, "Unauthorized"));
        script.put("PL-B", id -> new LinkLookup.AuthFailed(401, "Unauthorized"));
        script.put("PL-C", id -> new LinkLookup.AuthFailed(401, "Unauthorized"));
        Enrichment.CycleSummary summary = runCycle();

        assertThat(summary.paused()).isTrue();
        assertThat(lookups.get()).as("the first refusal ends the cycle").isEqualTo(1);
        assertThat(enrichment.paused()).isTrue();
        assertThat(links.due(clock.instant(), 10)).hasSize(3);

        script.put("PL-A", id -> found(id, "CREATED", null));
        script.put("PL-B", id -> found(id, "CREATED", null));
        script.put("PL-C", id -> found(id, "CREATED", null));
        assertThat(runCycle().lookedUp()).isEqualTo(3);
        assertThat(enrichment.paused()).isFalse();
    }

    @Test
    void aCycleCostsTheOpenLinksNotTheWholeLedger() throws Exception {
        String[] ids = new String[10_000];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = "PL-" + i;
            // 9,900 links reach a final state at their first look; 100 stay pending.
            script.put(ids[i], i < 9_900 ? id -> found(id, "SETTLED", null) : id -> found(id, "CREATED", null));
        }
        track(ids);
        runCycle();
        assertThat(links.open()).isEqualTo(100);

        clock.advance(Duration.ofMinutes(5));
        int before = lookups.get();
        runCycle();
        assertThat(lookups.get() - before).isEqualTo(100);
    }
}
