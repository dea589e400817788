package dev.paylink.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import dev.paylink.events.Event;
import dev.paylink.events.EventTypes;
import dev.paylink.ledger.Deliveries;
import dev.paylink.support.LogCapture;
import dev.paylink.support.PaylinkApp;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Named webhook endpoints in the running app, against real signature-checking receivers on 127.0.0.1: a slow one
 * never delays a healthy one, a rotating secret is accepted by receivers that know either secret, credentials in a URL
 * are never written anywhere, a whole endpoint's dead letters are replayed in one step, and configuration keys that
 * name nothing are named at start.
 */
class WebhookEndpointsAppTest {

    private static final String SECRET = "whsec-new-" + "n".repeat(20);
    private static final String OLD_SECRET = "whsec-old-" + "o".repeat(20);
    /** The dispatcher's poll interval in these tests. */
    private static final Duration POLL = Duration.ofMillis(200);

    @TempDir
    Path data;

    private final List<WebhookCapture> receivers = new ArrayList<>();
    private final Logger paylinkLog = (Logger) LoggerFactory.getLogger("dev.paylink");
    private LogCapture logs;
    private Level levelBefore;

    @BeforeEach
    void captureLogs() {
        levelBefore = paylinkLog.getLevel();
        paylinkLog.setLevel(Level.DEBUG);
        // read while the app's threads log: LogCapture copies under the appender's lock
        logs = LogCapture.of("dev.paylink");
    }

    @AfterEach
    void tearDown() {
        logs.close();
        paylinkLog.setLevel(levelBefore);
        receivers.forEach(WebhookCapture::close);
    }

    private WebhookCapture receiver() throws Exception {
        WebhookCapture r = new WebhookCapture();
        receivers.add(r);
        return r;
    }

    private PaylinkApp app(Map<String, String> settings) throws Exception {
        Map<String, String> all = new LinkedHashMap<>();
        all.put("paylink.sandbox", "true");
        all.put("paylink.deliver.poll-interval", String.valueOf(POLL.toMillis()));
        all.putAll(settings);
        return PaylinkApp.start(data, all);
    }

    private static Event<Object> statusChanged(String tag) {
        // payment.status_changed goes to file and webhook only (no mail), so the receivers see exactly these
        return TestEvents.sample(EventTypes.PAYMENT_STATUS_CHANGED, tag, Clock.systemUTC());
    }

    private List<String> logLines() {
        return logs.events().stream().map(e -> e.getLevel() + " " + e.getFormattedMessage()).toList();
    }

