package dev.paylink.sandbox;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.paylink.Plural;
import dev.paylink.smartml.HmacV2;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;

import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A loopback simulator of the onOffice smartml API for the one call this project makes:
 * {@code do} on {@code subsequentPaymentLink}. It checks every request as strictly as
 * {@code reference/onoffice-smartml.md} describes (envelope, token, HMAC v2, ±120 s clock window, parameter
 * types and formats) and answers in the documented envelope, HTTP 200 for every JSON answer.
 *
 * <p>Some transaction ids trigger documented failures (see the {@code TRIGGER_*} constants) so that the
 * unhappy paths of the client can be seen and tested without a real account.
 *
 * <p>Plain Java: the JDK's {@link HttpServer} on 127.0.0.1, a bounded pool of {@value #THREADS} threads.
 */
public final class OnOfficeSimulator implements AutoCloseable {

    /** Obviously fake API token (32 characters, like a real one) used when {@code paylink.sandbox=true}. */
    public static final String SANDBOX_TOKEN = "sandboxTOKEN00000000000000000000";
    /** Obviously fake API secret (64 characters, like a real one) used when {@code paylink.sandbox=true}. */
    public static final String SANDBOX_SECRET = "sandboxSECRET-not-a-real-secret-00000000000000000000000000000000";

    /** The only action URN accepted. */
    public static final String ACTION_ID = "urn:onoffice-de-ns:smart:2.5:smartml:action:do";
    /** The only resource type accepted. */
    public static final String RESOURCE_TYPE = "subsequentPaymentLink";
    /** Path of the stable API; {@link #start()} returns an endpoint with this path. */
    public static final String PATH_STABLE = "/api/stable/api.php";
    /** Path of the latest API, accepted as well. */
    public static final String PATH_LATEST = "/api/latest/api.php";
    /** Prefix of every {@code subsequentPaymentUrl}; {@code .invalid} so that nobody can ever pay it. */
    public static final String URL_PREFIX = "https://sandbox.onoffice.invalid/smart/short.php?c=";
    /** A timestamp further than this from the simulator's clock is refused with error 136. */
    public static final Duration MAX_CLOCK_SKEW = Duration.ofSeconds(120);
    /** {@link #createdLinks()} keeps at most this many (the most recent). */
    public static final int MAX_CREATED_LINKS = 10_000;
    /**
     * {@link #executionsByIdentifier()} tracks at most this many identifiers by default (about 150 bytes each), so the
     * in-app sandbox stays small on a file of a million rows; past it, executions are still counted in total.
     */
    public static final int DEFAULT_TRACKED_IDENTIFIERS = 100_000;
    /** Slow-answer delay of the no-argument constructor; longer than any sensible client timeout. */
    public static final Duration DEFAULT_SLOW_ANSWER_DELAY = Duration.ofSeconds(60);

    /** Transaction id answered with action error 189 "transaction not found"; nothing is created. */
    public static final String TRIGGER_NOT_FOUND = "1000000189";
    /** Transaction id answered with action error 205 "transaction does not belong to this customer"; nothing is created. */
    public static final String TRIGGER_OTHER_CUSTOMER = "1000000205";
    /** Transaction id answered with action error 214 "invalid price format", even when the price is well-formed; nothing is created. */
    public static final String TRIGGER_INVALID_PRICE = "1000000214";
    /** Transaction id answered with action error 137 "HMAC invalid" although the HMAC is right (credentials broken for one action). */
    public static final String TRIGGER_HMAC_INVALID = "1000000137";
    /**
     * Transaction id that makes the WHOLE request fail with HTTP 500 and an empty body, after the other actions of
     * the batch were executed (their links exist; this one's does not). The client cannot know what happened.
     */
    public static final String TRIGGER_HTTP_500 = "1000000500";
    /**
     * Transaction id whose action is executed (the link exists), after which the answer to the whole request is
     * held back for the simulator's {@code slowAnswerDelay}: a client with a shorter timeout sees a timeout.
     */
    public static final String TRIGGER_SLOW_ANSWER = "1000000408";

