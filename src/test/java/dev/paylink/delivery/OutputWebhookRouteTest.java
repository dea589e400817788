package dev.paylink.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.paylink.delivery.WebhookCapture.Answer;
import dev.paylink.http.Departure;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import org.apache.camel.BeanInject;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The route {@code output-webhook} alone, under Camel Main (camel-test-main-junit5), against a loopback receiver: what each
 * kind of answer or failure comes back as on the exchange (the {@link RouteOutput} contract), one test per failure path.
 */
@CamelMainTest(configurationClasses = OutputWebhookRouteTest.Beans.class, properties = {
        "paylink.test.route-only=output-webhook", "camel.main.routes-include-pattern=classpath:routes/outputs.camel.yaml,classpath:routes/output-webhook.camel.yaml"})
class OutputWebhookRouteTest {

    static final String SECRET = "whsec_route-test";
    static final Duration TIMEOUT = Duration.ofMillis(500);

    /** What PaylinkConfiguration binds for the route: the webhook bean and the typed settings. */
    public static class Beans implements CamelConfiguration {
        @Override
        public void configure(CamelContext camel) {
            // Camel Main's package scan (PaylinkApp's Main(Application.class)) finds this class too: only act for this test
            if (!camel.getPropertiesComponent().resolveProperty("paylink.test.route-only").filter("output-webhook"::equals).isPresent()) {
                return;
            }
            camel.getPropertiesComponent().addPropertiesFunction(WebhookRoute.settings(TIMEOUT, TIMEOUT));
            camel.getRegistry().bind("webhookOutput", new WebhookOutput(WebhookEndpoints.anyUrl(SECRET), Clock.systemUTC()));
        }
    }

    @BeanInject
    CamelContext camel;

    private WebhookCapture receiver;

    @BeforeEach
    void receiver() throws IOException {
        receiver = new WebhookCapture();
    }

    @AfterEach
    void close() {
        receiver.close(); // releases a hanging handler first
    }

    private Exchange send(String url) {
        ProducerTemplate template = camel.createProducerTemplate();
        return template.send("direct:output-webhook", e -> {
            e.setProperty(RouteOutput.TARGET, url);
            e.setProperty(RouteOutput.EVENT_ID, "evt_route");
            e.setProperty(RouteOutput.EVENT_TYPE, "payment.paid");
            e.setProperty(RouteOutput.ATTEMPT, 1);
            e.getIn().setBody("{\"id\":\"evt_route\"}");
            // a header left behind by a caller never reaches the receiver
            e.getIn().setHeader("CamelHttpUri", "http://192.0.2.1/elsewhere");
        });
    }

    @Test
    void twoHundredsAreDelivered() {
        Exchange done = send(receiver.url("/hook"));

        assertThat(done.getException()).isNull();
        assertThat(done.getProperty(RouteOutput.OUTCOME)).isNull();
        assertThat(done.getProperty(RouteOutput.DETAIL)).isEqualTo("HTTP 204");
        assertThat(receiver.only().header("Paylink-Event-Id")).isEqualTo("evt_route");
    }

    @Test
    void tooManyRequestsIsRetryWithTheRetryAfterAndOneCallOnly() {
        receiver.answer(Answer.of(429, "slow down").with("Retry-After", "120"));
        Exchange done = send(receiver.url("/hook"));

        assertThat(done.getException()).isNull();
        assertThat(done.getProperty(RouteOutput.OUTCOME)).isEqualTo(RouteOutput.RETRY);
        assertThat(done.getProperty(RouteOutput.RETRY_AFTER)).isEqualTo("120");
        assertThat(done.getProperty(RouteOutput.DETAIL)).isEqualTo("HTTP 429: slow down");
        // HttpClient 5 would have slept 120 s and sent it again by itself; the dispatcher decides instead
        assertThat(receiver.requests()).hasSize(1);
    }

    @Test
    void serverErrorIsRetry() {
        receiver.answer(Answer.of(500));
        Exchange done = send(receiver.url("/hook"));

        assertThat(done.getProperty(RouteOutput.OUTCOME)).isEqualTo(RouteOutput.RETRY);
        assertThat(done.getProperty(RouteOutput.RETRY_AFTER)).isNull();
        assertThat(done.getProperty(RouteOutput.DETAIL)).isEqualTo("HTTP 500");
    }

    @Test
    void goneIsFailedForGood() {
        receiver.answer(Answer.of(410, "hook deleted"));
        Exchange done = send(receiver.url("/hook"));

        assertThat(done.getProperty(RouteOutput.OUTCOME)).isEqualTo(RouteOutput.FAILED);
        assertThat(done.getProperty(RouteOutput.DETAIL)).isEqualTo("HTTP 410: hook deleted");
    }

    @Test
    void aRefusedConnectionThrowsAndNeverLeft() throws IOException {
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        Exchange done = send("http://127.0.0.1:" + port + "/hook");

        assertThat(done.getException()).isNotNull();
        assertThat(Departure.of(done.getException())).isEqualTo(Departure.NEVER_LEFT);
        assertThat(done.getProperty(RouteOutput.OUTCOME)).isNull();
    }

    @Test
    void aReceiverThatNeverAnswersThrowsAfterTheTimeout() {
        receiver.hang();
        long started = System.nanoTime();
        Exchange done = send(receiver.url("/hook"));
        long millis = (System.nanoTime() - started) / 1_000_000;

        assertThat(done.getException()).isNotNull();
        assertThat(Departure.of(done.getException())).as("it may have reached the receiver").isEqualTo(Departure.MAY_HAVE_LEFT);
        assertThat(millis).as("paylink.webhook.timeout, not camel-http's 180 s").isBetween(400L, 5_000L);
    }

    @Test
    void theDispatcherReadsAThrownFailureAsRetry() throws Exception {
        // AdviceWith on the step's id: the POST fails the way a refused connection does, without a network
        AdviceWith.adviceWith(camel, "output-webhook", a -> a.weaveById("webhook-post").replace()
                .throwException(new ConnectException("Connection refused")));
        RouteOutput output = new RouteOutput(WebhookOutput.NAME, camel.createProducerTemplate(), true, t -> t, Clock.systemUTC());

        DeliveryResult result = output.deliver(new Delivery(1, "evt_route", "payment.paid", "webhook", receiver.url("/hook"), "{}", 0,
                java.time.Instant.now()));

        assertThat(result).isEqualTo(new DeliveryResult.Retry("ConnectException: Connection refused (not sent)", null));
        assertThat(receiver.requests()).isEmpty();
    }
}
