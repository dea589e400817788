package dev.paylink.smartpay;

import static dev.paylink.smartpay.FakeSmartPay.Reply.json;
import static dev.paylink.smartpay.FakeSmartPay.replies;
import static dev.paylink.smartpay.SmartPayRoute.BACKOFF;
import static dev.paylink.smartpay.SmartPayRoute.BASIC;
import static dev.paylink.smartpay.SmartPayRoute.CLIENT_ID;
import static dev.paylink.smartpay.SmartPayRoute.CLIENT_SECRET;
import static dev.paylink.smartpay.SmartPayRoute.ORIGIN;
import static dev.paylink.smartpay.SmartPayRoute.USER_AGENT;
import static dev.paylink.smartpay.SmartPayRoute.spoken;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.paylink.smartpay.FakeSmartPay.Received;
import dev.paylink.smartpay.FakeSmartPay.Reply;
import dev.paylink.smartpay.LinkLookup.AuthFailed;
import dev.paylink.smartpay.LinkLookup.Failed;
import dev.paylink.smartpay.LinkLookup.Found;
import dev.paylink.smartpay.LinkLookup.NotFound;
import dev.paylink.smartpay.SmartPaySettings.Auth;
import dev.paylink.support.MutableClock;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.CamelExecutionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * routes/smartpay.camel.yaml against a real HTTP server on 127.0.0.1: headers, both auth schemes, the token cache, the
 * retries of Camel's error handler (their waits as the WARN lines announce them, and as the requests arrive), answers.
 */
class SmartPayRouteTest {

    static final String TX = "6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b";
    static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");

    @TempDir
    Path data;

    private FakeSmartPay fake;
    private final MutableClock clock = new MutableClock(T0);
    private final CountDownLatch release = new CountDownLatch(1);
    private final List<SmartPayRoute> started = new ArrayList<>();

    @BeforeEach
    void start() throws IOException {
        fake = FakeSmartPay.start();
    }

    @AfterEach
    void stop() {
        release.countDown();
        started.forEach(SmartPayRoute::close);
        fake.close();
    }

    // --- settings and helpers ------------------------------------------------------------------------------------

