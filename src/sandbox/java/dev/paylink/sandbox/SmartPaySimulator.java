package dev.paylink.sandbox;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.math.RoundingMode;

import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Queue;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;

import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A loopback simulator of the SmartPay payment-link API for the calls this project makes: the OAuth2 token endpoint,
 * {@code GET /payment-links/{paymentLinkId}} (Get Payment Link Details) and {@code GET /payment/status/{transactionId}}
 * (Get Payment Status). It checks every request as strictly as {@code reference/smartpay.md} describes (the five
 * headers on every call, Basic or Bearer credentials, the form of the token request) and answers in the documented
 * shapes: full link details per {@code seeds/003_b5296f6bfbe7c425.txt}, and the two error-body shapes.
 *
 * <p>Some payment-link ids are scripted (see the {@code LINK_*} constants) so that enrichment can be seen moving a link
 * to PAID, CANCELLED, EXPIRED or UNKNOWN without a real account; tests register more with
 * {@link #addLink(String, List, Instant)}.
 *
 * <p>Answers: 200 (found), 400 with {@code {"traceId", "errors": [...]}} for a missing or wrong header, 401 with
 * {@code {"error", "errorDetails", "message"}} for missing or wrong credentials or an expired token, 404 with a traceId
 * for an unknown link, transaction or path, 405 for another method, 503 with {@code Retry-After} for
 * {@link #LINK_FLAKY}. The token endpoint answers OAuth2 errors ({@code invalid_request}, {@code invalid_client},
 * {@code unsupported_grant_type}) with HTTP 400, as Cognito does.
 *
 * <p>Plain Java: the JDK's {@link HttpServer} on 127.0.0.1, a bounded pool of {@value #THREADS} threads.
 */
public final class SmartPaySimulator implements AutoCloseable {

    /** Obviously fake merchant key used when {@code paylink.sandbox=true}. */
    public static final String SANDBOX_MERCHANT_KEY = "sandbox-merchant-key-not-real";
    /** Obviously fake authentication key (Basic scheme) used when {@code paylink.sandbox=true}. */
    public static final String SANDBOX_AUTHENTICATION_KEY = "sandbox-authentication-key-not-a-real-secret";
    /** Obviously fake OAuth2 client id used when {@code paylink.sandbox=true}. */
    public static final String SANDBOX_CLIENT_ID = "sandbox-client-id-not-real";
    /** Obviously fake OAuth2 client secret used when {@code paylink.sandbox=true}. */
    public static final String SANDBOX_CLIENT_SECRET = "sandbox-client-secret-not-a-real-secret";
    /** The merchant origin the sandbox expects in the {@code Origin} header. */
    public static final String SANDBOX_ORIGIN = "https://sandbox.paylink.invalid";
    /** Lifetime of the tokens of the no-argument constructor (what the reference's example answers). */
    public static final Duration DEFAULT_TOKEN_LIFETIME = Duration.ofSeconds(3600);

    /**
     * Advances one step per GET of its details: first no transaction (no {@code latestTransactionId} nor
     * {@code latestTransactionStatus}), then {@code CREATED}, {@code AUTHORIZATION_COMPLETED}, {@code CAPTURED},
     * and {@code SETTLED} from the fifth GET on. The transaction id (a UUID) appears with CREATED and stays the same.
     */
    public static final String LINK_PAID_FLOW = "PL-PAID-FLOW";
    /** {@code CANCELLED} from the first GET on. */
    public static final String LINK_CANCELLED = "PL-CANCELLED";
    /**
     * Never gets a transaction (no {@code latestTransactionStatus}); its {@code expiryDate} is 30 s after the
     * simulator was started (its {@code creationDate}), so it expires.
     */
    public static final String LINK_EXPIRING = "PL-EXPIRING";
    /** Its latest transaction has the undocumented status {@code PARTIALLY_REFUNDED}; expires in 30 days. */
    public static final String LINK_ODD = "PL-ODD";
    /** Never exists: HTTP 404 with a traceId and "payment link not found", like any id the simulator does not know. */
    public static final String LINK_NOT_FOUND = "PL-404";
    /** The first GET of its details answers HTTP 503 with {@code Retry-After: 1}; then a pending link ({@code CREATED}). */
    public static final String LINK_FLAKY = "PL-FLAKY";

    /** How long {@link #LINK_EXPIRING} lives after the start. */
    public static final Duration EXPIRING_LIFETIME = Duration.ofSeconds(30);
    /** How long the other scripted links, and links added without an expiry date, live. */
    public static final Duration DEFAULT_LINK_LIFETIME = Duration.ofDays(30);
    /** Gross amount of every link (EUR, 19 % VAT included): {@code 149.00}. */
    public static final BigDecimal AMOUNT = new BigDecimal("149.00");
    /** Currency of every link. */
    public static final String CURRENCY = "EUR";
    /** Prefix of every {@code paymentUrl}; {@code .invalid} so that nobody can ever pay it. */
    public static final String PAYMENT_URL_PREFIX = "https://sandbox.smartpay.invalid/pay/";
    /** Prefix of every {@code qrCodeUrl}. */
    public static final String QR_CODE_URL_PREFIX = "https://sandbox.smartpay.invalid/qr/";
    /** Path of the OAuth2 token endpoint on the simulator. */
    public static final String TOKEN_PATH = "/oauth2/token";
    /** {@link #lastAuthorizations()} keeps at most this many (the most recent). */
    public static final int MAX_AUTHORIZATIONS = 100;
    /**
     * {@link #requestsFor(String)} tracks at most this many ids, so that the in-app sandbox stays small whatever ids
     * it is asked for; past it, requests for ids not yet tracked are still counted in {@link #requestCount()}.
     */
    public static final int MAX_TRACKED_LINK_IDS = 100_000;

    static final int THREADS = 8;
    private static final int MAX_BODY_BYTES = 64 * 1024;
    private static final int MAX_TOKENS = 10_000;
    private static final BigDecimal VAT_PERCENT = new BigDecimal("19.00");
    private static final String LINKS_PREFIX = "/payment-links/";
    private static final String STATUS_PREFIX = "/payment/status/";
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'")
            .withZone(ZoneOffset.UTC);
    private static final Logger LOG = LoggerFactory.getLogger(SmartPaySimulator.class);

    private final String merchantKey;
    private final String authenticationKey;
    private final String clientId;
    private final String clientSecret;
    private final String origin;
    private final Clock clock;
    private final Duration tokenLifetime;
    private final ObjectMapper mapper = new ObjectMapper().enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN);
    private final SecureRandom random = new SecureRandom();

    private final ConcurrentHashMap<String, Link> links = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Link> transactions = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Instant> tokens = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, AtomicInteger> linkRequests = new ConcurrentHashMap<>();
    /** When each link was asked for, by the simulator's clock (bounded like {@link #linkRequests}). */
    private final ConcurrentHashMap<String, Queue<Instant>> linkRequestTimes = new ConcurrentHashMap<>();
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicInteger tokenRequests = new AtomicInteger();
    private final AtomicInteger rejected = new AtomicInteger();
    private final ArrayDeque<String> authorizations = new ArrayDeque<>();

    private final LoopbackHttpServer http = new LoopbackHttpServer("SmartPay simulator", "smartpay-sim-", THREADS, this::handle);

    /**
     * @param merchantKey       merchant key of the Basic scheme ({@code base64(merchantKey:authenticationKey)})
     * @param authenticationKey authentication key of the Basic scheme (never logged)
     * @param clientId          OAuth2 client id the token endpoint accepts
     * @param clientSecret      OAuth2 client secret the token endpoint accepts (never logged)
     * @param origin            the merchant's registered origin every call must send as {@code Origin}
     * @param clock             the clock links are dated with and tokens expire by
     * @param tokenLifetime     how long an issued token is accepted ({@code expires_in}, whole seconds, at least 1)
     */
    public SmartPaySimulator(String merchantKey, String authenticationKey, String clientId, String clientSecret,
                             String origin, Clock clock, Duration tokenLifetime) {
        this.merchantKey = requireText(merchantKey, "merchantKey");
        this.authenticationKey = requireText(authenticationKey, "authenticationKey");
        this.clientId = requireText(clientId, "clientId");
        this.clientSecret = requireText(clientSecret, "clientSecret");
        this.origin = requireText(origin, "origin");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.tokenLifetime = Objects.requireNonNull(tokenLifetime, "tokenLifetime");
        if (tokenLifetime.getSeconds() < 1) {
            throw new IllegalArgumentException("tokenLifetime must be at least 1 s");
        }
        if (merchantKey.indexOf(':') >= 0) {
            throw new IllegalArgumentException("merchantKey must not contain ':' (Basic credentials split at the first one)");
        }
    }

    /**
     * The sandbox setup: the {@code SANDBOX_*} credentials and origin, the UTC system clock, tokens valid for
     * {@link #DEFAULT_TOKEN_LIFETIME}.
     */
    public SmartPaySimulator() {
        this(SANDBOX_MERCHANT_KEY, SANDBOX_AUTHENTICATION_KEY, SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET, SANDBOX_ORIGIN,
                Clock.systemUTC(), DEFAULT_TOKEN_LIFETIME);
    }

    /** Starts on 127.0.0.1 on a free port; returns the API base, e.g. {@code http://127.0.0.1:40123}. */
    public URI start() {
        return start(0);
    }

    /**
     * Starts on 127.0.0.1 on {@code port} (0 = a free one) and creates the scripted links, dated by the clock now;
     * returns the API base URI (paths are appended to it). Can be called once.
     */
    public URI start(int port) {
        URI url = http.start(port);
        createScriptedLinks();
        LOG.info("SmartPay sandbox simulator listening on {} (token URL {}, origin {}, merchant key {}, client id {})",
                    url, tokenUrl(), origin, mask(merchantKey), mask(clientId));
        return url;
    }

    /** The API base URI; only after {@link #start()}. */
    public URI url() {
        return http.base();
    }

    /** The OAuth2 token endpoint, e.g. {@code http://127.0.0.1:40123/oauth2/token}; only after {@link #start()}. */
    public URI tokenUrl() {
        return URI.create(url() + TOKEN_PATH);
    }

    /** Stops at once: open connections are dropped, threads are stopped. Idempotent. */
    @Override
    public void close() {
        http.close();
    }

    /**
     * Registers (or replaces) a link. Each GET of its details answers the next status of {@code statusSequence}; the
     * last one stays. A null entry means "no transaction yet": the answer has no {@code latestTransactionId} nor
     * {@code latestTransactionStatus}. An empty sequence is a link that never gets a transaction. The link gets a
     * transaction id (a random UUID) of its own, answered with every non-null status, created now by the clock,
     * and amount {@link #AMOUNT}.
     *
     * @param expiryDate its {@code expiryDate}; null: {@link #DEFAULT_LINK_LIFETIME} from now
     */
    public void addLink(String id, List<String> statusSequence, Instant expiryDate) {
        Objects.requireNonNull(statusSequence, "statusSequence");
        Instant now = clock.instant();
        put(new Link(requireText(id, "id"), statusSequence, now,
                expiryDate == null ? now.plus(DEFAULT_LINK_LIFETIME) : expiryDate, 0), true);
    }

    /** HTTP requests received, whatever their method, path or outcome. */
    public int requestCount() {
        return requests.get();
    }

    /**
     * Requests for {@code /payment-links/{paymentLinkId}} received, whatever their method or outcome (0 if none; see
     * {@link #MAX_TRACKED_LINK_IDS}).
     */
    public int requestsFor(String paymentLinkId) {
        AtomicInteger n = linkRequests.get(paymentLinkId);
        return n == null ? 0 : n.get();
    }

    /** When each request for {@code /payment-links/{paymentLinkId}} arrived, oldest first (empty if none). */
    public List<Instant> requestTimesFor(String paymentLinkId) {
        Queue<Instant> times = linkRequestTimes.get(paymentLinkId);
        return times == null ? List.of() : List.copyOf(times);
    }

    /** Requests to the token endpoint, whatever their outcome. */
    public int tokenRequests() {
        return tokenRequests.get();
    }

    /**
     * The {@code Authorization} header of the most recent API calls (not token requests) exactly as sent, oldest
     * first, at most {@value #MAX_AUTHORIZATIONS}; {@code ""} when a call had none. For tests: they hold secrets.
     */
    public List<String> lastAuthorizations() {
        synchronized (authorizations) {
            return List.copyOf(authorizations);
        }
    }

    /**
     * Requests refused for their form: unknown path (404), wrong method (405), missing or wrong header (400), missing
     * or wrong credentials or expired token (401), and every refused token request (400). A 404 for an unknown
     * link or transaction and the 503 of {@link #LINK_FLAKY} are answers, not refusals, and are not counted.
     */
    public int rejectedRequests() {
        return rejected.get();
    }

    // ---------------------------------------------------------------------------------------------- links

    private void createScriptedLinks() {
        Instant now = clock.instant();
        Instant later = now.plus(DEFAULT_LINK_LIFETIME);
        List<String> paid = new ArrayList<>();
        paid.add(null);
        paid.addAll(List.of("CREATED", "AUTHORIZATION_COMPLETED", "CAPTURED", "SETTLED"));
        put(new Link(LINK_PAID_FLOW, paid, now, later, 0), false);
        put(new Link(LINK_CANCELLED, List.of("CANCELLED"), now, later, 0), false);
        put(new Link(LINK_EXPIRING, List.of(), now, now.plus(EXPIRING_LIFETIME), 0), false);
        put(new Link(LINK_ODD, List.of("PARTIALLY_REFUNDED"), now, later, 0), false);
        put(new Link(LINK_FLAKY, List.of("CREATED"), now, later, 1), false);
    }

    /** Scripted links do not replace links a test added before the start. */
    private void put(Link link, boolean replace) {
        Link previous = replace ? links.put(link.id, link) : links.putIfAbsent(link.id, link);
        if (previous != null && !replace) {
            return;
        }
        if (previous != null) {
            transactions.remove(previous.transactionId);
        }
        transactions.put(link.transactionId, link);
    }

    /** One link and where it is in its script. Mutable state is guarded by the link itself. */
    private static final class Link {
        final String id;
        final List<String> sequence;
        final Instant creationDate;
        final Instant expiryDate;
        final String transactionId = UUID.randomUUID().toString();
        private int served;
        private int failuresLeft;
        private String current;

        Link(String id, List<String> sequence, Instant creationDate, Instant expiryDate, int failuresLeft) {
            this.id = id;
            this.sequence = Collections.unmodifiableList(new ArrayList<>(sequence));
            this.creationDate = creationDate.truncatedTo(ChronoUnit.MILLIS);
            this.expiryDate = expiryDate.truncatedTo(ChronoUnit.MILLIS);
            this.failuresLeft = failuresLeft;
        }

        /** The status to answer now (and the next step), or {@link Step#unavailable()}. */
        synchronized Step next() {
            if (failuresLeft > 0) {
                failuresLeft--;
                return new Step(true, null);
            }
            if (!sequence.isEmpty()) {
                current = sequence.get(Math.min(served, sequence.size() - 1));
            }
            served++;
            return new Step(false, current);
        }

        /** Status of the last answered GET; null before the first, or while it had no transaction. */
        synchronized String current() {
            return current;
        }
    }

    private record Step(boolean unavailable, String status) {
    }

    // ---------------------------------------------------------------------------------------------- HTTP

    /** What a handler decided: status, JSON body or none, extra headers, and a note for the log line. */
    private record Answer(int status, ObjectNode body, Map<String, String> headers, String note, boolean refused) {

        static Answer ok(ObjectNode body, String note) {
            return new Answer(200, body, Map.of(), note, false);
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        requests.incrementAndGet();
        String method = exchange.getRequestMethod();
        String path = exchange.getRequestURI().getRawPath();
        try {
            byte[] body = exchange.getRequestBody().readNBytes(MAX_BODY_BYTES + 1);
            drain(exchange.getRequestBody());
            Answer answer = route(exchange, method, path, body);
            if (answer.refused()) {
                rejected.incrementAndGet();
            }
            LOG.info("SmartPay sandbox: {} {} -> HTTP {}{}", method, path, answer.status(),
                    answer.note() == null ? "" : " (" + answer.note() + ")");
            answer.headers().forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
            if (answer.body() == null || "HEAD".equals(method)) {
                exchange.sendResponseHeaders(answer.status(), -1);
                return;
            }
            byte[] bytes = bytes(answer.body());
            exchange.getResponseHeaders().set("Content-Type", "application/json; charset=UTF-8");
            exchange.sendResponseHeaders(answer.status(), bytes.length);
            exchange.getResponseBody().write(bytes);
        } catch (RuntimeException e) {
            LOG.warn("SmartPay sandbox: {} {} -> HTTP 500, unexpected failure", method, path, e);
            exchange.sendResponseHeaders(500, -1);
        } finally {
            exchange.close();
        }
    }

    private Answer route(HttpExchange exchange, String method, String path, byte[] body) {
        if (TOKEN_PATH.equals(path)) {
            tokenRequests.incrementAndGet();
            if (!"POST".equals(method)) {
                return notAllowed("POST");
            }
            return token(exchange.getRequestHeaders(), body);
        }
        String linkId = segmentAfter(path, LINKS_PREFIX);
        if (linkId != null) {
            AtomicInteger seen = linkRequests.get(linkId);
            if (seen == null && linkRequests.size() < MAX_TRACKED_LINK_IDS) {
                seen = linkRequests.computeIfAbsent(linkId, k -> new AtomicInteger());
            }
            if (seen != null) {
                seen.incrementAndGet();
                linkRequestTimes.computeIfAbsent(linkId, k -> new ConcurrentLinkedQueue<>()).add(clock.instant());
            }
            if (!"GET".equals(method)) {
                return notAllowed("GET");
            }
            Answer refused = checkCall(exchange.getRequestHeaders());
            return refused != null ? refused : paymentLink(linkId);
        }
        String transactionId = segmentAfter(path, STATUS_PREFIX);
        if (transactionId != null) {
            if (!"GET".equals(method)) {
                return notAllowed("GET");
            }
            Answer refused = checkCall(exchange.getRequestHeaders());
            return refused != null ? refused : paymentStatus(transactionId);
        }
        String traceId = UUID.randomUUID().toString();
        return new Answer(404, errors(traceId, error("no such endpoint", "NOT_FOUND", "path")), Map.of(),
                "no such endpoint, traceId " + traceId, true);
    }

    /** The one decoded path segment after {@code prefix}, or null when the path is not {@code prefix + segment}. */
    private static String segmentAfter(String rawPath, String prefix) {
        if (rawPath == null || !rawPath.startsWith(prefix)) {
            return null;
        }
        String raw = rawPath.substring(prefix.length());
        if (raw.isEmpty() || raw.indexOf('/') >= 0) {
            return null;
        }
        try {
            // A path segment: '+' is a plus, not a space.
            String decoded = URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
            return decoded.isBlank() ? null : decoded;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private Answer notAllowed(String allowed) {
        String traceId = UUID.randomUUID().toString();
        return new Answer(405, errors(traceId, error("method not allowed, use " + allowed, "METHOD_NOT_ALLOWED", "method")),
                Map.of("Allow", allowed), "method not allowed, traceId " + traceId, true);
    }

    // ---------------------------------------------------------------------------------------------- API calls

    /** null when the headers and the credentials are right; else the 400 or 401 to answer. */
    private Answer checkCall(Headers headers) {
        List<String> authorizationValues = headers.get("Authorization");
        String authorization = authorizationValues == null || authorizationValues.isEmpty() ? null : authorizationValues.get(0);
        synchronized (authorizations) {
            authorizations.addLast(authorization == null ? "" : authorization);
            while (authorizations.size() > MAX_AUTHORIZATIONS) {
                authorizations.removeFirst();
            }
        }

        ArrayNode problems = mapper.createArrayNode();
        String contentType = single(headers, "Content-Type", problems);
        if (contentType != null) {
            String problem = mediaTypeProblem(contentType, "application/json");
            if (problem != null) {
                problems.add(error(problem, "INVALID_HEADER", "Content-Type"));
            }
        }
        String language = single(headers, "Accept-Language", problems);
        if (language != null && !"en-US".equals(language.strip())) {
            problems.add(error("Accept-Language must be en-US", "INVALID_HEADER", "Accept-Language"));
        }
        String sentOrigin = single(headers, "Origin", problems);
        if (sentOrigin != null && !origin.equals(sentOrigin.strip())) {
            problems.add(error("Origin is not the merchant's registered origin", "INVALID_HEADER", "Origin"));
        }
        single(headers, "User-Agent", problems);
        if (!problems.isEmpty()) {
            String traceId = UUID.randomUUID().toString();
            ObjectNode body = mapper.createObjectNode();
            body.put("traceId", traceId);
            body.set("errors", problems);
            StringBuilder note = new StringBuilder();
            problems.forEach(p -> note.append(p.get("code").asText()).append(' ').append(p.get("property").asText()).append(", "));
            return new Answer(400, body, Map.of(), note + "traceId " + traceId, true);
        }

        if (authorization == null || authorization.isBlank()) {
            return unauthorized("missing Authorization header", "no credentials");
        }
        if (authorizationValues.size() > 1) {
            return unauthorized("Authorization header sent more than once", "Authorization sent twice");
        }
        String[] scheme = authorization.strip().split(" +", 2);
        String credentials = scheme.length == 2 ? scheme[1].strip() : "";
        if ("Basic".equalsIgnoreCase(scheme[0])) {
            String expected = merchantKey + ":" + authenticationKey;
            byte[] decoded;
            try {
                decoded = Base64.getDecoder().decode(credentials);
            } catch (IllegalArgumentException e) {
                return unauthorized("invalid credentials", "Basic credentials not Base64");
            }
            if (!MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), decoded)) {
                return unauthorized("invalid credentials", "Basic " + mask(credentials) + " refused");
            }
            return null;
        }
        if ("Bearer".equalsIgnoreCase(scheme[0])) {
            Instant expiry = credentials.isEmpty() ? null : tokens.get(credentials);
            if (expiry == null) {
                return unauthorized("invalid token", "Bearer " + mask(credentials) + " unknown");
            }
            if (!clock.instant().isBefore(expiry)) {
                return unauthorized("token expired", "Bearer " + mask(credentials) + " expired at " + DATE.format(expiry));
            }
            return null;
        }
        return unauthorized("unsupported authorization scheme", "scheme " + mask(scheme[0]) + " not supported");
    }

    /** The header's only value, or null after adding a MISSING_HEADER (absent or blank) or INVALID_HEADER (twice). */
    private String single(Headers headers, String name, ArrayNode problems) {
        List<String> values = headers.get(name);
        if (values == null || values.isEmpty() || values.get(0) == null || values.get(0).isBlank()) {
            problems.add(error(name + " header is required", "MISSING_HEADER", name));
            return null;
        }
        if (values.size() > 1) {
            problems.add(error(name + " header must be sent once", "INVALID_HEADER", name));
            return null;
        }
        return values.get(0);
    }

    private Answer unauthorized(String message, String note) {
        ObjectNode body = mapper.createObjectNode();
        body.put("error", "Unauthorized");
        body.putObject("errorDetails");
        body.put("message", message);
        return new Answer(401, body, Map.of("WWW-Authenticate", "Basic realm=\"SmartPay\", Bearer"), note, true);
    }

    private Answer paymentLink(String id) {
        Link link = links.get(id);
        if (link == null) {
            String traceId = UUID.randomUUID().toString();
            return new Answer(404, errors(traceId, error("payment link not found", "NOT_FOUND", "paymentLinkId")),
                    Map.of(), "payment link not found, traceId " + traceId, false);
        }
        Step step = link.next();
        if (step.unavailable()) {
            String traceId = UUID.randomUUID().toString();
            return new Answer(503, errors(traceId, error("service temporarily unavailable", "SERVICE_UNAVAILABLE", null)),
                    Map.of("Retry-After", "1"), "scripted 503, Retry-After 1, traceId " + traceId, false);
        }
        return Answer.ok(details(link, step.status()), step.status() == null ? "no transaction" : step.status());
    }

    private Answer paymentStatus(String transactionId) {
        Link link = transactions.get(transactionId);
        String status = link == null ? null : link.current();
        if (status == null) {
            String traceId = UUID.randomUUID().toString();
            return new Answer(404, errors(traceId, error("transaction not found", "NOT_FOUND", "transactionId")),
                    Map.of(), "transaction not found, traceId " + traceId, false);
        }
        ObjectNode body = mapper.createObjectNode();
        body.put("paymentStatus", status);
        ObjectNode overview = body.putObject("transactionOverview");
        overview.put("transactionId", link.transactionId);
        overview.put("amount", AMOUNT);
        overview.put("currencyCode", CURRENCY);
        overview.put("paymentMethod", "CARD");
        body.putArray("modifications");
        body.put("paymentLinkId", link.id);
        return Answer.ok(body, status + " of " + link.id);
    }

    /** A full Get Payment Link Details answer, every field of the seed's schema plus one it does not list. */
    private ObjectNode details(Link link, String status) {
        BigDecimal net = AMOUNT.multiply(new BigDecimal("100")).divide(new BigDecimal("100").add(VAT_PERCENT), 2, RoundingMode.HALF_UP);
        BigDecimal vat = AMOUNT.subtract(net);
        String encodedId = URLEncoder.encode(link.id, StandardCharsets.UTF_8).replace("+", "%20");

        ObjectNode root = mapper.createObjectNode();
        root.put("id", link.id);
        root.put("creationDate", DATE.format(link.creationDate));
        root.put("expiryDate", DATE.format(link.expiryDate));
        root.put("successUrl", origin + "/payment/success?paymentLinkId=" + encodedId);
        root.put("failureUrl", origin + "/payment/failure?paymentLinkId=" + encodedId);
        ObjectNode template = root.putObject("templateContext");
        template.put("templateId", "tpl-sandbox-01");
        template.put("templateName", "Paylink sandbox");
        template.put("merchantLogoURL", "https://sandbox.smartpay.invalid/logo.png");
        root.put("customerAccountId", "CA-SANDBOX-0001");
        ObjectNode payment = root.putObject("payment");
        payment.put("amount", AMOUNT);
        payment.put("currencyCode", CURRENCY);
        payment.put("description", "Sandbox payment " + link.id);
        ObjectNode address = root.putObject("billingAddress");
        address.put("addressLine1", "Musterstrasse");
        address.put("number", "12");
        address.put("city", "Berlin");
        address.put("postCode", "10115");
        address.put("countryCode", "DEU");
        ObjectNode consumer = root.putObject("consumer");
        consumer.put("firstName", "Erika");
        consumer.put("lastName", "Mustermann");
        consumer.put("emailAddress", "erika.mustermann@example.invalid");
        consumer.put("culture", "de-DE");
        consumer.put("merchantCustomerId", "CUST-0001");
        ObjectNode order = root.putObject("order");
        order.put("externalOrderReference", "ORDER-" + link.id);
        ObjectNode data = order.putArray("additionalData").addObject();
        data.put("name", "source");
        data.put("value", "paylink-sandbox");
        ObjectNode line = order.putArray("lines").addObject();
        line.put("lineNumber", 1);
        line.put("itemArticleId", "SVC-001");
        line.put("itemName", "Nachzahlung");
        line.put("quantity", 1);
        line.put("unitPrice", net);
        line.put("unitVatPrice", vat);
        line.put("unitGrossPrice", AMOUNT);
        line.put("vatPercent", VAT_PERCENT);
        line.put("netAmount", net);
        line.put("vatAmount", vat);
        line.put("grossAmount", AMOUNT);
        ObjectNode totals = root.putObject("totals");
        totals.put("grossAmount", AMOUNT);
        totals.put("netAmount", net);
        totals.put("vatAmount", vat);
        root.put("paymentUrl", PAYMENT_URL_PREFIX + encodedId);
        root.put("qrCodeUrl", QR_CODE_URL_PREFIX + encodedId + ".png");
        if (status != null) {
            root.put("latestTransactionId", link.transactionId);
            root.put("latestTransactionStatus", status);
        }
        // Not in the seed's schema: the provider may add fields at any time, clients must ignore them.
        root.put("merchantReference", "sandbox-" + link.id);
        return root;
    }

    // ---------------------------------------------------------------------------------------------- token endpoint

    private Answer token(Headers headers, byte[] raw) {
        String contentType = headers.getFirst("Content-Type");
        String problem = contentType == null || contentType.isBlank()
                ? "missing Content-Type, expected application/x-www-form-urlencoded"
                : mediaTypeProblem(contentType, "application/x-www-form-urlencoded");
        if (problem != null) {
            return oauthError("invalid_request", problem);
        }
        if (raw.length > MAX_BODY_BYTES) {
            return oauthError("invalid_request", "request too large");
        }
        Map<String, String> form = new HashMap<>();
        for (String pair : new String(raw, StandardCharsets.UTF_8).split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            String[] kv = pair.split("=", 2);
            try {
                String name = URLDecoder.decode(kv[0], StandardCharsets.UTF_8);
                String value = kv.length == 2 ? URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "";
                if (form.put(name, value) != null) {
                    return oauthError("invalid_request", "parameter " + name + " sent twice");
                }
            } catch (IllegalArgumentException e) {
                return oauthError("invalid_request", "malformed form body");
            }
        }
        String grantType = form.get("grant_type");
        if (grantType == null || grantType.isEmpty()) {
            return oauthError("invalid_request", "missing grant_type");
        }
        if (!"client_credentials".equals(grantType)) {
            return oauthError("unsupported_grant_type", "grant_type " + grantType + " not supported");
        }

        String sentId = form.get("client_id");
        String sentSecret = form.get("client_secret");
        String authorization = headers.getFirst("Authorization");
        if (authorization != null && !authorization.isBlank()) {
            String[] scheme = authorization.strip().split(" +", 2);
            if (!"Basic".equalsIgnoreCase(scheme[0]) || scheme.length < 2) {
                return oauthError("invalid_client", "unsupported client authentication");
            }
            if (sentSecret != null) {
                return oauthError("invalid_request", "client authenticated twice (Authorization header and client_secret)");
            }
            String decoded;
            try {
                decoded = new String(Base64.getDecoder().decode(scheme[1].strip()), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                return oauthError("invalid_client", "Basic credentials not Base64");
            }
            int colon = decoded.indexOf(':');
            if (colon < 0) {
                return oauthError("invalid_client", "Basic credentials without ':'");
            }
            String headerId;
            try {
                // RFC 6749 2.3.1: form-encoded before Base64.
                headerId = URLDecoder.decode(decoded.substring(0, colon), StandardCharsets.UTF_8);
                sentSecret = URLDecoder.decode(decoded.substring(colon + 1), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                return oauthError("invalid_client", "malformed Basic credentials");
            }
            if (sentId != null && !sentId.equals(headerId)) {
                return oauthError("invalid_client", "client_id differs from the Authorization header's");
            }
            sentId = headerId;
        }
        if (sentId == null || sentId.isEmpty() || sentSecret == null || sentSecret.isEmpty()) {
            return oauthError("invalid_client", "missing client credentials");
        }
        if (!MessageDigest.isEqual(clientId.getBytes(StandardCharsets.UTF_8), sentId.getBytes(StandardCharsets.UTF_8))
                || !MessageDigest.isEqual(clientSecret.getBytes(StandardCharsets.UTF_8), sentSecret.getBytes(StandardCharsets.UTF_8))) {
            return oauthError("invalid_client", "client " + mask(sentId) + " refused");
        }

        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        String accessToken = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        Instant now = clock.instant();
        if (tokens.size() >= MAX_TOKENS) {
            tokens.values().removeIf(expiry -> !now.isBefore(expiry));
        }
        tokens.put(accessToken, now.plusSeconds(tokenLifetime.getSeconds()));
        ObjectNode body = mapper.createObjectNode();
        body.put("access_token", accessToken);
        body.put("expires_in", tokenLifetime.getSeconds());
        body.put("token_type", "Bearer");
        return new Answer(200, body, Map.of("Cache-Control", "no-store", "Pragma", "no-cache"),
                "token " + mask(accessToken) + " for client " + mask(sentId) + ", expires in " + tokenLifetime.getSeconds() + " s",
                false);
    }

    private Answer oauthError(String error, String note) {
        ObjectNode body = mapper.createObjectNode();
        body.put("error", error);
        return new Answer(400, body, Map.of("Cache-Control", "no-store", "Pragma", "no-cache"), error + ": " + note, true);
    }

    // ---------------------------------------------------------------------------------------------- helpers

    /** null when {@code contentType} is {@code expected} (case-insensitive), optionally with {@code charset=UTF-8}. */
    private static String mediaTypeProblem(String contentType, String expected) {
        String[] parts = contentType.split(";");
        String type = parts[0].strip();
        if (!expected.equalsIgnoreCase(type)) {
            return "Content-Type must be " + expected;
        }
        for (int i = 1; i < parts.length; i++) {
            String[] kv = parts[i].split("=", 2);
            if (kv.length != 2 || !"charset".equalsIgnoreCase(kv[0].strip())) {
                return "Content-Type must be " + expected + " (only a charset parameter is allowed)";
            }
            String charset = kv[1].strip().replace("\"", "");
            if (!"utf-8".equalsIgnoreCase(charset) && !"utf8".equalsIgnoreCase(charset)) {
                return "unsupported charset " + charset + ", expected UTF-8";
            }
        }
        return null;
    }

    private ObjectNode error(String message, String code, String property) {
        ObjectNode error = mapper.createObjectNode();
        error.put("message", message);
        error.put("code", code);
        if (property == null) {
            error.putNull("property");
        } else {
            error.put("property", property);
        }
        error.putObject("context");
        return error;
    }

    private ObjectNode errors(String traceId, ObjectNode... errors) {
        ObjectNode body = mapper.createObjectNode();
        body.put("traceId", traceId);
        ArrayNode list = body.putArray("errors");
        for (ObjectNode error : errors) {
            list.add(error);
        }
        return body;
    }

    /** First 2 and last 2 characters; never more. */
    static String mask(String value) {
        if (value == null) {
            return "-";
        }
        if (value.length() <= 8) {
            return "****";
        }
        return value.substring(0, 2) + "..." + value.substring(value.length() - 2);
    }

    private byte[] bytes(ObjectNode node) {
        try {
            return mapper.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void drain(InputStream in) throws IOException {
        in.transferTo(java.io.OutputStream.nullOutputStream());
    }

    private static String requireText(String value, String name) {
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException(name + " must not be empty");
        }
        return value;
    }

    /**
     * Runs the simulator on its own with the sandbox credentials: {@code java -cp paylink-routes-sandbox.jar
     * dev.paylink.sandbox.SmartPaySimulator <port>}. Stops on SIGTERM.
     */
    public static void main(String[] args) throws InterruptedException {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 0;
        SmartPaySimulator simulator = new SmartPaySimulator();
        // Before the start, whose log line says it is listening: a SIGTERM right after that line still gets the stop line.
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            LOG.info("SmartPay sandbox stopping: {} requests, {} token requests, {} rejected",
                    simulator.requestCount(), simulator.tokenRequests(), simulator.rejectedRequests());
            simulator.close();
            stopped.countDown();
        }));
        simulator.start(port);
        stopped.await();
    }
}
