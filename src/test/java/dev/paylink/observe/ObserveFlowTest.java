package dev.paylink.observe;

import static dev.paylink.support.Drops.awaitSummary;
import static dev.paylink.support.Drops.drop;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.paylink.ledger.Deliveries;
import dev.paylink.sandbox.OnOfficeSimulator;
import dev.paylink.support.PaylinkApp;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole app, asked over real HTTP on 127.0.0.1 as an orchestrator and Prometheus would: healthy, paused, with a dead
 * letter; metrics that move as files are processed; and not one secret in any answer.
 */
class ObserveFlowTest {

    private static final String TOKEN = "obsTOKEN000000000000000000000001";
    private static final String WRONG_TOKEN = "WRONGtoken00000000000000000000zq";
    private static final String SECRET = "obsSECRET".repeat(7);
    private static final String OTHER_SECRET = "s3cr3t-" + "w".repeat(20);
    private static final String HOOK_PASSWORD = "hookpass-" + "v".repeat(12);
    private static final String ROWS = "transactionid,priceNet,description\n1100135697,10.00,a\n1100135698,11.00,b\n1100135699,12.00,c\n"
            + "not-a-number,1.00,d\n";
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Every way of asking for more detail the management server offers. */
    private static final String ALL_DETAILS = "?exposureLevel=full&data=true&stackTrace=true";

    @TempDir
    Path data;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private OnOfficeSimulator onOffice;
    private int port;

    @AfterEach
    void stop() {
        if (onOffice != null) {
            onOffice.close();
        }
    }

    private PaylinkApp sandbox() throws Exception {
        port = freePort();
        return PaylinkApp.start(data, Map.of("paylink.sandbox", "true", "camel.management.port", String.valueOf(port),
                "paylink.observe.counts-cache", "200ms"));
    }