    SmartPayRoute route(String auth, int attempts, String... more) {
        try {
            SmartPayRoute route = SmartPayRoute.start(data, SmartPayRoute.settings(fake, auth, attempts, more), clock);
            started.add(route);
            return route;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    SmartPayRoute basic(int attempts, String... more) {
        return route("basic", attempts, more);
    }

    SmartPayRoute oauth(int attempts, String... more) {
        return route("oauth2", attempts, more);
    }

    static final String[] WITH_STATUS = {"paylink.smartpay.fetch-payment-status", "true"};

    static Reply token(String value, long expiresIn) {
        return json(200, "{\"access_token\":\"" + value + "\",\"expires_in\":" + expiresIn + ",\"token_type\":\"Bearer\"}");
    }

    /** Issues tok-1, tok-2, ... valid for the given seconds. */
    static FakeSmartPay.Handler tokens(long expiresIn) {
        AtomicInteger n = new AtomicInteger();
        return request -> token("tok-" + n.incrementAndGet(), expiresIn);
    }

    static Reply details(String id) {
        return json(200, "{\"id\":\"" + id + "\",\"payment\":{\"amount\":12.30,\"currencyCode\":\"EUR\",\"description\":\"x\"},"
                + "\"latestTransactionId\":\"" + TX + "\",\"latestTransactionStatus\":\"CREATED\"}");
    }

    static Found found(LinkLookup lookup) {
        assertThat(lookup).isInstanceOf(Found.class);
        return (Found) lookup;
    }

    static void assertApiHeaders(Received request, String authorization) {
        assertThat(request.method()).isEqualTo("GET");
        assertThat(request.header("Content-Type")).isEqualTo("application/json");
        assertThat(request.header("Accept")).isEqualTo("application/json");
        assertThat(request.header("Accept-Language")).isEqualTo("en-US");
        assertThat(request.header("Origin")).isEqualTo(ORIGIN);
        assertThat(request.header("User-Agent")).isEqualTo(USER_AGENT);
        assertThat(request.header("Authorization")).isEqualTo(authorization);
        for (String name : List.of("Content-Type", "Accept", "Accept-Language", "Origin", "User-Agent", "Authorization")) {
            assertThat(request.headers().get(name)).as(name + " sent once").hasSize(1);
        }
        // Nothing of Camel's (quartz, split, breadcrumb ...) travels as an HTTP header.
        assertThat(request.headers().keySet()).noneMatch(h -> h.toLowerCase().startsWith("camel") || h.toLowerCase().startsWith("paylink"));
        assertThat(request.body()).isEmpty();
    }

    /** Milliseconds between the arrival of request {@code i} and the one before it. */
    static long gapMillis(List<Received> requests, int i) {
        return TimeUnit.NANOSECONDS.toMillis(requests.get(i).nanos() - requests.get(i - 1).nanos());
    }

    // --- headers and auth ----------------------------------------------------------------------------------------

    @Test
    void basicAuthSendsEveryDocumentedHeaderExactly() {
        fake.on("/payment-links/", replies(details("PL-1")));

        LinkLookup lookup = basic(3).lookup("PL-1");

        assertThat(found(lookup).snapshot().paymentLinkId()).isEqualTo("PL-1");
        assertThat(fake.requests()).hasSize(1);
        Received request = fake.requests().get(0);
        assertThat(request.rawPath()).isEqualTo("/payment-links/PL-1");
        assertApiHeaders(request, BASIC);
    }

    @Test
    void thePathSegmentIsPercentEncoded() {
        fake.on("/payment-links/", replies(json(200, "{}")));

        basic(1).lookup("a b/c?d#e%f+é");

        assertThat(fake.requests().get(0).rawPath()).isEqualTo("/payment-links/a%20b%2Fc%3Fd%23e%25f%2B%C3%A9");
    }

    @Test
    void aBaseUrlWithAPathAndTrailingSlashIsJoinedCleanly() {
        fake.on("/gateway/smartpay/payment-links/", replies(details("PL-1")));
        SmartPayRoute prefixed = basic(1, "paylink.smartpay.url", fake.url() + "/gateway/smartpay/");

        assertThat(prefixed.lookup("PL-1")).isInstanceOf(Found.class);
        assertThat(fake.requests().get(0).rawPath()).isEqualTo("/gateway/smartpay/payment-links/PL-1");
    }

    @Test
    void oauth2PostsTheExactFormAndSendsTheBearerToken() {
        fake.on(FakeSmartPay.TOKEN_PATH, replies(token("eyJ.abc-123_x", 3600))).on("/payment-links/", replies(details("PL-1")));

        assertThat(oauth(3).lookup("PL-1")).isInstanceOf(Found.class);

        assertThat(fake.tokenRequests()).hasSize(1);
        Received tokenCall = fake.tokenRequests().get(0);
        assertThat(tokenCall.method()).isEqualTo("POST");
        assertThat(tokenCall.text()).isEqualTo(
                "grant_type=client_credentials&client_id=client-id-0042&client_secret=s3cr%26t%3Dx%2By+z%2F%C3%A4");
        assertThat(tokenCall.header("Content-Type")).isEqualTo("application/x-www-form-urlencoded");
        assertThat(tokenCall.header("Accept")).isEqualTo("application/json");
        assertThat(tokenCall.header("User-Agent")).isEqualTo(USER_AGENT);
        assertThat(tokenCall.headers().containsKey("Authorization")).isFalse();
        assertThat(tokenCall.headers().containsKey("Origin")).isFalse();
        assertThat(tokenCall.headers().containsKey("Accept-language")).isFalse();

        assertThat(fake.apiRequests()).hasSize(1);
        assertApiHeaders(fake.apiRequests().get(0), "Bearer eyJ.abc-123_x");
    }

    @Test
    void oneTokenServesManyLookups() {
        fake.on(FakeSmartPay.TOKEN_PATH, tokens(3600)).on("/payment-links/", replies(details("PL-1")));
        SmartPayRoute client = oauth(3);

        for (int i = 0; i < 5; i++) {
            assertThat(client.lookup("PL-1")).isInstanceOf(Found.class);
        }

        assertThat(fake.tokenRequests()).hasSize(1);
        assertThat(fake.apiRequests()).hasSize(5).allSatisfy(r -> assertThat(r.header("Authorization")).isEqualTo("Bearer tok-1"));
    }

    @Test
    void eightConcurrentLookupsShareOneTokenFetch() throws Exception {
        CountDownLatch allStarted = new CountDownLatch(8);
        CountDownLatch answerToken = new CountDownLatch(1);
        fake.on(FakeSmartPay.TOKEN_PATH, request -> {
            answerToken.await(10, TimeUnit.SECONDS);
            return token("shared", 3600);
        }).on("/payment-links/", replies(details("PL-1")));
        SmartPayRoute client = oauth(3);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<LinkLookup>> results = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                results.add(pool.submit(() -> {
                    allStarted.countDown();
                    return client.lookup("PL-1");
                }));
            }
            allStarted.await(10, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(10)).until(() -> fake.tokenRequests().size() == 1);
            answerToken.countDown();
            for (Future<LinkLookup> result : results) {
                assertThat(result.get(10, TimeUnit.SECONDS)).isInstanceOf(Found.class);
            }
        } finally {
            answerToken.countDown();
            pool.shutdownNow();
        }

        assertThat(fake.tokenRequests()).hasSize(1);
        assertThat(fake.apiRequests()).hasSize(8).allSatisfy(r -> assertThat(r.header("Authorization")).isEqualTo("Bearer shared"));
    }