    static final int THREADS = 16;
    private static final int MAX_BODY_BYTES = 16 * 1024 * 1024;
    private static final Pattern PRICE = Pattern.compile("^\\d+\\.\\d{2}$");
    private static final Pattern DIGITS = Pattern.compile("^\\d{1,20}$");
    private static final Set<String> ACTION_KEYS = Set.of("actionid", "resourceid", "resourcetype", "identifier",
            "timestamp", "hmac", "hmac_version", "parameters");
    private static final Set<String> PARAMETER_KEYS = Set.of("transactionid", "priceNet", "description",
            "sendMailToCustomer");
    private static final Logger LOG = LoggerFactory.getLogger(OnOfficeSimulator.class);

    private final String token;
    private final String secret;
    private final Clock clock;
    private final Duration slowAnswerDelay;
    private final ObjectMapper mapper = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private final String instanceNonce;

    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicInteger executed = new AtomicInteger();
    private final AtomicLong linkSequence = new AtomicLong();
    private final ConcurrentHashMap<String, AtomicInteger> executions = new ConcurrentHashMap<>();
    private final AtomicInteger repeated = new AtomicInteger();
    private volatile int trackedIdentifiers = DEFAULT_TRACKED_IDENTIFIERS;
    private volatile Duration latency = Duration.ZERO;
    /** The HTTP status every POST is answered with during an outage; 0 when there is none. */
    private volatile int outageStatus;
    private final AtomicInteger outageAnswers = new AtomicInteger();
    private final ArrayDeque<CreatedLink> recentLinks = new ArrayDeque<>();
    private final CountDownLatch closing = new CountDownLatch(1);

    private final LoopbackHttpServer http = new LoopbackHttpServer("onOffice simulator", "onoffice-sim-", THREADS, this::handle);

    /**
     * @param token           the API token requests must carry
     * @param secret          the API secret HMACs are checked with (never logged)
     * @param clock           the clock timestamps are checked against and links are stamped with
     * @param slowAnswerDelay how long {@link #TRIGGER_SLOW_ANSWER} holds the answer back (cut short by {@link #close()})
     */
    public OnOfficeSimulator(String token, String secret, Clock clock, Duration slowAnswerDelay) {
        this.token = requireText(token, "token");
        this.secret = requireText(secret, "secret");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.slowAnswerDelay = Objects.requireNonNull(slowAnswerDelay, "slowAnswerDelay");
        if (slowAnswerDelay.isNegative()) {
            throw new IllegalArgumentException("slowAnswerDelay must not be negative");
        }
        byte[] nonce = new byte[16];
        new SecureRandom().nextBytes(nonce);
        this.instanceNonce = HexFormat.of().formatHex(nonce);
    }

    /** The sandbox setup: {@link #SANDBOX_TOKEN}, {@link #SANDBOX_SECRET}, the UTC system clock, {@link #DEFAULT_SLOW_ANSWER_DELAY}. */
    public OnOfficeSimulator() {
        this(SANDBOX_TOKEN, SANDBOX_SECRET, Clock.systemUTC(), DEFAULT_SLOW_ANSWER_DELAY);
    }

    /** Starts on 127.0.0.1 on a free port; returns the endpoint, e.g. {@code http://127.0.0.1:40123/api/stable/api.php}. */
    public URI start() {
        return start(0);
    }

    /** Starts on 127.0.0.1 on {@code port} (0 = a free one); returns the endpoint URI. Can be called once. */
    public URI start(int port) {
        URI url = URI.create(http.start(port) + PATH_STABLE);
        LOG.info("onOffice sandbox simulator listening on {} (token {})", url, mask(token));
        return url;
    }

    /** The endpoint URI; only after {@link #start()}. */
    public URI url() {
        return URI.create(http.base() + PATH_STABLE);
    }

    /** Stops at once: open connections are dropped, answers held back (latency, slow answers) are released unanswered, threads are stopped. Idempotent. */
    @Override
    public void close() {
        closing.countDown();
        http.close();
    }

