package dev.paylink.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.LoggerFactory;

/** The SmartPay simulator over real HTTP on 127.0.0.1, with requests built by hand as the reference describes them. */
class SmartPaySimulatorTest {

    private static final String MERCHANT_KEY = "test-merchant-key-0001";
    private static final String AUTH_KEY = "test-authentication-key-secret-0001";
    private static final String CLIENT_ID = "test-client-id-0001";
    private static final String CLIENT_SECRET = "test-client-secret-value-0001";
    private static final String ORIGIN = "https://merchant.example.invalid";
    private static final Instant START = Instant.parse("2026-11-21T10:00:00Z");
    private static final String BASIC = "Basic " + Base64.getEncoder()
            .encodeToString((MERCHANT_KEY + ":" + AUTH_KEY).getBytes(StandardCharsets.UTF_8));
    private static final String UUID_PATTERN = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
    private static final String DATE_PATTERN = "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z";

    /** Keeps the scale of decimals: the tree model strips trailing zeros unless told not to. */
    private final ObjectMapper mapper = new ObjectMapper()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .configure(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES, false);
    private final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private final MutableClock clock = new MutableClock(START);
    private SmartPaySimulator sim;
    private URI base;

    @BeforeEach
    void start() {
        sim = new SmartPaySimulator(MERCHANT_KEY, AUTH_KEY, CLIENT_ID, CLIENT_SECRET, ORIGIN, clock, Duration.ofSeconds(3600));
        base = sim.start();
    }

    @AfterEach
    void stop() {
        sim.close();
    }

    // ------------------------------------------------------------------------------------------ lifecycle

    @Test
    void startsOnLoopbackAndNamesTheTokenUrl() {
        assertThat(base.getScheme()).isEqualTo("http");
        assertThat(base.getHost()).isEqualTo("127.0.0.1");
        assertThat(base.getPort()).isPositive();
        assertThat(base.getPath()).isEmpty();
        assertThat(sim.url()).isEqualTo(base);
        assertThat(sim.tokenUrl()).isEqualTo(URI.create(base + "/oauth2/token"));
    }