    @Test
    void theTokenIsRenewedSixtySecondsBeforeItExpires() {
        fake.on(FakeSmartPay.TOKEN_PATH, tokens(3600)).on("/payment-links/", replies(details("PL-1")));
        SmartPayRoute client = oauth(3);

        client.lookup("PL-1");
        clock.advance(Duration.ofSeconds(3600 - 60 - 1));
        client.lookup("PL-1");
        assertThat(fake.tokenRequests()).hasSize(1);

        clock.advance(Duration.ofSeconds(1));
        client.lookup("PL-1");
        client.lookup("PL-1");

        assertThat(fake.tokenRequests()).hasSize(2);
        assertThat(fake.apiRequests()).extracting(r -> r.header("Authorization"))
                .containsExactly("Bearer tok-1", "Bearer tok-1", "Bearer tok-2", "Bearer tok-2");
    }

    @Test
    void aShortLivedTokenIsRenewedTenPercentBeforeItExpires() {
        fake.on(FakeSmartPay.TOKEN_PATH, tokens(300)).on("/payment-links/", replies(details("PL-1")));
        SmartPayRoute client = oauth(3);

        client.lookup("PL-1");
        clock.advance(Duration.ofSeconds(269));
        client.lookup("PL-1");
        assertThat(fake.tokenRequests()).hasSize(1);
        clock.advance(Duration.ofSeconds(1));
        client.lookup("PL-1");

        assertThat(fake.tokenRequests()).hasSize(2);
    }

    @Test
    void a401FetchesOneNewTokenAndRetriesOnce() {
        fake.on(FakeSmartPay.TOKEN_PATH, tokens(3600))
                .on("/payment-links/", replies(json(401, "{\"message\":\"Unauthorized\"}"), details("PL-1")));
        SmartPayRoute client = oauth(3);

        assertThat(client.lookup("PL-1")).isInstanceOf(Found.class);

        assertThat(fake.tokenRequests()).hasSize(2);
        assertThat(fake.apiRequests()).extracting(r -> r.header("Authorization")).containsExactly("Bearer tok-1", "Bearer tok-2");
        assertThat(client.waits()).as("the renewal is no attempt of its own: no wait").isEmpty();

        client.lookup("PL-1");
        assertThat(fake.tokenRequests()).as("the renewed token is cached").hasSize(2);
    }

    @Test
    void a401AfterTheRenewalIsAuthFailed() {
        fake.on(FakeSmartPay.TOKEN_PATH, tokens(3600))
                .on("/payment-links/", replies(json(401, "{\"message\":\"Unauthorized\"}")));

        LinkLookup lookup = oauth(3).lookup("PL-1");

        assertThat(lookup).isInstanceOf(AuthFailed.class);
        assertThat(((AuthFailed) lookup).httpStatus()).isEqualTo(401);
        assertThat(((AuthFailed) lookup).message()).contains("Unauthorized");
        assertThat(fake.tokenRequests()).hasSize(2);
        assertThat(fake.apiRequests()).hasSize(2);
    }