    /** HTTP requests received, whatever their method, path or outcome. */
    public int requestCount() {
        return requests.get();
    }

    /** Actions that created a link. */
    public int executedCount() {
        return executed.get();
    }

    /** How many links each identifier created (a snapshot); an action without identifier counts under {@code ""}. */
    public Map<String, Integer> executionsByIdentifier() {
        Map<String, Integer> copy = new TreeMap<>();
        executions.forEach((k, v) -> copy.put(k, v.get()));
        return copy;
    }

    /** Executions of an identifier that had already been executed: a client that re-sends shows up here. */
    public int repeatedExecutions() {
        return repeated.get();
    }

    /** How many identifiers {@link #executionsByIdentifier()} tracks (default {@value #DEFAULT_TRACKED_IDENTIFIERS}). */
    public void trackIdentifiers(int limit) {
        this.trackedIdentifiers = limit;
    }

    /**
     * Added to every answer to a POST on the API path, after its actions were executed and before the answer
     * leaves, like a real API whose answer takes time. Each waiting request holds one of the {@value #THREADS}
     * threads, not the others; {@link #close()} cuts the wait short. Default zero.
     */
    public void setLatency(Duration latency) {
        if (Objects.requireNonNull(latency, "latency").isNegative()) {
            throw new IllegalArgumentException("latency must not be negative");
        }
        this.latency = latency;
    }

    /** The latency added to every answer (see {@link #setLatency(Duration)}). */
    public Duration latency() {
        return latency;
    }

    /**
     * Until {@link #endOutage()}, every POST is answered at once with {@code httpStatus} (400–599) and no body,
     * and nothing is executed: onOffice or the gateway in front of it is down.
     */
    public void startOutage(int httpStatus) {
        if (httpStatus < 400 || httpStatus > 599) {
            throw new IllegalArgumentException("an outage answers 400-599, not " + httpStatus);
        }
        outageStatus = httpStatus;
        LOG.info("onOffice sandbox: outage started, every POST is answered HTTP {}", httpStatus);
    }

    /** Ends an outage; requests are executed and answered normally again. Harmless when there is none. */
    public void endOutage() {
        if (outageStatus != 0) {
            outageStatus = 0;
            LOG.info("onOffice sandbox: outage ended after {} outage answers in total", outageAnswers.get());
        }
    }

    /** POSTs answered with the outage status (nothing of them executed), over all outages. */
    public int outageAnswers() {
        return outageAnswers.get();
    }

    /** How many links {@code identifier} created (0 if none). */
    public int executionsOf(String identifier) {
        AtomicInteger n = executions.get(identifier);
        return n == null ? 0 : n.get();
    }

    /** The most recent created links, oldest first, at most {@value #MAX_CREATED_LINKS} (a snapshot). */
    public List<CreatedLink> createdLinks() {
        synchronized (recentLinks) {
            return List.copyOf(recentLinks);
        }
    }

    // ---------------------------------------------------------------------------------------------- HTTP