    @Test
    void aHealthySandboxIsUpAndItsRowsMoveInTheMetrics() throws Exception {
        try (PaylinkApp app = sandbox()) {
            // Camel's consumer checks are DOWN until each file consumer has polled once.
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(get("/observe/health").statusCode()).isEqualTo(200));
            assertThat(get("/observe/health/ready").statusCode()).isEqualTo(200);
            assertThat(get("/observe/health/live").statusCode()).isEqualTo(200);
            JsonNode full = JSON.readTree(get("/observe/health" + ALL_DETAILS).body());
            for (String name : List.of("ledger", "sending", "delivery", "smartpay")) {
                assertThat(check(full, name).path("status").asText()).as(name).isEqualTo("UP");
            }
            assertThat(check(full, "sending").at("/data/paused").asBoolean(true)).isFalse();
            // Liveness holds only the checks that a restart could fix: not sending, delivery or smartpay.
            JsonNode live = JSON.readTree(get("/observe/health/live" + ALL_DETAILS).body());
            assertThat(names(live)).contains("ledger").doesNotContain("sending", "delivery", "smartpay");

            String before = metrics();
            assertThat(gauge(before, "paylink_rows{status=\"CREATED\"}")).isZero();
            assertThat(before).contains("paylink_sending_paused{kind=\"outage\"} 0.0", "paylink_tracked_links_open 0.0",
                    "paylink_deliveries{output=\"webhook\",state=\"DEAD\"} 0.0", "paylink_uncertain_open 0.0", "jvm_memory_used_bytes");

            drop(app.inbox(), "orders.csv", ROWS);
            awaitSummary(app.outbox(), "orders");
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                String after = metrics();
                assertThat(gauge(after, "paylink_rows{status=\"CREATED\"}")).isEqualTo(3);
                assertThat(gauge(after, "paylink_rows{status=\"INVALID\"}")).isEqualTo(1);
            });
            // Every paylink_* series of the Grafana dashboard is served (the enrichment counter comes with the SmartPay route).
            String served = metrics();
            GrafanaDashboardTest.metricNames().stream().filter(n -> n.startsWith("paylink_") || n.startsWith("jvm_"))
                    .filter(n -> !n.equals("paylink_enrichment_requests_total"))
                    .forEach(n -> assertThat(served).as(n).containsPattern("(?m)^" + n + "[{ ]"));
            // camel-micrometer's own series, with the histogram buckets latency panels need: the file.completed mail sent to the
            // sandbox's SMTP capture (an exchange sent to an endpoint) sits beside consumer timers of the same name, and a
            // scrape still works.
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(metrics()).contains("camel_exchanges_total{",
                    "routeId=\"intake\"", "camel_route_policy_seconds_bucket{", "camel_exchange_event_notifier_seconds_bucket{",
                    "eventType=\"ExchangeSentEvent\"", "eventType=\"ExchangeCompletedEvent\""));

            // A dead letter: the delivery check turns not-ready and says where; liveness stays up.
            Deliveries deliveries = app.bean("deliveries", Deliveries.class);
            Instant now = Instant.now();
            // An output no dispatcher serves, so nothing delivers it before it is marked dead.
            deliveries.enqueue(List.of(new Deliveries.Request("obs-test-1", "file.completed", "sms", "backoffice", "{}")), now);
            deliveries.dead(deliveries.all("sms").get(0).id(), "receiver answered 500", now);
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                HttpResponse<String> ready = get("/observe/health/ready");
                assertThat(ready.statusCode()).isEqualTo(503);
                JsonNode delivery = check(JSON.readTree(ready.body()), "delivery");
                assertThat(delivery.path("status").asText()).isEqualTo("DOWN");
                assertThat(delivery.path("message").asText()).startsWith("1 dead delivery (sms 1), more than the 0 of paylink.observe.max-dead-letters");
            });
            assertThat(check(JSON.readTree(get("/observe/health/ready" + ALL_DETAILS).body()), "delivery").at("/data/sms.dead").asLong())
                    .isEqualTo(1);
            assertThat(get("/observe/health/live").statusCode()).isEqualTo(200);
            // An output first seen in the queue gets its series during a scrape, so it shows from the next one on.
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(metrics())
                    .contains("paylink_deliveries{output=\"sms\",state=\"DEAD\"} 1.0"));
        }
    }

    @Test
    void pausedSendingIsNotReadyButLiveAndNoSecretAppearsInAnyAnswer() throws Exception {
        onOffice = new OnOfficeSimulator(TOKEN, SECRET, Clock.systemUTC(), Duration.ofSeconds(5));
        String url = onOffice.start().toString();
        port = freePort();
        // Every secret the app can be given is configured, so the answers below are checked against all of them.
        try (PaylinkApp app = PaylinkApp.start(data, Map.ofEntries(Map.entry("paylink.sandbox", "false"), Map.entry("paylink.onoffice.url", url),
                Map.entry("paylink.onoffice.token", WRONG_TOKEN), Map.entry("paylink.onoffice.secret", SECRET),
                Map.entry("paylink.onoffice.pause-retry", "1m"),
                Map.entry("paylink.smartpay.enabled", "true"), Map.entry("paylink.smartpay.url", "http://127.0.0.1:9"),
                Map.entry("paylink.smartpay.merchant-key", "merchant-test"), Map.entry("paylink.smartpay.authentication-key", OTHER_SECRET),
                Map.entry("paylink.mail.host", "127.0.0.1"), Map.entry("paylink.mail.port", "9"), Map.entry("paylink.mail.security", "none"),
                Map.entry("paylink.mail.username", "mailer"), Map.entry("paylink.mail.password", OTHER_SECRET),
                Map.entry("paylink.mail.allow-plain-auth", "true"),
                Map.entry("paylink.webhook.urls", "http://hookuser:" + HOOK_PASSWORD + "@127.0.0.1:9/hook"),
                Map.entry("paylink.webhook.secret", OTHER_SECRET),
                Map.entry("camel.management.port", String.valueOf(port)), Map.entry("paylink.observe.counts-cache", "200ms")))) {
            drop(app.inbox(), "orders.csv", ROWS);

            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                HttpResponse<String> ready = get("/observe/health/ready");
                assertThat(ready.statusCode()).isEqualTo(503);
                JsonNode sending = check(JSON.readTree(ready.body()), "sending");
                assertThat(sending.path("status").asText()).isEqualTo("DOWN");
                assertThat(sending.path("message").asText()).startsWith("sending is paused (needs-action").contains("onOffice refused the credentials");
            });
            assertThat(check(JSON.readTree(get("/observe/health" + ALL_DETAILS).body()), "sending").at("/data/kind").asText())
                    .isEqualTo("needs-action");
            assertThat(get("/observe/health/live").statusCode()).isEqualTo(200);
            assertThat(metrics()).contains("paylink_sending_paused{kind=\"needs-action\"} 1.0", "paylink_sending_paused{kind=\"outage\"} 0.0");
            // SmartPay's configured address has no listener.
            JsonNode smartpay = check(JSON.readTree(get("/observe/health/ready").body()), "smartpay");
            assertThat(smartpay.path("message").asText()).startsWith("SmartPay at 127.0.0.1:9 cannot be reached");

            // No dev console, info or other management pages, and no secret in any answer, however much detail is asked for.
            assertThat(get("/q/dev").statusCode()).isEqualTo(404);
            assertThat(get("/observe/info").statusCode()).isEqualTo(404);
            assertThat(get("/observe/dev").statusCode()).isEqualTo(404);
            for (String path : List.of("/observe/health", "/observe/health/ready", "/observe/health/live", "/observe/health" + ALL_DETAILS,
                    "/observe/health/ready" + ALL_DETAILS, "/observe/health/live" + ALL_DETAILS, "/observe/metrics", "/observe/info", "/q/dev")) {
                assertThat(get(path).body()).as(path).doesNotContain(WRONG_TOKEN, SECRET, OTHER_SECRET, HOOK_PASSWORD, TOKEN);
            }
            assertThat(Files.exists(app.inbox().resolve("orders.csv"))).isTrue();
        }
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private String metrics() throws Exception {
        HttpResponse<String> r = get("/observe/metrics");
        assertThat(r.statusCode()).isEqualTo(200);
        return r.body();
    }

    /** The value of one series, e.g. {@code paylink_rows{status="CREATED"}}. */
    private static double gauge(String metrics, String series) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(metrics);
        assertThat(m.find()).as(series + " in\n" + metrics).isTrue();
        return Double.parseDouble(m.group(1));
    }

    private static JsonNode check(JsonNode health, String name) {
        for (JsonNode c : health.path("checks")) {
            if (c.path("name").asText().equals(name)) {
                return c;
            }
        }
        throw new AssertionError("no check " + name + " in " + health);
    }

    private static List<String> names(JsonNode health) {
        return health.path("checks").findValuesAsText("name");
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