    @Test
    void theTokenEndpointRefusingTheCredentialsIsAuthFailedWithoutRetry() {
        fake.on(FakeSmartPay.TOKEN_PATH, replies(json(400, "{\"error\":\"invalid_client\"}")));

        LinkLookup lookup = oauth(3).lookup("PL-1");

        assertThat(lookup).isInstanceOf(AuthFailed.class);
        AuthFailed failed = (AuthFailed) lookup;
        assertThat(failed.httpStatus()).isEqualTo(400);
        assertThat(failed.message()).startsWith("token endpoint refused the client credentials").contains("invalid_client")
                .doesNotContain(CLIENT_SECRET).doesNotContain(CLIENT_ID);
        assertThat(fake.tokenRequests()).hasSize(1);
        assertThat(fake.apiRequests()).isEmpty();
    }

    @Test
    void aFailingTokenEndpointIsRetriedThenFailed() {
        fake.on(FakeSmartPay.TOKEN_PATH, replies(json(503, "{\"error\":\"down\"}")));

        SmartPayRoute route = oauth(3);
        LinkLookup lookup = route.lookup("PL-1");

        assertThat(lookup).isInstanceOf(Failed.class);
        assertThat(((Failed) lookup).message()).contains("3 attempts").contains("503");
        assertThat(fake.tokenRequests()).hasSize(3);
        assertThat(fake.apiRequests()).isEmpty();
        assertThat(route.waits()).containsExactly(spoken(BACKOFF), spoken(BACKOFF.multipliedBy(2)));
        assertThat(gapMillis(fake.tokenRequests(), 2)).isGreaterThanOrEqualTo(BACKOFF.multipliedBy(2).toMillis());
    }

    @Test
    void basic403IsAuthFailedAfterOneRequest() {
        fake.on("/payment-links/", replies(json(403, "{\"traceId\":\"tr-403\",\"errors\":[{\"message\":\"Forbidden\",\"code\":\"AUTH\"}]}")));

        LinkLookup lookup = basic(3).lookup("PL-1");

        assertThat(lookup).isInstanceOf(AuthFailed.class);
        assertThat(((AuthFailed) lookup).httpStatus()).isEqualTo(403);
        assertThat(((AuthFailed) lookup).message()).contains("tr-403").contains("Forbidden");
        assertThat(fake.requests()).hasSize(1);
    }

    @Test
    void oauth403IsAuthFailedAfterOneRenewal() {
        fake.on(FakeSmartPay.TOKEN_PATH, tokens(3600)).on("/payment-links/", replies(json(403, "{\"error\":\"Forbidden\"}")));

        LinkLookup lookup = oauth(3).lookup("PL-1");

        assertThat(lookup).isInstanceOf(AuthFailed.class);
        assertThat(fake.tokenRequests()).hasSize(2);
        assertThat(fake.apiRequests()).hasSize(2);
    }

    // --- answers -------------------------------------------------------------------------------------------------

    @Test
    void readsTheFullSeedShapedAnswerIntoTheSnapshot() {
        fake.on("/payment-links/", replies(json(200, FakeSmartPay.resource("full-details.json"))));

        PaymentLinkSnapshot snapshot = found(basic(1).lookup("PL-7f3c9a")).snapshot();

        assertThat(snapshot).isEqualTo(new PaymentLinkSnapshot("PL-7f3c9a", "AUTHORIZED", PaymentStatusClass.AUTHORIZED, TX,
                new BigDecimal("1100.50"), "EUR", Instant.parse("2022-12-30T18:14:51Z"), "Erika Mustermann",
                "erika.mustermann@example.org", "https://pay.smartpay.example/hpp/PL-7f3c9a",
                "https://pay.smartpay.example/qr/PL-7f3c9a.png"));
        assertThat(snapshot.amount().scale()).isEqualTo(2);
    }