    private void handle(HttpExchange exchange) throws IOException {
        requests.incrementAndGet();
        try {
            String path = exchange.getRequestURI().getPath();
            if (!PATH_STABLE.equals(path) && !PATH_LATEST.equals(path)) {
                drain(exchange.getRequestBody());
                LOG.info("onOffice sandbox: {} {} -> HTTP 404", exchange.getRequestMethod(), path);
                exchange.sendResponseHeaders(404, -1);
                return;
            }
            if (!"POST".equals(exchange.getRequestMethod())) {
                drain(exchange.getRequestBody());
                LOG.info("onOffice sandbox: {} {} -> HTTP 405", exchange.getRequestMethod(), path);
                exchange.getResponseHeaders().set("Allow", "POST");
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            int outage = outageStatus;
            if (outage != 0) {
                // Down: nothing is read into the simulator, nothing is executed.
                drain(exchange.getRequestBody());
                outageAnswers.incrementAndGet();
                exchange.sendResponseHeaders(outage, -1);
                return;
            }
            Answer answer = answer(exchange);
            // The actions are executed; the answer takes its time. close() cuts every wait short.
            Duration wait = answer.slow() ? slowAnswerDelay.plus(latency) : latency;
            if (!wait.isZero() && closing.await(wait.toMillis(), TimeUnit.MILLISECONDS)) {
                return;
            }
            if (answer.body() == null) {
                exchange.sendResponseHeaders(answer.httpStatus(), -1);
                return;
            }
            exchange.getResponseHeaders().set("Content-Type", "application/json; charset=UTF-8");
            exchange.sendResponseHeaders(answer.httpStatus(), answer.body().length);
            exchange.getResponseBody().write(answer.body());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.warn("onOffice sandbox: unexpected failure, answering HTTP 500", e);
            exchange.sendResponseHeaders(500, -1);
        } finally {
            exchange.close();
        }
    }

    private record Answer(int httpStatus, byte[] body, boolean slow) {
    }

    private Answer answer(HttpExchange exchange) throws IOException {
        byte[] raw = exchange.getRequestBody().readNBytes(MAX_BODY_BYTES + 1);
        String contentTypeProblem = contentTypeProblem(exchange.getRequestHeaders().getFirst("Content-Type"));
        if (contentTypeProblem != null) {
            return envelopeError(null, 3, contentTypeProblem);
        }
        String encoding = exchange.getRequestHeaders().getFirst("Content-Encoding");
        if (encoding != null && !encoding.isBlank() && !"identity".equalsIgnoreCase(encoding.trim())) {
            return envelopeError(null, 3, "unsupported Content-Encoding " + encoding.trim());
        }
        if (raw.length > MAX_BODY_BYTES) {
            return envelopeError(null, 5, "request too large");
        }
        JsonNode root;
        try {
            String text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(raw)).toString();
            root = mapper.readTree(text);
        } catch (CharacterCodingException e) {
            return envelopeError(null, 4, "request body is not valid UTF-8");
        } catch (JsonProcessingException e) {
            return envelopeError(null, 4, "request body is not valid JSON");
        }
        if (root == null || !root.isObject()) {
            return envelopeError(null, 4, "request body is not a JSON object");
        }
        JsonNode tokenNode = root.get("token");
        String sentToken = tokenNode != null && tokenNode.isTextual() ? tokenNode.asText() : null;
        if (tokenNode == null || tokenNode.isNull()) {
            return envelopeError(null, 5, "missing token");
        }
        if (sentToken == null) {
            return envelopeError(null, 5, "token must be a string");
        }
        JsonNode request = root.get("request");
        if (request == null || !request.isObject()) {
            return envelopeError(sentToken, 5, "missing request object");
        }
        JsonNode actions = request.get("actions");
        if (actions == null || !actions.isArray()) {
            return envelopeError(sentToken, 5, "missing request.actions array");
        }
        if (actions.isEmpty()) {
            return envelopeError(sentToken, 5, "request.actions is empty");
        }
        if (!MessageDigest.isEqual(sentToken.getBytes(StandardCharsets.UTF_8), token.getBytes(StandardCharsets.UTF_8))) {
            return envelopeError(sentToken, 13, "token invalid");
        }
        return process(sentToken, (ArrayNode) actions);
    }

    private Answer envelopeError(String sentToken, int errorcode, String message) {
        LOG.info("onOffice sandbox: token {}, request refused: errorcode {} {}", mask(sentToken), errorcode, message);
        return new Answer(200, bytes(envelope(400, errorcode, message)), false);
    }

    private ObjectNode envelope(int code, int errorcode, String message) {
        ObjectNode root = mapper.createObjectNode();
        ObjectNode status = root.putObject("status");
        status.put("code", code);
        status.put("errorcode", errorcode);
        status.put("message", message);
        return root;
    }

    // ---------------------------------------------------------------------------------------------- actions