    @Test
    void lifecycleIsStrictAndCloseIsIdempotent() {
        SmartPaySimulator fresh = new SmartPaySimulator();
        assertThatThrownBy(fresh::url).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(fresh::tokenUrl).isInstanceOf(IllegalStateException.class);
        fresh.start();
        assertThatThrownBy(fresh::start).isInstanceOf(IllegalStateException.class);
        fresh.close();
        fresh.close();
        assertThatThrownBy(fresh::start).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void closeIsPromptEvenWithOpenConnectionsAndRefusesAfterwards() throws Exception {
        assertThat(get(SmartPaySimulator.LINK_CANCELLED).statusCode()).isEqualTo(200); // keeps a connection alive
        long before = System.nanoTime();
        sim.close();
        assertThat(Duration.ofNanos(System.nanoTime() - before)).isLessThan(Duration.ofSeconds(1));
        assertThatThrownBy(() -> get(SmartPaySimulator.LINK_CANCELLED)).isInstanceOf(IOException.class);
    }

    @Test
    void constructorRefusesEmptyCredentialsAndTooShortTokens() {
        assertThatThrownBy(() -> new SmartPaySimulator("", AUTH_KEY, CLIENT_ID, CLIENT_SECRET, ORIGIN, clock, Duration.ofSeconds(60)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SmartPaySimulator(MERCHANT_KEY, AUTH_KEY, CLIENT_ID, CLIENT_SECRET, ORIGIN, clock, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void sandboxSetupWorksWithTheSandboxConstants() throws Exception {
        try (SmartPaySimulator sandbox = new SmartPaySimulator()) {
            URI api = sandbox.start();
            String basic = "Basic " + Base64.getEncoder().encodeToString((SmartPaySimulator.SANDBOX_MERCHANT_KEY + ":"
                    + SmartPaySimulator.SANDBOX_AUTHENTICATION_KEY).getBytes(StandardCharsets.UTF_8));
            Map<String, String> headers = headers(basic);
            headers.put("Origin", SmartPaySimulator.SANDBOX_ORIGIN);
            HttpResponse<String> response = send(api.resolve("/payment-links/PL-CANCELLED"), headers);
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(json(response).get("latestTransactionStatus").asText()).isEqualTo("CANCELLED");

            HttpResponse<String> token = client.send(HttpRequest.newBuilder(sandbox.tokenUrl())
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(form("client_credentials",
                            SmartPaySimulator.SANDBOX_CLIENT_ID, SmartPaySimulator.SANDBOX_CLIENT_SECRET)))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(json(token).get("expires_in").asLong()).isEqualTo(3600);
        }
        assertThat(SmartPaySimulator.SANDBOX_ORIGIN).isEqualTo("https://sandbox.paylink.invalid");
        assertThat(List.of(SmartPaySimulator.SANDBOX_MERCHANT_KEY, SmartPaySimulator.SANDBOX_AUTHENTICATION_KEY,
                SmartPaySimulator.SANDBOX_CLIENT_ID, SmartPaySimulator.SANDBOX_CLIENT_SECRET))
                .allSatisfy(value -> assertThat(value).startsWith("sandbox-").contains("not-"));
    }

    // ------------------------------------------------------------------------------------------ scripted links

    @Test
    void paidFlowAdvancesOneStepPerGet() throws Exception {
        JsonNode first = json(get(SmartPaySimulator.LINK_PAID_FLOW));
        assertThat(first.has("latestTransactionId")).isFalse();
        assertThat(first.has("latestTransactionStatus")).isFalse();

        List<String> statuses = new ArrayList<>();
        List<String> transactionIds = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            JsonNode body = json(get(SmartPaySimulator.LINK_PAID_FLOW));
            statuses.add(body.get("latestTransactionStatus").asText());
            transactionIds.add(body.get("latestTransactionId").asText());
        }
        assertThat(statuses).containsExactly("CREATED", "AUTHORIZATION_COMPLETED", "CAPTURED", "SETTLED", "SETTLED");
        assertThat(transactionIds).allMatch(id -> id.matches(UUID_PATTERN)).containsOnly(transactionIds.get(0));
        assertThat(sim.requestsFor(SmartPaySimulator.LINK_PAID_FLOW)).isEqualTo(6);
        assertThat(sim.requestsFor(SmartPaySimulator.LINK_CANCELLED)).isZero();
    }

    @Test
    void foundLinkIsAFullAnswerOfTheSeedsSchemaPlusAnUnknownField() throws Exception {
        get(SmartPaySimulator.LINK_PAID_FLOW);
        HttpResponse<String> response = get(SmartPaySimulator.LINK_PAID_FLOW);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json; charset=UTF-8");
        JsonNode body = json(response);

        assertThat(fieldNames(body)).containsExactly("id", "creationDate", "expiryDate", "successUrl", "failureUrl",
                "templateContext", "customerAccountId", "payment", "billingAddress", "consumer", "order", "totals",
                "paymentUrl", "qrCodeUrl", "latestTransactionId", "latestTransactionStatus", "merchantReference");
        assertThat(body.get("id").asText()).isEqualTo("PL-PAID-FLOW");
        assertThat(body.get("creationDate").asText()).isEqualTo("2026-11-21T10:00:00.000Z");
        assertThat(body.get("expiryDate").asText()).isEqualTo("2026-12-21T10:00:00.000Z").matches(DATE_PATTERN);
        assertThat(body.get("successUrl").asText()).startsWith(ORIGIN + "/");
        assertThat(body.get("failureUrl").asText()).startsWith(ORIGIN + "/");
        assertThat(fieldNames(body.get("templateContext"))).containsExactly("templateId", "templateName", "merchantLogoURL");
        assertThat(body.get("customerAccountId").asText()).isNotBlank();
        assertThat(body.at("/payment/currencyCode").asText()).isEqualTo("EUR");
        assertThat(body.at("/payment/description").asText()).isNotBlank();
        assertThat(fieldNames(body.get("billingAddress"))).contains("addressLine1", "city", "countryCode", "postCode");
        assertThat(body.at("/billingAddress/countryCode").asText()).hasSize(3);
        assertThat(fieldNames(body.get("consumer"))).contains("firstName", "lastName", "emailAddress", "culture");
        assertThat(body.at("/order/externalOrderReference").asText()).isNotBlank();
        assertThat(body.at("/order/additionalData").isArray()).isTrue();
        JsonNode line = body.at("/order/lines/0");
        assertThat(fieldNames(line)).contains("lineNumber", "itemArticleId", "itemName", "quantity", "unitPrice",
                "unitVatPrice", "unitGrossPrice", "vatPercent", "netAmount", "vatAmount", "grossAmount");
        assertThat(body.get("paymentUrl").asText()).isEqualTo("https://sandbox.smartpay.invalid/pay/PL-PAID-FLOW");
        assertThat(body.get("qrCodeUrl").asText()).startsWith("https://sandbox.smartpay.invalid/qr/PL-PAID-FLOW");
        assertThat(body.get("latestTransactionStatus").asText()).isEqualTo("CREATED");
        assertThat(body.get("merchantReference").asText()).isNotBlank();
    }

    @Test
    void amountsAreJsonDecimalsWithTwoPlaces() throws Exception {
        HttpResponse<String> response = get(SmartPaySimulator.LINK_CANCELLED);
        assertThat(response.body()).contains("\"amount\":149.00");
        JsonNode body = json(response);
        JsonNode amount = body.at("/payment/amount");
        assertThat(amount.isBigDecimal()).isTrue();
        assertThat(amount.decimalValue()).isEqualByComparingTo("149.00");
        assertThat(amount.decimalValue().scale()).isEqualTo(2);
        BigDecimal net = body.at("/totals/netAmount").decimalValue();
        BigDecimal vat = body.at("/totals/vatAmount").decimalValue();
        assertThat(net.add(vat)).isEqualTo(body.at("/totals/grossAmount").decimalValue()).isEqualTo(new BigDecimal("149.00"));
        assertThat(body.at("/order/lines/0/grossAmount").decimalValue().scale()).isEqualTo(2);

        // Bound to a BigDecimal, a plain mapper keeps the scale as well.
        Payment payment = new ObjectMapper().readerFor(Payment.class)
                .without(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).readValue(body.get("payment").toString());
        assertThat(payment.amount()).isEqualTo(new BigDecimal("149.00"));
        assertThat(payment.amount().scale()).isEqualTo(2);
    }

    private record Payment(BigDecimal amount, String currencyCode) {
    }

    @Test
    void cancelledLinkIsCancelledFromTheFirstGet() throws Exception {
        for (int i = 0; i < 3; i++) {
            JsonNode body = json(get(SmartPaySimulator.LINK_CANCELLED));
            assertThat(body.get("latestTransactionStatus").asText()).isEqualTo("CANCELLED");
            assertThat(body.get("latestTransactionId").asText()).matches(UUID_PATTERN);
        }
    }

    @Test
    void expiringLinkExpiresThirtySecondsAfterTheStartWithoutATransaction() throws Exception {
        clock.advance(Duration.ofMinutes(5)); // the dates stay those of the start
        for (int i = 0; i < 3; i++) {
            JsonNode body = json(get(SmartPaySimulator.LINK_EXPIRING));
            assertThat(body.get("creationDate").asText()).isEqualTo("2026-11-21T10:00:00.000Z");
            assertThat(Instant.parse(body.get("expiryDate").asText())).isEqualTo(START.plusSeconds(30));
            assertThat(body.has("latestTransactionStatus")).isFalse();
            assertThat(body.has("latestTransactionId")).isFalse();
        }
    }

    @Test
    void oddLinkHasAnUndocumentedStatusAndExpiresInThirtyDays() throws Exception {
        JsonNode body = json(get(SmartPaySimulator.LINK_ODD));
        assertThat(body.get("latestTransactionStatus").asText()).isEqualTo("PARTIALLY_REFUNDED");
        assertThat(Instant.parse(body.get("expiryDate").asText())).isEqualTo(START.plus(Duration.ofDays(30)));
        assertThat(json(get(SmartPaySimulator.LINK_ODD)).get("latestTransactionStatus").asText()).isEqualTo("PARTIALLY_REFUNDED");
    }

    @ParameterizedTest
    @ValueSource(strings = {"PL-404", "no-such-link", "PL-paid-flow"})
    void unknownLinkIs404WithATraceId(String id) throws Exception {
        HttpResponse<String> response = get(id);
        assertThat(response.statusCode()).isEqualTo(404);
        JsonNode body = json(response);
        assertThat(fieldNames(body)).containsExactly("traceId", "errors");
        assertThat(body.get("traceId").asText()).matches(UUID_PATTERN);
        assertThat(body.get("errors")).hasSize(1);
        JsonNode error = body.at("/errors/0");
        assertThat(fieldNames(error)).containsExactly("message", "code", "property", "context");
        assertThat(error.get("message").asText()).isEqualTo("payment link not found");
        assertThat(error.get("context").isObject()).isTrue();
        assertThat(sim.requestsFor(id)).isEqualTo(1);
        assertThat(sim.rejectedRequests()).isZero();
    }

    @Test
    void eachErrorHasItsOwnTraceId() throws Exception {
        String first = json(get("PL-404")).get("traceId").asText();
        String second = json(get("PL-404")).get("traceId").asText();
        assertThat(first).isNotEqualTo(second);
    }

    @Test
    void flakyLinkAnswers503WithRetryAfterOnceThenIsPending() throws Exception {
        HttpResponse<String> first = get(SmartPaySimulator.LINK_FLAKY);
        assertThat(first.statusCode()).isEqualTo(503);
        assertThat(first.headers().firstValue("Retry-After")).hasValue("1");
        assertThat(json(first).get("traceId").asText()).matches(UUID_PATTERN);

        for (int i = 0; i < 2; i++) {
            HttpResponse<String> next = get(SmartPaySimulator.LINK_FLAKY);
            assertThat(next.statusCode()).isEqualTo(200);
            assertThat(json(next).get("latestTransactionStatus").asText()).isEqualTo("CREATED");
        }
        assertThat(sim.requestsFor(SmartPaySimulator.LINK_FLAKY)).isEqualTo(3);
    }

    @Test
    void addedLinkFollowsItsSequenceAndKeepsTheLastStatus() throws Exception {
        Instant expiry = Instant.parse("2027-01-02T03:04:05.678Z");
        sim.addLink("T-1", Arrays.asList(null, null, "AUTORIZATION_INITIALIZED", "CAPTURE_PENDING"), expiry);

        assertThat(json(get("T-1")).has("latestTransactionStatus")).isFalse();
        assertThat(json(get("T-1")).has("latestTransactionStatus")).isFalse();
        assertThat(json(get("T-1")).get("latestTransactionStatus").asText()).isEqualTo("AUTORIZATION_INITIALIZED");
        JsonNode last = json(get("T-1"));
        assertThat(last.get("latestTransactionStatus").asText()).isEqualTo("CAPTURE_PENDING");
        assertThat(last.get("expiryDate").asText()).isEqualTo("2027-01-02T03:04:05.678Z");
        assertThat(json(get("T-1")).get("latestTransactionStatus").asText()).isEqualTo("CAPTURE_PENDING");
    }

    @Test
    void addedLinkWithoutExpiryOrStatusesLivesThirtyDaysWithoutATransaction() throws Exception {
        sim.addLink("T-2", List.of(), null);
        JsonNode body = json(get("T-2"));
        assertThat(body.has("latestTransactionStatus")).isFalse();
        assertThat(Instant.parse(body.get("expiryDate").asText())).isEqualTo(START.plus(Duration.ofDays(30)));
    }

    @Test
    void addedLinkReplacesOneOfTheSameIdAndOddIdsAreEncodedInUrls() throws Exception {
        sim.addLink(SmartPaySimulator.LINK_CANCELLED, List.of("SETTLED"), null);
        assertThat(json(get(SmartPaySimulator.LINK_CANCELLED)).get("latestTransactionStatus").asText()).isEqualTo("SETTLED");

        sim.addLink("a b+c", List.of("CREATED"), null);
        HttpResponse<String> response = send(base.resolve("/payment-links/a%20b+c"), headers(BASIC));
        JsonNode body = json(response);
        assertThat(body.get("id").asText()).isEqualTo("a b+c");
        assertThat(body.get("paymentUrl").asText()).isEqualTo("https://sandbox.smartpay.invalid/pay/a%20b%2Bc");
        assertThat(sim.requestsFor("a b+c")).isEqualTo(1);
    }

    @Test
    void linksAddedBeforeTheStartAreNotOverwrittenByTheScript() throws Exception {
        try (SmartPaySimulator early = new SmartPaySimulator(MERCHANT_KEY, AUTH_KEY, CLIENT_ID, CLIENT_SECRET, ORIGIN, clock,
                Duration.ofSeconds(60))) {
            early.addLink(SmartPaySimulator.LINK_ODD, List.of("CAPTURED"), null);
            URI api = early.start();
            JsonNode body = json(send(api.resolve("/payment-links/PL-ODD"), headers(BASIC)));
            assertThat(body.get("latestTransactionStatus").asText()).isEqualTo("CAPTURED");
        }
    }

    // ------------------------------------------------------------------------------------------ payment status

    @Test
    void paymentStatusAnswersTheCurrentStatusWithoutAdvancing() throws Exception {
        get(SmartPaySimulator.LINK_PAID_FLOW);
        String transactionId = json(get(SmartPaySimulator.LINK_PAID_FLOW)).get("latestTransactionId").asText();

        for (int i = 0; i < 3; i++) {
            HttpResponse<String> response = send(base.resolve("/payment/status/" + transactionId), headers(BASIC));
            assertThat(response.statusCode()).isEqualTo(200);
            JsonNode body = json(response);
            assertThat(fieldNames(body)).containsExactly("paymentStatus", "transactionOverview", "modifications", "paymentLinkId");
            assertThat(body.get("paymentStatus").asText()).isEqualTo("CREATED");
            assertThat(body.at("/transactionOverview/transactionId").asText()).isEqualTo(transactionId);
            assertThat(body.at("/transactionOverview/amount").decimalValue()).isEqualTo(new BigDecimal("149.00"));
            assertThat(body.at("/transactionOverview/currencyCode").asText()).isEqualTo("EUR");
            assertThat(body.at("/transactionOverview/paymentMethod").asText()).isEqualTo("CARD");
            assertThat(body.get("modifications").isArray()).isTrue();
            assertThat(body.get("modifications")).isEmpty();
            assertThat(body.get("paymentLinkId").asText()).isEqualTo("PL-PAID-FLOW");
        }
        assertThat(json(get(SmartPaySimulator.LINK_PAID_FLOW)).get("latestTransactionStatus").asText())
                .isEqualTo("AUTHORIZATION_COMPLETED");
        JsonNode after = json(send(base.resolve("/payment/status/" + transactionId), headers(BASIC)));
        assertThat(after.get("paymentStatus").asText()).isEqualTo("AUTHORIZATION_COMPLETED");
        assertThat(sim.requestsFor(SmartPaySimulator.LINK_PAID_FLOW)).isEqualTo(3);
    }

    @Test
    void unknownTransactionIs404() throws Exception {
        HttpResponse<String> response = send(base.resolve("/payment/status/00000000-0000-0000-0000-000000000000"), headers(BASIC));
        assertThat(response.statusCode()).isEqualTo(404);
        JsonNode body = json(response);
        assertThat(body.get("traceId").asText()).matches(UUID_PATTERN);
        assertThat(body.at("/errors/0/message").asText()).isEqualTo("transaction not found");
    }

    @Test
    void paymentStatusNeedsTheHeadersToo() throws Exception {
        String transactionId = json(get(SmartPaySimulator.LINK_CANCELLED)).get("latestTransactionId").asText();
        Map<String, String> headers = headers(BASIC);
        headers.remove("Accept-Language");
        HttpResponse<String> response = send(base.resolve("/payment/status/" + transactionId), headers);
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(json(response).at("/errors/0/property").asText()).isEqualTo("Accept-Language");
        headers = headers("Basic d3Jvbmc6d3Jvbmc=");
        assertThat(send(base.resolve("/payment/status/" + transactionId), headers).statusCode()).isEqualTo(401);
    }

    // ------------------------------------------------------------------------------------------ headers

    @ParameterizedTest
    @ValueSource(strings = {"Content-Type", "Accept-Language", "Origin"})
    void eachMissingHeaderIs400NamingIt(String header) throws Exception {
        Map<String, String> headers = headers(BASIC);
        headers.remove(header);
        HttpResponse<String> response = send(link(SmartPaySimulator.LINK_CANCELLED), headers);
        assertMissingHeader(response.statusCode(), json(response), header);
        assertThat(sim.rejectedRequests()).isEqualTo(1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"Content-Type", "Accept-Language", "Origin"})
    void blankHeaderCountsAsMissing(String header) throws Exception {
        Map<String, String> headers = headers(BASIC);
        headers.put(header, "");
        HttpResponse<String> response = send(link(SmartPaySimulator.LINK_CANCELLED), headers);
        assertMissingHeader(response.statusCode(), json(response), header);
    }

    @Test
    void missingUserAgentIs400NamingIt() throws Exception {
        // java.net.http always sends a User-Agent of its own: write the request by hand.
        Map<String, String> headers = headers(BASIC);
        headers.remove("User-Agent");
        RawResponse response = raw("/payment-links/PL-CANCELLED", headers);
        assertMissingHeader(response.status(), mapper.readTree(response.body()), "User-Agent");

        headers.put("User-Agent", " ");
        response = raw("/payment-links/PL-CANCELLED", headers);
        assertMissingHeader(response.status(), mapper.readTree(response.body()), "User-Agent");

        headers.put("User-Agent", "paylink-routes/1.0");
        assertThat(raw("/payment-links/PL-CANCELLED", headers).status()).isEqualTo(200);
    }

    @Test
    void allMissingHeadersAreNamedAtOnce() throws Exception {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Authorization", BASIC);
        RawResponse response = raw("/payment-links/PL-CANCELLED", headers);
        assertThat(response.status()).isEqualTo(400);
        JsonNode errors = mapper.readTree(response.body()).get("errors");
        List<String> properties = new ArrayList<>();
        errors.forEach(e -> properties.add(e.get("property").asText()));
        assertThat(properties).containsExactly("Content-Type", "Accept-Language", "Origin", "User-Agent");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "Origin          | https://evil.example.invalid",
            "Origin          | http://merchant.example.invalid",
            "Origin          | https://merchant.example.invalid/",
            "Accept-Language | de-DE",
            "Accept-Language | en-US,en;q=0.9",
            "Content-Type    | text/plain",
            "Content-Type    | application/x-www-form-urlencoded",
            "Content-Type    | application/json; charset=ISO-8859-1",
            "Content-Type    | application/json; version=2"})
    void wrongHeaderValueIs400NamingIt(String header, String value) throws Exception {
        Map<String, String> headers = headers(BASIC);
        headers.put(header, value);
        HttpResponse<String> response = send(link(SmartPaySimulator.LINK_CANCELLED), headers);
        assertThat(response.statusCode()).isEqualTo(400);
        JsonNode body = json(response);
        assertThat(body.get("traceId").asText()).matches(UUID_PATTERN);
        assertThat(body.get("errors")).hasSize(1);
        assertThat(body.at("/errors/0/code").asText()).isEqualTo("INVALID_HEADER");
        assertThat(body.at("/errors/0/property").asText()).isEqualTo(header);
        assertThat(body.at("/errors/0/message").asText()).isNotBlank();
    }

    @ParameterizedTest
    @ValueSource(strings = {"application/json; charset=UTF-8", "application/json;charset=utf-8", "Application/JSON"})
    void jsonContentTypeMayCarryAUtf8Charset(String contentType) throws Exception {
        Map<String, String> headers = headers(BASIC);
        headers.put("Content-Type", contentType);
        assertThat(send(link(SmartPaySimulator.LINK_CANCELLED), headers).statusCode()).isEqualTo(200);
    }

    @Test
    void headerSentTwiceIsRefused() throws Exception {
        Map<String, String> headers = headers(BASIC);
        headers.remove("Origin");
        HttpRequest.Builder builder = HttpRequest.newBuilder(link(SmartPaySimulator.LINK_CANCELLED)).GET();
        headers.forEach(builder::header);
        builder.header("Origin", ORIGIN).header("Origin", ORIGIN);
        HttpResponse<String> response = client.send(builder.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(json(response).at("/errors/0/property").asText()).isEqualTo("Origin");
    }

    @Test
    void headersAreCheckedBeforeCredentials() throws Exception {
        Map<String, String> headers = headers("Basic d3Jvbmc6d3Jvbmc=");
        headers.remove("Origin");
        assertThat(send(link(SmartPaySimulator.LINK_CANCELLED), headers).statusCode()).isEqualTo(400);
    }

    // ------------------------------------------------------------------------------------------ Basic

    @Test
    void goodBasicCredentialsAreAcceptedAndRecorded() throws Exception {
        assertThat(get(SmartPaySimulator.LINK_CANCELLED).statusCode()).isEqualTo(200);
        assertThat(sim.lastAuthorizations()).containsExactly(BASIC);
        assertThat(sim.rejectedRequests()).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "wrong-merchant:test-authentication-key-secret-0001",
            "test-merchant-key-0001:wrong-key",
            "test-merchant-key-0001:",
            "test-merchant-key-0001",
            "test-client-id-0001:test-client-secret-value-0001"})
    void wrongBasicCredentialsAre401(String credentials) throws Exception {
        String authorization = "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> response = send(link(SmartPaySimulator.LINK_CANCELLED), headers(authorization));
        assertUnauthorized(response);
        assertThat(sim.lastAuthorizations()).containsExactly(authorization);
        assertThat(sim.rejectedRequests()).isEqualTo(1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"Basic", "Basic !!!not-base64!!!", "Digest abc", "Token abc", "Bearer", "Bearer unknown-token"})
    void malformedOrUnknownCredentialsAre401(String authorization) throws Exception {
        assertUnauthorized(send(link(SmartPaySimulator.LINK_CANCELLED), headers(authorization)));
    }

    @Test
    void missingAuthorizationIs401() throws Exception {
        Map<String, String> headers = headers(BASIC);
        headers.remove("Authorization");
        HttpResponse<String> response = send(link(SmartPaySimulator.LINK_CANCELLED), headers);
        assertUnauthorized(response);
        assertThat(json(response).get("message").asText()).contains("Authorization");
        assertThat(sim.lastAuthorizations()).containsExactly("");
    }

    @Test
    void lastAuthorizationsKeepsTheMostRecentHundred() throws Exception {
        for (int i = 0; i < 105; i++) {
            send(link(SmartPaySimulator.LINK_CANCELLED), headers("Bearer t" + i));
        }
        List<String> last = sim.lastAuthorizations();
        assertThat(last).hasSize(100);
        assertThat(last.get(0)).isEqualTo("Bearer t5");
        assertThat(last.get(99)).isEqualTo("Bearer t104");
    }

    // ------------------------------------------------------------------------------------------ OAuth2

    @Test
    void tokenForGoodClientCredentialsWorksAsBearer() throws Exception {
        HttpResponse<String> response = token("application/x-www-form-urlencoded", form("client_credentials", CLIENT_ID, CLIENT_SECRET), null);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Cache-Control")).hasValue("no-store");
        JsonNode body = json(response);
        assertThat(fieldNames(body)).containsExactly("access_token", "expires_in", "token_type");
        assertThat(body.get("expires_in").isIntegralNumber()).isTrue();
        assertThat(body.get("expires_in").asLong()).isEqualTo(3600);
        assertThat(body.get("token_type").asText()).isEqualTo("Bearer");
        String token = body.get("access_token").asText();
        assertThat(token).hasSizeGreaterThan(20);

        HttpResponse<String> call = send(link(SmartPaySimulator.LINK_CANCELLED), headers("Bearer " + token));
        assertThat(call.statusCode()).isEqualTo(200);
        assertThat(sim.tokenRequests()).isEqualTo(1);
        assertThat(sim.lastAuthorizations()).containsExactly("Bearer " + token);

        String second = json(token("application/x-www-form-urlencoded", form("client_credentials", CLIENT_ID, CLIENT_SECRET), null))
                .get("access_token").asText();
        assertThat(second).isNotEqualTo(token);
        assertThat(send(link(SmartPaySimulator.LINK_CANCELLED), headers("Bearer " + token)).statusCode()).isEqualTo(200);
    }

    @Test
    void clientCredentialsMayComeInABasicHeaderAsCognitoTakesThem() throws Exception {
        String basic = "Basic " + Base64.getEncoder().encodeToString((CLIENT_ID + ":" + CLIENT_SECRET).getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> response = token("application/x-www-form-urlencoded", "grant_type=client_credentials", basic);
        assertThat(response.statusCode()).isEqualTo(200);
        String token = json(response).get("access_token").asText();
        assertThat(send(link(SmartPaySimulator.LINK_CANCELLED), headers("Bearer " + token)).statusCode()).isEqualTo(200);

        // client_id in the body as well is fine when it agrees
        assertThat(token("application/x-www-form-urlencoded", "grant_type=client_credentials&client_id=" + CLIENT_ID, basic)
                .statusCode()).isEqualTo(200);
    }

    @Test
    void formValuesAreUrlDecodedAndCharsetIsAllowed() throws Exception {
        try (SmartPaySimulator special = new SmartPaySimulator(MERCHANT_KEY, AUTH_KEY, "id with space", "s&cret=+/%",
                ORIGIN, clock, Duration.ofSeconds(60))) {
            special.start();
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(special.tokenUrl())
                    .header("Content-Type", "application/x-www-form-urlencoded; charset=UTF-8")
                    .POST(HttpRequest.BodyPublishers.ofString(form("client_credentials", "id with space", "s&cret=+/%")))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(json(response).get("expires_in").asLong()).isEqualTo(60);
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', nullValues = "NULL", value = {
            "grant_type=client_credentials&client_id=test-client-id-0001&client_secret=wrong                     | invalid_client",
            "grant_type=client_credentials&client_id=someone-else&client_secret=test-client-secret-value-0001    | invalid_client",
            "grant_type=client_credentials&client_id=test-client-id-0001                                         | invalid_client",
            "grant_type=client_credentials&client_secret=test-client-secret-value-0001                           | invalid_client",
            "grant_type=client_credentials                                                                        | invalid_client",
            "grant_type=password&client_id=test-client-id-0001&client_secret=test-client-secret-value-0001       | unsupported_grant_type",
            "client_id=test-client-id-0001&client_secret=test-client-secret-value-0001                           | invalid_request",
            "grant_type=client_credentials&grant_type=client_credentials&client_id=test-client-id-0001&client_secret=test-client-secret-value-0001 | invalid_request",
            "grant_type=client_credentials&client_id=%zz&client_secret=x                                         | invalid_request"})
    void badTokenRequestsAre400WithAnOAuthError(String form, String error) throws Exception {
        HttpResponse<String> response = token("application/x-www-form-urlencoded", form, null);
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(json(response)).isEqualTo(mapper.createObjectNode().put("error", error));
        assertThat(sim.tokenRequests()).isEqualTo(1);
        assertThat(sim.rejectedRequests()).isEqualTo(1);
    }

    @Test
    void wrongClientInTheBasicHeaderIsInvalidClient() throws Exception {
        String basic = "Basic " + Base64.getEncoder().encodeToString((CLIENT_ID + ":wrong").getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> response = token("application/x-www-form-urlencoded", "grant_type=client_credentials", basic);
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(json(response).get("error").asText()).isEqualTo("invalid_client");
    }

    @Test
    void clientAuthenticatedTwiceIsInvalidRequest() throws Exception {
        String basic = "Basic " + Base64.getEncoder().encodeToString((CLIENT_ID + ":" + CLIENT_SECRET).getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> response = token("application/x-www-form-urlencoded",
                form("client_credentials", CLIENT_ID, CLIENT_SECRET), basic);
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(json(response).get("error").asText()).isEqualTo("invalid_request");
    }

    @ParameterizedTest
    @ValueSource(strings = {"application/json", "text/plain", "multipart/form-data; boundary=x", ""})
    void tokenRequestMustBeFormEncoded(String contentType) throws Exception {
        HttpResponse<String> response = token(contentType.isEmpty() ? null : contentType,
                form("client_credentials", CLIENT_ID, CLIENT_SECRET), null);
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(json(response).get("error").asText()).isEqualTo("invalid_request");
    }

    @Test
    void tokenEndpointTakesOnlyPost() throws Exception {
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(sim.tokenUrl()).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(405);
        assertThat(response.headers().firstValue("Allow")).hasValue("POST");
        assertThat(sim.tokenRequests()).isEqualTo(1);
    }

    @Test
    void expiredTokenIs401() throws Exception {
        String token = json(token("application/x-www-form-urlencoded", form("client_credentials", CLIENT_ID, CLIENT_SECRET), null))
                .get("access_token").asText();
        clock.advance(Duration.ofSeconds(3599));
        assertThat(send(link(SmartPaySimulator.LINK_CANCELLED), headers("Bearer " + token)).statusCode()).isEqualTo(200);
        clock.advance(Duration.ofSeconds(1));
        HttpResponse<String> response = send(link(SmartPaySimulator.LINK_CANCELLED), headers("Bearer " + token));
        assertUnauthorized(response);
        assertThat(json(response).get("message").asText()).isEqualTo("token expired");

        String fresh = json(token("application/x-www-form-urlencoded", form("client_credentials", CLIENT_ID, CLIENT_SECRET), null))
                .get("access_token").asText();
        assertThat(send(link(SmartPaySimulator.LINK_CANCELLED), headers("Bearer " + fresh)).statusCode()).isEqualTo(200);
    }

    // ------------------------------------------------------------------------------------------ routing

    @ParameterizedTest
    @ValueSource(strings = {"POST", "PUT", "DELETE", "PATCH"})
    void otherMethodsAre405(String method) throws Exception {
        HttpRequest.Builder builder = HttpRequest.newBuilder(link(SmartPaySimulator.LINK_PAID_FLOW))
                .method(method, HttpRequest.BodyPublishers.ofString("{}"));
        headers(BASIC).forEach(builder::header);
        HttpResponse<String> response = client.send(builder.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(405);
        assertThat(response.headers().firstValue("Allow")).hasValue("GET");
        assertThat(sim.rejectedRequests()).isEqualTo(1);
        assertThat(json(get(SmartPaySimulator.LINK_PAID_FLOW)).has("latestTransactionStatus")).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"/", "/payment-links", "/payment-links/", "/payment-links/a/b", "/payment/status/", "/v1/payment-links/PL-ODD"})
    void unknownPathsAre404(String path) throws Exception {
        HttpResponse<String> response = send(base.resolve(path), headers(BASIC));
        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(json(response).get("traceId").asText()).matches(UUID_PATTERN);
        assertThat(sim.rejectedRequests()).isEqualTo(1);
    }

    // ------------------------------------------------------------------------------------------ observability

    @Test
    void countersSeeEveryRequest() throws Exception {
        get(SmartPaySimulator.LINK_ODD);
        get("PL-404");
        send(link(SmartPaySimulator.LINK_ODD), headers("Bearer nope"));
        token("application/x-www-form-urlencoded", form("client_credentials", CLIENT_ID, CLIENT_SECRET), null);
        assertThat(sim.requestCount()).isEqualTo(4);
        assertThat(sim.requestsFor(SmartPaySimulator.LINK_ODD)).isEqualTo(2);
        assertThat(sim.requestsFor("PL-404")).isEqualTo(1);
        assertThat(sim.tokenRequests()).isEqualTo(1);
        assertThat(sim.rejectedRequests()).isEqualTo(1);
        assertThat(sim.lastAuthorizations()).containsExactly(BASIC, BASIC, "Bearer nope");
    }

    @Test
    void oneInfoLinePerRequestWithoutSecretsOrTokens() throws Exception {
        Logger logger = (Logger) LoggerFactory.getLogger(SmartPaySimulator.class);
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        logger.addAppender(appender);
        String token;
        try {
            token = json(token("application/x-www-form-urlencoded", form("client_credentials", CLIENT_ID, CLIENT_SECRET), null))
                    .get("access_token").asText();
            send(link(SmartPaySimulator.LINK_PAID_FLOW), headers("Bearer " + token));
            get(SmartPaySimulator.LINK_PAID_FLOW);
            send(link(SmartPaySimulator.LINK_PAID_FLOW), headers("Bearer " + token + "x"));
            token("application/x-www-form-urlencoded", form("client_credentials", CLIENT_ID, "wrong-secret"), null);
        } finally {
            logger.detachAppender(appender);
        }
        List<String> lines = appender.list.stream().map(ILoggingEvent::getFormattedMessage).collect(Collectors.toList());
        assertThat(appender.list).hasSize(5).allSatisfy(e -> assertThat(e.getLevel().toString()).isEqualTo("INFO"));
        assertThat(lines.get(0)).contains("POST /oauth2/token -> HTTP 200");
        assertThat(lines.get(1)).contains("GET /payment-links/PL-PAID-FLOW -> HTTP 200", "no transaction");
        assertThat(lines.get(2)).contains("GET /payment-links/PL-PAID-FLOW -> HTTP 200", "CREATED");
        assertThat(lines.get(3)).contains("-> HTTP 401");
        assertThat(lines.get(4)).contains("-> HTTP 400", "invalid_client");
        String basicCredentials = BASIC.substring("Basic ".length());
        assertThat(lines).allSatisfy(line -> assertThat(line)
                .doesNotContain(token, token.substring(2, token.length() - 2), AUTH_KEY, CLIENT_SECRET, "wrong-secret",
                        basicCredentials, MERCHANT_KEY, CLIENT_ID));
    }

    // ------------------------------------------------------------------------------------------ concurrency

    @Test
    void eightThreadsOfTwentyFiveCallsAllSucceed() throws Exception {
        String token = json(token("application/x-www-form-urlencoded", form("client_credentials", CLIENT_ID, CLIENT_SECRET), null))
                .get("access_token").asText();
        for (int t = 0; t < 8; t++) {
            sim.addLink("C-" + t, Arrays.asList(null, "CREATED", "CAPTURED"), null);
        }
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Callable<List<Integer>>> tasks = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                String id = "C-" + t;
                String authorization = t % 2 == 0 ? BASIC : "Bearer " + token;
                tasks.add(() -> {
                    List<Integer> codes = new ArrayList<>();
                    for (int i = 0; i < 25; i++) {
                        String linkId = i % 5 == 4 ? SmartPaySimulator.LINK_PAID_FLOW : id;
                        codes.add(send(link(linkId), headers(authorization)).statusCode());
                    }
                    return codes;
                });
            }
            List<Integer> all = new ArrayList<>();
            for (Future<List<Integer>> future : pool.invokeAll(tasks, 60, TimeUnit.SECONDS)) {
                all.addAll(future.get());
            }
            assertThat(all).hasSize(200).containsOnly(200);
        } finally {
            pool.shutdownNow();
        }
        assertThat(sim.requestCount()).isEqualTo(201);
        assertThat(sim.requestsFor(SmartPaySimulator.LINK_PAID_FLOW)).isEqualTo(40);
        for (int t = 0; t < 8; t++) {
            assertThat(sim.requestsFor("C-" + t)).isEqualTo(20);
        }
        assertThat(json(get("C-3")).get("latestTransactionStatus").asText()).isEqualTo("CAPTURED");
        assertThat(json(get(SmartPaySimulator.LINK_PAID_FLOW)).get("latestTransactionStatus").asText()).isEqualTo("SETTLED");
        assertThat(sim.rejectedRequests()).isZero();
    }

    // ------------------------------------------------------------------------------------------ helpers

    private static void assertMissingHeader(int status, JsonNode body, String header) {
        assertThat(status).isEqualTo(400);
        assertThat(body.get("traceId").asText()).matches(UUID_PATTERN);
        assertThat(body.get("errors")).hasSize(1);
        JsonNode error = body.at("/errors/0");
        assertThat(error.get("code").asText()).isEqualTo("MISSING_HEADER");
        assertThat(error.get("property").asText()).isEqualTo(header);
        assertThat(error.get("message").asText()).contains(header);
        assertThat(error.get("context").isObject()).isTrue();
    }

    private void assertUnauthorized(HttpResponse<String> response) throws IOException {
        assertThat(response.statusCode()).isEqualTo(401);
        JsonNode body = json(response);
        assertThat(fieldNames(body)).containsExactly("error", "errorDetails", "message");
        assertThat(body.get("error").asText()).isEqualTo("Unauthorized");
        assertThat(body.get("errorDetails").isObject()).isTrue();
        assertThat(body.get("message").asText()).isNotBlank();
    }

    /** The five headers every call needs, in a mutable map. */
    private static Map<String, String> headers(String authorization) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/json");
        headers.put("Accept-Language", "en-US");
        headers.put("Origin", ORIGIN);
        headers.put("User-Agent", "paylink-routes-test/1.0");
        headers.put("Authorization", authorization);
        return headers;
    }

    private URI link(String id) {
        return base.resolve("/payment-links/" + URLEncoder.encode(id, StandardCharsets.UTF_8).replace("+", "%20"));
    }

    private HttpResponse<String> get(String id) throws IOException, InterruptedException {
        return send(link(id), headers(BASIC));
    }

    private HttpResponse<String> send(URI uri, Map<String, String> headers) throws IOException, InterruptedException {
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).GET();
        headers.forEach(builder::header);
        return client.send(builder.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> token(String contentType, String body, String authorization) throws IOException, InterruptedException {
        HttpRequest.Builder builder = HttpRequest.newBuilder(sim.tokenUrl()).timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            builder.header("Content-Type", contentType);
        }
        if (authorization != null) {
            builder.header("Authorization", authorization);
        }
        return client.send(builder.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String form(String grantType, String clientId, String clientSecret) {
        return "grant_type=" + URLEncoder.encode(grantType, StandardCharsets.UTF_8)
                + "&client_id=" + URLEncoder.encode(clientId, StandardCharsets.UTF_8)
                + "&client_secret=" + URLEncoder.encode(clientSecret, StandardCharsets.UTF_8);
    }

    private JsonNode json(HttpResponse<String> response) throws IOException {
        return mapper.readTree(response.body());
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private record RawResponse(int status, String body) {
    }

    /** A GET written by hand, with exactly {@code headers} (plus Host and Connection: close). */
    private RawResponse raw(String path, Map<String, String> headers) throws IOException {
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(10_000);
            StringBuilder request = new StringBuilder("GET " + path + " HTTP/1.1\r\n")
                    .append("Host: 127.0.0.1:").append(base.getPort()).append("\r\n")
                    .append("Connection: close\r\n");
            headers.forEach((name, value) -> request.append(name).append(": ").append(value).append("\r\n"));
            request.append("\r\n");
            OutputStream out = socket.getOutputStream();
            out.write(request.toString().getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = socket.getInputStream();
            String answer = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            int status = Integer.parseInt(answer.substring(9, 12));
            int bodyStart = answer.indexOf("\r\n\r\n") + 4;
            return new RawResponse(status, answer.substring(bodyStart));
        }
    }

    /** A clock the test moves by hand. */
    private static final class MutableClock extends Clock {
        private volatile Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        void advance(Duration duration) {
            now = now.plus(duration);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