    @Test
    void aMissingLatestTransactionStatusIsPending() {
        fake.on("/payment-links/", replies(json(200, "{\"id\":\"PL-1\",\"payment\":{\"amount\":5,\"currencyCode\":\"EUR\"},"
                + "\"expiryDate\":\"2025-02-01T10:00:00+01:00\",\"somethingNew\":[1,2]}")));

        PaymentLinkSnapshot snapshot = found(basic(1).lookup("PL-1")).snapshot();

        assertThat(snapshot.rawStatus()).isNull();
        assertThat(snapshot.statusClass()).isEqualTo(PaymentStatusClass.PENDING);
        assertThat(snapshot.latestTransactionId()).isNull();
        assertThat(snapshot.amount()).isEqualTo(new BigDecimal("5"));
        assertThat(snapshot.expiryDate()).isEqualTo(Instant.parse("2025-02-01T09:00:00Z"));
    }

    @Test
    void aMinimalAnswerIsFound() {
        fake.on("/payment-links/", replies(json(200, "{\"id\":\"x\"}")));

        PaymentLinkSnapshot snapshot = found(basic(1).lookup("x")).snapshot();

        assertThat(snapshot).isEqualTo(new PaymentLinkSnapshot("x", null, PaymentStatusClass.PENDING, null, null, null, null,
                null, null, null, null));
    }

    @Test
    void anAnswerWithoutIdTakesTheRequestedOne() {
        fake.on("/payment-links/", replies(json(200, "{\"latestTransactionStatus\":\"CAPTURED\"}")));

        PaymentLinkSnapshot snapshot = found(basic(1).lookup("PL-9")).snapshot();

        assertThat(snapshot.paymentLinkId()).isEqualTo("PL-9");
        assertThat(snapshot.statusClass()).isEqualTo(PaymentStatusClass.PAID);
    }

    @Test
    void anAnswerForAnotherLinkIsFailed() {
        fake.on("/payment-links/", replies(json(200, "{\"id\":\"PL-OTHER\"}")));

        LinkLookup lookup = basic(3).lookup("PL-1");

        assertThat(lookup).isInstanceOf(Failed.class);
        assertThat(((Failed) lookup).message()).contains("PL-OTHER").contains("PL-1");
        assertThat(fake.requests()).hasSize(1);
    }

    @Test
    void fieldsThatDoNotFitAreDroppedAndTheRestKept() {
        fake.on("/payment-links/", replies(json(200, "{\"id\":\"PL-1\",\"expiryDate\":\"next tuesday\","
                + "\"payment\":{\"amount\":\"12.50\",\"currencyCode\":{\"iso\":\"EUR\"}},\"latestTransactionStatus\":\"SETTLED\","
                + "\"order\":{\"lines\":[{\"lineNumber\":1,\"quantity\":\"many\",\"grossAmount\":3.10},\"junk\"]}}")));

        PaymentLinkSnapshot snapshot = found(basic(1).lookup("PL-1")).snapshot();

        assertThat(snapshot.expiryDate()).isNull();
        assertThat(snapshot.currency()).isNull();
        assertThat(snapshot.amount()).isEqualTo(new BigDecimal("12.50"));
        assertThat(snapshot.rawStatus()).isEqualTo("SETTLED");
    }

    @Test
    void anUnreadable200IsRetried() {
        fake.on("/payment-links/", replies(new Reply(200, java.util.Map.of("Content-Type", "text/html"), "<html>maintenance</html>"),
                details("PL-1")));

        SmartPayRoute route = basic(3);
        assertThat(route.lookup("PL-1")).isInstanceOf(Found.class);

        assertThat(fake.requests()).hasSize(2);
        assertThat(route.waits()).containsExactly(spoken(BACKOFF));
    }

    @Test
    void anUnreadable200EveryTimeIsFailed() {
        fake.on("/payment-links/", replies(json(200, "[1,2]")));

        LinkLookup lookup = basic(2).lookup("PL-1");

        assertThat(lookup).isInstanceOf(Failed.class);
        assertThat(((Failed) lookup).message()).contains("unreadable body");
        assertThat(fake.requests()).hasSize(2);
    }

    // --- errors, retries, timeouts -------------------------------------------------------------------------------