    private Answer process(String sentToken, ArrayNode actions) {
        ArrayNode results = mapper.createArrayNode();
        int created = 0;
        int rejected = 0;
        String firstError = null;
        boolean fail500 = false;
        boolean slow = false;
        for (int i = 0; i < actions.size(); i++) {
            JsonNode action = actions.get(i);
            Checked checked = check(action);
            if (checked.errorcode() == 0 && TRIGGER_HTTP_500.equals(checked.transactionId())) {
                // Not executed; the whole answer is lost.
                fail500 = true;
                continue;
            }
            if (checked.errorcode() != 0) {
                rejected++;
                if (firstError == null) {
                    firstError = "action " + i + " errorcode " + checked.errorcode() + " " + checked.message();
                }
                results.add(result(action, null, checked.errorcode(), checked.message()));
                continue;
            }
            if (TRIGGER_SLOW_ANSWER.equals(checked.transactionId())) {
                slow = true;
            }
            CreatedLink link = create(checked);
            created++;
            results.add(result(action, link, 0, "OK"));
        }
        String triggers = (fail500 ? ", answering HTTP 500 (trigger " + TRIGGER_HTTP_500 + ")" : "")
                + (slow ? ", answer held back " + slowAnswerDelay + " (trigger " + TRIGGER_SLOW_ANSWER + ")" : "");
        log(sentToken, actions.size(), created, rejected, firstError, triggers);
        if (fail500) {
            return new Answer(500, null, slow);
        }
        ObjectNode root = rejected > 0 ? envelope(200, 97, "error in action") : envelope(200, 0, "OK");
        root.putObject("response").set("results", results);
        return new Answer(200, bytes(root), slow);
    }

    /** The outcome of checking one action: errorcode 0 with the values, or an error. */
    private record Checked(int errorcode, String message, String identifier, String transactionId, String priceNet,
                           String description, boolean sendMail) {

        static Checked error(int errorcode, String message) {
            return new Checked(errorcode, message, null, null, null, null, false);
        }
    }

    private Checked check(JsonNode action) {
        if (action == null || !action.isObject()) {
            return Checked.error(6, "malformed action: not an object");
        }
        for (Iterator<String> names = action.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!ACTION_KEYS.contains(name)) {
                return Checked.error(6, "malformed action: unknown key " + name);
            }
        }
        JsonNode actionId = action.get("actionid");
        JsonNode resourceType = action.get("resourcetype");
        if (actionId == null || !actionId.isTextual() || !ACTION_ID.equals(actionId.asText())
                || resourceType == null || !resourceType.isTextual() || !RESOURCE_TYPE.equals(resourceType.asText())) {
            return Checked.error(7, "unknown action/resource");
        }
        JsonNode resourceId = action.get("resourceid");
        if (resourceId != null && !resourceId.isNull() && !resourceId.isTextual()) {
            return Checked.error(6, "malformed action: resourceid must be a string");
        }
        JsonNode identifierNode = action.get("identifier");
        if (identifierNode != null && !identifierNode.isNull() && !identifierNode.isTextual()) {
            return Checked.error(6, "malformed action: identifier must be a string");
        }
        String identifier = identifierNode == null || identifierNode.isNull() ? "" : identifierNode.asText();

        JsonNode version = action.get("hmac_version");
        if (version == null || !version.isIntegralNumber() || !version.canConvertToInt() || version.intValue() != 2) {
            return Checked.error(137, "HMAC invalid");
        }
        JsonNode timestampNode = action.get("timestamp");
        if (timestampNode == null || !timestampNode.isIntegralNumber() || !timestampNode.canConvertToLong()) {
            return Checked.error(136, "timestamp too old or server time wrong");
        }
        long timestamp = timestampNode.longValue();
        long now = clock.instant().getEpochSecond();
        long skew = MAX_CLOCK_SKEW.getSeconds();
        if (timestamp < now - skew || timestamp > now + skew) {
            return Checked.error(136, "timestamp too old or server time wrong");
        }
        JsonNode hmac = action.get("hmac");
        String expected = HmacV2.sign(secret, token, timestamp, RESOURCE_TYPE, ACTION_ID);
        if (hmac == null || !hmac.isTextual() || !MessageDigest.isEqual(
                expected.getBytes(StandardCharsets.US_ASCII), hmac.asText().getBytes(StandardCharsets.UTF_8))) {
            return Checked.error(137, "HMAC invalid");
        }