    @Test
    void aReceiverThatAnswersAfterFourSecondsWithABacklogNeverDelaysAHealthyOne() throws Exception {
        WebhookCapture fast = receiver();
        WebhookCapture slow = receiver().answerAfter(Duration.ofSeconds(4));
        try (PaylinkApp app = app(Map.of("paylink.webhook.fast.url", fast.url("/hook"), "paylink.webhook.fast.secret", SECRET,
                "paylink.webhook.fast.events", "payment.*",
                "paylink.webhook.slow.url", slow.url("/hook"), "paylink.webhook.slow.secret", SECRET,
                "paylink.webhook.slow.events", EventTypes.PAYMENT_STATUS_CHANGED))) {
            EventBus bus = app.bean("eventBus", EventBus.class);
            // the delivery timer is running once an event only the fast endpoint takes has arrived there
            bus.publish(TestEvents.sample(EventTypes.PAYMENT_EXPIRED, "warm-up", Clock.systemUTC()));
            await().atMost(Duration.ofSeconds(10)).until(() -> fast.requests().size() == 1);
            assertThat(slow.requests()).isEmpty();
            fast.clear();

            Instant firstWave = Instant.now();
            List<Event<?>> backlog = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                backlog.add(statusChanged("wave1-" + i));
            }
            bus.publishAll(backlog);
            await().atMost(Duration.ofSeconds(10)).until(() -> fast.requests().size() == 10);
            // the slow receiver now holds 4 calls (its lane's limit) for 4 s, with 6 more waiting behind them
            Instant secondWave = Instant.now();
            bus.publishAll(List.of(statusChanged("wave2-0"), statusChanged("wave2-1")));
            await().atMost(Duration.ofSeconds(10)).until(() -> fast.requests().size() == 12);

            Duration allowed = POLL.plus(Duration.ofMillis(800));
            List<WebhookCapture.Request> calls = fast.requests();
            assertThat(calls.subList(0, 10)).allSatisfy(r -> assertThat(Duration.between(firstWave, r.at())).isLessThan(allowed));
            assertThat(calls.subList(10, 12)).allSatisfy(r -> assertThat(Duration.between(secondWave, r.at())).isLessThan(allowed));
            assertThat(slow.requests()).as("the slow endpoint's lane has at most paylink.deliver.concurrency in flight").hasSizeLessThanOrEqualTo(4);
            // and the slow one is not forgotten: its first calls are answered and it goes on with its backlog
            await().atMost(Duration.ofSeconds(15)).until(() -> slow.requests().size() >= 8);
            Deliveries deliveries = app.bean("deliveries", Deliveries.class);
            assertThat(deliveries.all("webhook")).filteredOn(d -> d.target().equals("fast")).hasSize(13)
                    .allSatisfy(d -> assertThat(deliveries.state(d.id())).isEqualTo(Deliveries.DELIVERED));
        }
    }

    @Test
    void aDeliveryInFlightIsClaimedUnderTheConfiguredInstanceId() throws Exception {
        WebhookCapture hanging = receiver().hang();
        try (PaylinkApp app = app(Map.of("paylink.cluster.instance-id", "node-7", "paylink.webhook.hook.url", hanging.url("/hook"),
                "paylink.webhook.hook.secret", SECRET, "paylink.webhook.hook.events", EventTypes.PAYMENT_STATUS_CHANGED))) {
            app.bean("eventBus", EventBus.class).publish(statusChanged("claimed"));
            await().atMost(Duration.ofSeconds(10)).until(() -> hanging.requests().size() == 1);

            // One name per instance in the ledger: the file locks, the rows sent, and the claims on deliveries (host/pid before).
            assertThat(app.ledgerValue("SELECT claimed_by FROM delivery WHERE output = 'webhook'")).startsWith("node-7#");
            hanging.close();
        }
    }

    @Test
    void whileASecretIsRotatedReceiversKnowingEitherSecretAcceptEveryCall() throws Exception {
        WebhookCapture knowsOld = receiver().verifying(OLD_SECRET);
        WebhookCapture knowsNew = receiver().verifying(SECRET);
        WebhookCapture rotatedOut = receiver().verifying(OLD_SECRET);
        Map<String, String> settings = new LinkedHashMap<>();
        for (Map.Entry<String, WebhookCapture> e : Map.of("old-receiver", knowsOld, "new-receiver", knowsNew).entrySet()) {
            settings.put("paylink.webhook." + e.getKey() + ".url", e.getValue().url("/hook"));
            settings.put("paylink.webhook." + e.getKey() + ".secret", SECRET);
            settings.put("paylink.webhook." + e.getKey() + ".previous-secret", OLD_SECRET);
            settings.put("paylink.webhook." + e.getKey() + ".previous-secret-until", "7d");
        }
        // a rotation that is over: only the new signature is sent, and a receiver still on the old secret refuses it
        settings.put("paylink.webhook.done.url", rotatedOut.url("/hook"));
        settings.put("paylink.webhook.done.secret", SECRET);
        settings.put("paylink.webhook.done.previous-secret", OLD_SECRET);
        settings.put("paylink.webhook.done.previous-secret-until", "2020-01-01T00:00:00Z");
        try (PaylinkApp app = app(settings)) {
            app.bean("eventBus", EventBus.class).publish(statusChanged("rotation"));
            Deliveries deliveries = app.bean("deliveries", Deliveries.class);
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(deliveries.all("webhook")).hasSize(3)
                    .allSatisfy(d -> assertThat(deliveries.state(d.id())).isEqualTo(d.target().equals("done") ? Deliveries.DEAD : Deliveries.DELIVERED)));

            WebhookCapture.Request call = knowsOld.only();
            String signature = call.header(WebhookOutput.HEADER_SIGNATURE);
            assertThat(signature).matches("t=[0-9]+,v1=[0-9a-f]{64},v1=[0-9a-f]{64}");
            long now = Instant.now().getEpochSecond();
            // the README's verifier accepts it with either secret
            assertThat(ReadmeWebhookVerifier.verify(signature, call.bodyText(), OLD_SECRET, now)).isTrue();
            assertThat(ReadmeWebhookVerifier.verify(signature, call.bodyText(), SECRET, now)).isTrue();
            assertThat(knowsNew.only().header(WebhookOutput.HEADER_SIGNATURE)).matches("t=[0-9]+,v1=[0-9a-f]{64},v1=[0-9a-f]{64}");
            assertThat(rotatedOut.only().header(WebhookOutput.HEADER_SIGNATURE)).matches("t=[0-9]+,v1=[0-9a-f]{64}");
            assertThat(String.join("\n", logLines())).doesNotContain(SECRET, OLD_SECRET)
                    .contains("old-receiver -> " + knowsOld.url("/hook") + "; events all routed to webhook; secret rotation: old and new signature until ");
        }
    }

    @Test
    void credentialsInAnEndpointUrlAreSentButNeverWrittenToADeadLetterOrALogLine() throws Exception {
        WebhookCapture guarded = receiver().answer(WebhookCapture.Answer.of(410, "gone"));
        String url = guarded.url("/hook?token=QUERY-SECRET-42&x=1").replace("http://", "http://paylink:pass-SECRET-7@");
        try (PaylinkApp app = app(Map.of("paylink.webhook.guarded.url", url, "paylink.webhook.guarded.secret", SECRET))) {
            app.bean("eventBus", EventBus.class).publish(statusChanged("masking"));
            Path folder = app.outbox().resolve("deadletter");
            await().atMost(Duration.ofSeconds(10)).until(() -> Files.isDirectory(folder) && DeliveryFlowLetters.count(folder) == 1);

            WebhookCapture.Request call = guarded.only();
            assertThat(call.header("Authorization")).isEqualTo("Basic "
                    + Base64.getEncoder().encodeToString("paylink:pass-SECRET-7".getBytes(StandardCharsets.UTF_8)));
            assertThat(call.uri().getRawQuery()).isEqualTo("token=QUERY-SECRET-42&x=1");

            String letter = Files.readString(DeliveryFlowLetters.only(folder));
            String masked = "http://***@127.0.0.1:" + call.headers().getFirst("Host").split(":")[1] + "/hook?token=***&x=***";
            assertThat(letter).contains("\"target\" : \"guarded\"", "\"destination\" : \"guarded (" + masked + ")\"", "HTTP 410: gone")
                    .doesNotContain("SECRET");
            List<String> lines = logLines();
            assertThat(lines).anySatisfy(l -> assertThat(l).contains("webhook endpoint guarded -> " + masked));
            assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("ERROR webhook of payment.status_changed").contains("to guarded (" + masked + ")"));
            assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("DEBUG webhook POST to guarded (" + masked + ")"));
            assertThat(String.join("\n", lines)).doesNotContain("SECRET");
        }
    }

    @Test
    void anEmptyReplayAllFileSendsEveryDeadLetterOfThatEndpointAgain() throws Exception {
        WebhookCapture crm = receiver().answer(WebhookCapture.Answer.of(503));
        WebhookCapture ops = receiver().answer(WebhookCapture.Answer.of(503));
        try (PaylinkApp app = app(Map.of("paylink.webhook.crm.url", crm.url("/hook"), "paylink.webhook.crm.secret", SECRET,
                "paylink.webhook.ops.url", ops.url("/hook"), "paylink.webhook.ops.secret", SECRET,
                "paylink.deliver.max-attempts", "2", "paylink.deliver.first-backoff", "100ms"))) {
            EventBus bus = app.bean("eventBus", EventBus.class);
            bus.publishAll(List.of(statusChanged("replay-0"), statusChanged("replay-1"), statusChanged("replay-2")));
            Path folder = app.outbox().resolve("deadletter");
            await().atMost(Duration.ofSeconds(15)).until(() -> Files.isDirectory(folder) && DeliveryFlowLetters.count(folder) == 6);

            crm.answer(WebhookCapture.Answer.of(204));
            Path replay = app.outbox().resolve("replay");
            Files.write(replay.resolve(".crm.replay-all.tmp"), new byte[0]);
            Files.move(replay.resolve(".crm.replay-all.tmp"), replay.resolve("crm.replay-all"));

            Deliveries deliveries = app.bean("deliveries", Deliveries.class);
            await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(deliveries.all("webhook")).filteredOn(d -> d.target().equals("crm"))
                    .hasSize(3).allSatisfy(d -> assertThat(deliveries.state(d.id())).isEqualTo(Deliveries.DELIVERED)));
            assertThat(crm.requests()).hasSize(9);
            assertThat(deliveries.all("webhook")).filteredOn(d -> d.target().equals("ops"))
                    .allSatisfy(d -> assertThat(deliveries.state(d.id())).isEqualTo(Deliveries.DEAD));
            await().atMost(Duration.ofSeconds(5)).until(() -> Files.exists(replay.resolve(".replayed/crm.replay-all")));
            assertThat(DeliveryFlowLetters.count(folder)).as("ops's letters stay").isEqualTo(3);
            assertThat(logLines()).anySatisfy(l -> assertThat(l).isEqualTo("INFO replay-all for webhook endpoint crm: 3 dead deliveries are due "
                    + "again (3 dead-letter files moved to " + replay.resolve(".replayed") + ")"));

            // a name that is no endpoint's: refused, with the reason, and kept
            Files.write(replay.resolve(".crn.replay-all.tmp"), new byte[0]);
            Files.move(replay.resolve(".crn.replay-all.tmp"), replay.resolve("crn.replay-all"));
            await().atMost(Duration.ofSeconds(5)).until(() -> Files.exists(replay.resolve(".rejected/crn.replay-all")));
        }
    }

    @Test
    void keysThatNameNoEventTypeAreNamedAtStartWithTheKnownTypes() throws Exception {
        System.setProperty("paylink.deliver.link-creatd", "none");
        try (PaylinkApp app = app(Map.of("paylink.deliver.payment-status_changed", "file,webhook", "paylink.mail.to.file-complete", "ops@example.invalid",
                "paylink.webhook.crm.url", "http://127.0.0.1:9/hook", "paylink.webhook.crm.secret", SECRET, "paylink.webhook.crm.event", "payment.*"))) {
            List<String> warnings = logs.messages(Level.WARN).toList();
            String known = "the event types are link-created, link-rejected, link-uncertain, link-duplicate, link-resolved, file-completed, "
                    + "file-failed, payment-status-changed, payment-paid, payment-expired";
            assertThat(warnings).contains(
                    "paylink.deliver.payment-status_changed names no event type and no delivery setting: it is ignored; " + known,
                    "paylink.deliver.link-creatd names no event type and no delivery setting: it is ignored; " + known,
                    "paylink.mail.to.file-complete names no event type: it is ignored; " + known);
            assertThat(warnings).anySatisfy(w -> assertThat(w).startsWith("paylink.webhook.crm.event is no webhook setting: it is ignored"));
        } finally {
            System.clearProperty("paylink.deliver.link-creatd");
        }
    }
}