    @Test
    void notFoundCarriesTheTraceId() {
        fake.on("/payment-links/", replies(json(404, "{\"traceId\":\"1-67a0-abc\",\"errors\":[{\"message\":\"Payment link not found\","
                + "\"code\":\"PAYMENT_LINK_NOT_FOUND\",\"property\":\"paymentLinkId\",\"context\":{}}]}")));

        LinkLookup lookup = basic(3).lookup("PL-1");

        assertThat(lookup).isInstanceOf(NotFound.class);
        assertThat(((NotFound) lookup).message()).contains("1-67a0-abc").contains("PAYMENT_LINK_NOT_FOUND: Payment link not found")
                .contains("paymentLinkId").doesNotContain("\n");
        assertThat(fake.requests()).hasSize(1);
    }

    @Test
    void aBadRequestIsFailedAfterOneRequestWithTheErrorShapeDescribed() {
        fake.on("/payment-links/", replies(json(400, "{\"error\":\"Bad Request\",\"errorDetails\":{\"field\":\"paymentLinkId\"},"
                + "\"message\":{\"text\":\"malformed id\"}}")));

        SmartPayRoute route = basic(3);
        LinkLookup lookup = route.lookup("PL-1");

        assertThat(lookup).isInstanceOf(Failed.class);
        assertThat(((Failed) lookup).message()).contains("HTTP 400").contains("Bad Request").contains("malformed id")
                .contains("paymentLinkId");
        assertThat(fake.requests()).hasSize(1);
        assertThat(route.waits()).isEmpty();
    }

    @Test
    void aRedirectIsNotFollowed() {
        fake.on("/payment-links/", replies(json(301, "").with("Location", "https://elsewhere.example/")));

        LinkLookup lookup = basic(3).lookup("PL-1");

        assertThat(lookup).isInstanceOf(Failed.class);
        assertThat(((Failed) lookup).message()).contains("301").contains("elsewhere.example");
        assertThat(fake.requests()).hasSize(1);
    }

    @Test
    void retryAfterSecondsIsHonoured() {
        fake.on("/payment-links/", replies(json(503, "{\"error\":\"busy\"}").with("Retry-After", "1"), details("PL-1")));

        SmartPayRoute route = basic(3);
        assertThat(route.lookup("PL-1")).isInstanceOf(Found.class);

        assertThat(route.waits()).containsExactly("1 s");
        assertThat(fake.requests()).hasSize(2);
        assertThat(gapMillis(fake.requests(), 1)).as("Camel waited the Retry-After, not the 100 ms backoff").isGreaterThanOrEqualTo(1000);
    }

    @Test
    void retryAfterAsAnHttpDateIsHonoured() {
        String inOneSecond = DateTimeFormatter.RFC_1123_DATE_TIME.format(T0.plusSeconds(1).atOffset(ZoneOffset.UTC));
        fake.on("/payment-links/", replies(json(429, "").with("Retry-After", inOneSecond), details("PL-1")));

        SmartPayRoute route = basic(3);
        assertThat(route.lookup("PL-1")).isInstanceOf(Found.class);

        assertThat(route.waits()).containsExactly("1 s");
        assertThat(gapMillis(fake.requests(), 1)).isGreaterThanOrEqualTo(1000);
    }

    /** The route's wait (the CamelRedeliveryDelay it sets) for a Retry-After, as computed: capped, never negative. */
    @Test
    void aHugeRetryAfterIsCappedAtFiveMinutes() {
        SmartPayHttp http = basic(3).camel.getRegistry().lookupByNameAndType("smartPayHttp", SmartPayHttp.class);

        assertThat(http.retryAfter("86400")).contains(Duration.ofMinutes(5));
        assertThat(http.retryAfter("99999999999")).contains(Duration.ofMinutes(5));
        assertThat(http.retryAfter("Wed, 01 Jan 2025 06:00:00 GMT")).contains(Duration.ofMinutes(5));
        assertThat(http.retryAfter("Tue, 31 Dec 2024 23:00:00 GMT")).contains(Duration.ZERO);
        assertThat(http.retryAfter("soon")).isEmpty();
        assertThat(http.backoff(20)).isEqualTo(Duration.ofMinutes(5));
    }

