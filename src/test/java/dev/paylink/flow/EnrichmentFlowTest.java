package dev.paylink.flow;

import static dev.paylink.support.Drops.awaitSummary;
import static dev.paylink.support.Drops.drop;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.paylink.ledger.TrackedLink;
import dev.paylink.ledger.TrackedLinks;
import dev.paylink.sandbox.SmartPaySimulator;
import dev.paylink.smartpay.PaymentStatusClass;
import dev.paylink.support.PaylinkApp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Sandbox mode end to end: tracked links are enriched on the Quartz schedule and move to their final states. */
class EnrichmentFlowTest {

    @TempDir
    Path data;

    @Test
    void trackedLinksAreEnrichedOnTheScheduleAndPaymentsBecomeEvents() throws Exception {
        try (PaylinkApp app = PaylinkApp.start(data, Map.of("paylink.sandbox", "true", "paylink.smartpay.auth", "oauth2",
                "paylink.sandbox.smartpay-cron", "0/1 * * * * ?", "paylink.sandbox.smartpay-interval", "1s"))) {
            drop(app.inbox(), "tracking.csv", "paymentLinkId,reference\nPL-PAID-FLOW,T-1\nPL-CANCELLED,T-2\nPL-404,T-3\nPL-ODD,T-4\n");
            assertThat(awaitSummary(app.outbox(), "tracking").at("/counts/TRACKED").asInt()).isEqualTo(4);

            TrackedLinks links = app.bean("trackedLinks", TrackedLinks.class);
            await().atMost(Duration.ofSeconds(30)).until(() -> links.find("PL-PAID-FLOW").map(TrackedLink::statusClass).orElse(null)
                    == PaymentStatusClass.PAID);
            await().atMost(Duration.ofSeconds(10)).until(() -> TrackedLinks.NOT_FOUND.equals(links.find("PL-404").get().tracking()));
            assertThat(links.find("PL-PAID-FLOW").get().tracking()).isEqualTo(TrackedLinks.DONE);
            assertThat(links.find("PL-CANCELLED").get().statusClass()).isEqualTo(PaymentStatusClass.CANCELLED);
            assertThat(links.find("PL-ODD").get()).extracting(TrackedLink::statusRaw, TrackedLink::statusClass)
                    .containsExactly("PARTIALLY_REFUNDED", PaymentStatusClass.UNKNOWN);
            assertThat(links.find("PL-PAID-FLOW").get().consumerEmail()).isNotBlank();

            Path events;
            try (var files = Files.list(app.outbox().resolve("events"))) {
                events = files.findFirst().orElseThrow();
            }
            List<String> lines = Files.readAllLines(events);
            assertThat(lines).anyMatch(l -> l.contains("\"type\":\"payment.paid\"") && l.contains("PL-PAID-FLOW"));
            assertThat(lines).filteredOn(l -> l.contains("payment.status_changed") && l.contains("PL-PAID-FLOW")).hasSize(3);
            await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(app.outbox().resolve("tracking.payments.csv")));
            assertThat(app.bean("smartPaySimulator", SmartPaySimulator.class).tokenRequests()).isEqualTo(1);
            // Each look-up counted by its outcome (README "Health and metrics").
            io.micrometer.core.instrument.MeterRegistry meters = app.camel().getRegistry()
                    .findSingleByType(io.micrometer.core.instrument.MeterRegistry.class);
            assertThat(meters.counter("paylink.enrichment.requests", "outcome", "found").count()).isGreaterThanOrEqualTo(3);
            assertThat(meters.counter("paylink.enrichment.requests", "outcome", "not_found").count()).isEqualTo(1);
        }
    }

    @Test
    void aCyclesClaimsAreNamedAfterTheConfiguredInstanceId() throws Exception {
        // The schedule far off: the test asks for the due links itself, through the app's own TrackedLinks.
        try (PaylinkApp app = PaylinkApp.start(data, Map.of("paylink.sandbox", "true", "paylink.cluster.instance-id", "node-7",
                "paylink.sandbox.smartpay-cron", "0 0 0 1 1 ? 2099"))) {
            drop(app.inbox(), "tracking.csv", "paymentLinkId,reference\nPL-CLAIMED,T-1\n");
            assertThat(awaitSummary(app.outbox(), "tracking").at("/counts/TRACKED").asInt()).isEqualTo(1);

            assertThat(app.bean("trackedLinks", TrackedLinks.class).due(Instant.now().plus(Duration.ofDays(1)), 10))
                    .extracting(TrackedLink::paymentLinkId).containsExactly("PL-CLAIMED");
            // One name per instance in the ledger, as the file locks and the rows sent have it (host/pid before).
            assertThat(app.ledgerValue("SELECT claimed_by FROM payment_link WHERE payment_link_id = 'PL-CLAIMED'")).startsWith("node-7#");
        }
    }
}