        JsonNode parameters = action.get("parameters");
        if (parameters == null || !parameters.isObject()) {
            return Checked.error(6, "malformed action: parameters must be an object");
        }
        for (Iterator<String> names = parameters.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!PARAMETER_KEYS.contains(name)) {
                return Checked.error(255, "invalid value: unknown parameter " + name);
            }
        }
        JsonNode tx = parameters.get("transactionid");
        if (isMissing(tx)) {
            return Checked.error(167, "missing parameter transactionid");
        }
        if (!tx.isTextual()) {
            return Checked.error(255, "invalid value: transactionid must be a string");
        }
        JsonNode price = parameters.get("priceNet");
        if (isMissing(price)) {
            return Checked.error(167, "missing parameter priceNet");
        }
        if (!price.isTextual() || !PRICE.matcher(price.asText()).matches()
                || new BigDecimal(price.asText()).signum() <= 0) {
            return Checked.error(214, "invalid price format");
        }
        JsonNode description = parameters.get("description");
        if (isMissing(description)) {
            return Checked.error(167, "missing parameter description");
        }
        if (!description.isTextual()) {
            return Checked.error(255, "invalid value: description must be a string");
        }
        JsonNode sendMail = parameters.get("sendMailToCustomer");
        if (sendMail != null && !sendMail.isNull() && !sendMail.isBoolean()) {
            return Checked.error(255, "invalid value: sendMailToCustomer must be a boolean");
        }

        String transactionId = tx.asText();
        if (!DIGITS.matcher(transactionId).matches()) {
            return Checked.error(189, "transaction not found");
        }
        switch (transactionId) {
            case TRIGGER_NOT_FOUND:
                return Checked.error(189, "transaction not found");
            case TRIGGER_OTHER_CUSTOMER:
                return Checked.error(205, "transaction does not belong to this customer");
            case TRIGGER_INVALID_PRICE:
                return Checked.error(214, "invalid price format");
            case TRIGGER_HMAC_INVALID:
                return Checked.error(137, "HMAC invalid");
            default:
                break;
        }
        return new Checked(0, "OK", identifier, transactionId, price.asText(), description.asText(),
                sendMail != null && sendMail.booleanValue());
    }

    /** Absent, JSON null, or a blank string: reported as "missing parameter". */
    private static boolean isMissing(JsonNode node) {
        return node == null || node.isNull() || (node.isTextual() && node.asText().isBlank());
    }

    private CreatedLink create(Checked ok) {
        long sequence = linkSequence.incrementAndGet();
        String url = URL_PREFIX + sha256Hex(instanceNonce + "|" + sequence + "|" + ok.identifier() + "|" + ok.transactionId());
        CreatedLink link = new CreatedLink(ok.identifier(), ok.transactionId(), ok.priceNet(), ok.description(),
                ok.sendMail(), url, clock.instant());
        AtomicInteger seen = executions.get(ok.identifier());
        if (seen == null && executions.size() < trackedIdentifiers) {
            seen = executions.computeIfAbsent(ok.identifier(), k -> new AtomicInteger());
        }
        if (seen != null && seen.incrementAndGet() > 1) {
            repeated.incrementAndGet();
            LOG.warn("onOffice sandbox: identifier {} executed {} times", ok.identifier(), seen.get());
        }
        synchronized (recentLinks) {
            recentLinks.addLast(link);
            while (recentLinks.size() > MAX_CREATED_LINKS) {
                recentLinks.removeFirst();
            }
        }
        executed.incrementAndGet();
        return link;
    }

    /** One result, in the shape of the documented answer: the link's record, or {@code "data": []} with the error. */
    private ObjectNode result(JsonNode action, CreatedLink link, int errorcode, String message) {
        ObjectNode result = mapper.createObjectNode();
        result.put("actionid", text(action, "actionid"));
        result.put("resourceid", "");
        result.put("resourcetype", text(action, "resourcetype"));
        result.put("cacheable", false);
        result.put("identifier", text(action, "identifier"));
        if (link != null) {
            ObjectNode data = result.putObject("data");
            data.putObject("meta").putNull("cntabsolute");
            ObjectNode record = data.putArray("records").addObject();
            record.put("id", 0);
            record.put("type", "");
            ObjectNode inner = record.putObject("elements").putObject("result");
            inner.put("subsequentPaymentUrl", link.url());
            inner.put("mailToCustomerSent", link.sendMail());
        } else {
            result.putArray("data");
        }
        ObjectNode status = result.putObject("status");
        status.put("errorcode", errorcode);
        status.put("message", message);
        return result;
    }

    private static String text(JsonNode action, String field) {
        JsonNode node = action == null ? null : action.get(field);
        return node != null && node.isTextual() ? node.asText() : "";
    }

    // ---------------------------------------------------------------------------------------------- helpers

    /** null when acceptable: {@code application/json}, optionally with {@code charset=UTF-8}. */
    private static String contentTypeProblem(String contentType) {
        if (contentType == null || contentType.isBlank()) {
            return "missing Content-Type, expected application/json";
        }
        String[] parts = contentType.split(";");
        if (!"application/json".equalsIgnoreCase(parts[0].trim())) {
            return "unsupported Content-Type " + parts[0].trim() + ", expected application/json";
        }
        for (int i = 1; i < parts.length; i++) {
            String[] kv = parts[i].split("=", 2);
            if (kv.length == 2 && "charset".equalsIgnoreCase(kv[0].trim())) {
                String charset = kv[1].trim().replace("\"", "");
                if (!"utf-8".equalsIgnoreCase(charset) && !"utf8".equalsIgnoreCase(charset)) {
                    return "unsupported charset " + charset + ", expected UTF-8";
                }
            }
        }
        return null;
    }

    private void log(String sentToken, int actions, int created, int rejected, String firstError, String extra) {
        LOG.info("onOffice sandbox: token {}, {}: {} created, {} rejected{}{}", mask(sentToken), Plural.of(actions, "action"),
                created, rejected, firstError == null ? "" : ", first error: " + firstError, extra);
    }

    /** First 2 and last 2 characters; never more. */
    static String mask(String value) {
        if (value == null) {
            return "-";
        }
        if (value.length() <= 4) {
            return "****";
        }
        return value.substring(0, 2) + "..." + value.substring(value.length() - 2);
    }

    private byte[] bytes(JsonNode node) {
        try {
            return mapper.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String sha256Hex(String value) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void drain(InputStream in) throws IOException {
        in.readNBytes(MAX_BODY_BYTES);
    }

    private static String requireText(String value, String name) {
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException(name + " must not be empty");
        }
        return value;
    }

    /**
     * Runs the simulator on its own, e.g. for the benchmark: {@code java -cp paylink-routes-sandbox.jar
     * dev.paylink.sandbox.OnOfficeSimulator [port [latency-ms]]} with the sandbox credentials; tracks every
     * identifier. Stops on SIGTERM and logs how many actions it executed and how many of them were repeats.
     */
    public static void main(String[] args) throws InterruptedException {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 0;
        long latencyMillis = args.length > 1 ? Long.parseLong(args[1]) : 0;
        OnOfficeSimulator simulator = new OnOfficeSimulator();
        simulator.trackIdentifiers(Integer.MAX_VALUE);
        simulator.setLatency(Duration.ofMillis(latencyMillis));
        if (latencyMillis > 0) {
            LOG.info("onOffice sandbox: every answer takes {} ms more", latencyMillis);
        }
        // Before the start, whose log line says it is listening: a SIGTERM right after that line still gets the stop line.
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            LOG.info("onOffice sandbox stopping: {} requests, {} actions executed, {} repeated executions",
                    simulator.requestCount(), simulator.executedCount(), simulator.repeatedExecutions());
            simulator.close();
            stopped.countDown();
        }));
        simulator.start(port);
        stopped.await();
    }
}