    @Test
    void serverErrorsAreRetriedAttemptsTimesThenFailed() {
        fake.on("/payment-links/", replies(json(500, "{\"traceId\":\"tr-500\",\"errors\":[{\"message\":\"boom\"}]}")));

        SmartPayRoute route = basic(4);
        LinkLookup lookup = route.lookup("PL-1");

        assertThat(lookup).isInstanceOf(Failed.class);
        assertThat(((Failed) lookup).message()).contains("4 attempts").contains("HTTP 500").contains("tr-500").contains("boom");
        assertThat(fake.requests()).hasSize(4);
        assertThat(route.waits()).containsExactly(spoken(BACKOFF), spoken(BACKOFF.multipliedBy(2)), spoken(BACKOFF.multipliedBy(4)));
        List<Received> requests = fake.requests();
        for (int i = 1; i < 4; i++) {
            assertThat(gapMillis(requests, i)).as("wait before attempt " + (i + 1)).isGreaterThanOrEqualTo(BACKOFF.toMillis() << (i - 1));
        }
    }

    @Test
    void aReadTimeoutIsRetriedThenFailed() {
        fake.on("/payment-links/", request -> {
            release.await();
            return details("PL-1");
        });
        SmartPayRoute slow = basic(2, "paylink.smartpay.connect-timeout", "1s", "paylink.smartpay.read-timeout", "300ms");

        long started = System.nanoTime();
        LinkLookup lookup = slow.lookup("PL-1");

        assertThat(lookup).isInstanceOf(Failed.class);
        assertThat(((Failed) lookup).message()).contains("2 attempts").containsIgnoringCase("timeout").contains("300 ms");
        assertThat(fake.requests()).hasSize(2);
        assertThat(slow.waits()).containsExactly(spoken(BACKOFF));
        assertThat(Duration.ofNanos(System.nanoTime() - started)).as("two read timeouts and one wait, not 90 s")
                .isBetween(Duration.ofMillis(700), Duration.ofSeconds(5));
    }

    @Test
    void connectionRefusedIsRetriedThenFailed() throws IOException {
        URI closed;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = URI.create("http://127.0.0.1:" + socket.getLocalPort());
        }
        SmartPayRoute nowhere = basic(3, "paylink.smartpay.url", closed.toString());

        LinkLookup lookup = nowhere.lookup("PL-1");

        assertThat(lookup).isInstanceOf(Failed.class);
        assertThat(((Failed) lookup).message()).contains("3 attempts").contains("could not connect");
        assertThat(nowhere.waits()).containsExactly(spoken(BACKOFF), spoken(BACKOFF.multipliedBy(2)));
    }

    // --- payment status ------------------------------------------------------------------------------------------

    @Test
    void thePaymentStatusIsFetchedAndWins() {
        fake.on(FakeSmartPay.TOKEN_PATH, tokens(3600))
                .on("/payment-links/", replies(details("PL-1")))
                .on("/payment/status/", replies(json(200, "{\"paymentStatus\":\"CAPTURED\",\"paymentLinkId\":\"PL-1\","
                        + "\"transactionOverview\":{\"transactionId\":\"" + TX + "\",\"amount\":12.30,\"currencyCode\":\"EUR\","
                        + "\"paymentMethod\":{\"type\":\"CARD\"}},\"modifications\":[{\"type\":\"CAPTURE\",\"amount\":12.30}]}")));

        PaymentLinkSnapshot snapshot = found(oauth(3, WITH_STATUS).lookup("PL-1")).snapshot();

        assertThat(snapshot.rawStatus()).isEqualTo("CAPTURED");
        assertThat(snapshot.statusClass()).isEqualTo(PaymentStatusClass.PAID);
        assertThat(fake.apiRequests()).extracting(Received::rawPath).containsExactly("/payment-links/PL-1", "/payment/status/" + TX);
        assertApiHeaders(fake.requests("/payment/status/").get(0), "Bearer tok-1");
        assertThat(fake.tokenRequests()).hasSize(1);
    }

    @Test
    void noStatusCallWithoutATransaction() {
        fake.on("/payment-links/", replies(json(200, "{\"id\":\"PL-1\"}")));

        assertThat(basic(3, WITH_STATUS).lookup("PL-1")).isInstanceOf(Found.class);

        assertThat(fake.requests()).hasSize(1);
    }

    @Test
    void aFailingStatusCallKeepsTheDetails() {
        fake.on("/payment-links/", replies(details("PL-1"))).on("/payment/status/", replies(json(500, "{\"error\":\"boom\"}")));

        PaymentLinkSnapshot snapshot = found(basic(3, WITH_STATUS).lookup("PL-1")).snapshot();

        assertThat(snapshot.rawStatus()).isEqualTo("CREATED");
        assertThat(snapshot.amount()).isEqualTo(new BigDecimal("12.30"));
        assertThat(fake.requests("/payment/status/")).hasSize(3);
        assertThat(fake.requests("/payment-links/")).hasSize(1);
    }

    @Test
    void theStatusCallHasAttemptsOfItsOwn() {
        fake.on("/payment-links/", replies(json(503, "{\"error\":\"busy\"}"), json(503, "{\"error\":\"busy\"}"), details("PL-1")))
                .on("/payment/status/", replies(json(500, "{\"error\":\"boom\"}")));

        PaymentLinkSnapshot snapshot = found(basic(3, WITH_STATUS).lookup("PL-1")).snapshot();

        assertThat(snapshot.rawStatus()).isEqualTo("CREATED");
        assertThat(fake.requests("/payment-links/")).hasSize(3);
        assertThat(fake.requests("/payment/status/")).as("not what the link's GET left of Camel's redelivery count").hasSize(3);
    }

    @Test
    void aStatusWithoutPaymentStatusKeepsTheLatestTransactionStatus() {
        fake.on("/payment-links/", replies(details("PL-1"))).on("/payment/status/", replies(json(200, "{\"modifications\":[]}")));

        assertThat(found(basic(3, WITH_STATUS).lookup("PL-1")).snapshot().rawStatus()).isEqualTo("CREATED");
    }

    @Test
    void aRefusedStatusCallIsAuthFailed() {
        fake.on("/payment-links/", replies(details("PL-1"))).on("/payment/status/", replies(json(403, "{\"error\":\"Forbidden\"}")));

        LinkLookup lookup = basic(3, WITH_STATUS).lookup("PL-1");

        assertThat(lookup).isInstanceOf(AuthFailed.class);
        assertThat(((AuthFailed) lookup).httpStatus()).isEqualTo(403);
    }

    // --- settings ------------------------------------------------------------------------------------------------

    @Test
    void refusesIncompleteSettings() {
        SmartPaySettings s = new SmartPaySettings(fake.url(), Auth.OAUTH2, null, null, CLIENT_ID, CLIENT_SECRET, fake.tokenUrl(), ORIGIN,
                USER_AGENT, Duration.ofSeconds(2), Duration.ofSeconds(5), 3, BACKOFF, false);
        assertThat(SmartPayWiring.validate(s)).isSameAs(s);
        assertThatThrownBy(() -> SmartPayWiring.validate(new SmartPaySettings(s.url(), Auth.OAUTH2, null, null, CLIENT_ID, CLIENT_SECRET, null,
                ORIGIN, USER_AGENT, s.connectTimeout(), s.readTimeout(), 3, BACKOFF, false)))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("tokenUrl");
        assertThatThrownBy(() -> SmartPayWiring.validate(new SmartPaySettings(s.url(), Auth.BASIC, SmartPayRoute.MERCHANT_KEY, " ", null, null,
                null, ORIGIN, USER_AGENT, s.connectTimeout(), s.readTimeout(), 3, BACKOFF, false)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("authenticationKey");
        assertThatThrownBy(() -> SmartPayWiring.validate(new SmartPaySettings(s.url(), Auth.BASIC, SmartPayRoute.MERCHANT_KEY,
                SmartPayRoute.AUTH_KEY, null, null, null, ORIGIN, "bad\r\nX-Injected: 1", s.connectTimeout(), s.readTimeout(), 3, BACKOFF, false)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SmartPayWiring.validate(new SmartPaySettings(s.url(), Auth.BASIC, SmartPayRoute.MERCHANT_KEY,
                SmartPayRoute.AUTH_KEY, null, null, null, ORIGIN, USER_AGENT, s.connectTimeout(), s.readTimeout(), 0, BACKOFF, false)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("attempts");
        assertThatThrownBy(() -> basic(1).lookup(" ")).isInstanceOf(CamelExecutionException.class)
                .hasRootCauseInstanceOf(IllegalArgumentException.class);
        assertThat(fake.requests()).isEmpty();
    }
}
