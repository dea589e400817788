package dev.paylink.smartpay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.paylink.smartpay.Result.Failure;
import dev.paylink.smartpay.Result.Ok;
import dev.paylink.smartpay.Result.Refused;
import dev.paylink.http.Departure;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * OAuth2 client-credentials tokens, cached until shortly before they expire. Thread-safe: concurrent callers that
 * need a token while none is valid share one fetch (and its outcome, failure included), so the token endpoint sees no
 * stampede. The fetch is the route {@code direct:smartpay-token} (routes/smartpay.camel.yaml: a camel-http POST with
 * the same retries as every SmartPay request); this class is its cache and reads its answers. Never logs the token or
 * the client secret.
 */
public final class OAuth2Tokens {

    private static final Logger LOG = LoggerFactory.getLogger(OAuth2Tokens.class);
    /** Refresh this long before expiry at most... */
    private static final Duration MAX_MARGIN = Duration.ofSeconds(60);
    /** ...and, when the answer gives no usable expires_in, assume this lifetime. */
    static final Duration DEFAULT_LIFETIME = Duration.ofMinutes(5);

    /** A bearer token; its value never appears in {@link #toString()}. */
    public static final class Token {
        private final String value;
        private final Instant refreshAt;

        Token(String value, Instant refreshAt) {
            this.value = value;
            this.refreshAt = refreshAt;
        }

        String header() {
            return "Bearer " + value;
        }

        Instant refreshAt() {
            return refreshAt;
        }

        @Override
        public String toString() {
            return "Token[refreshAt=" + refreshAt + ", value=<hidden>]";
        }
    }

    private final URI tokenUrl;
    private final String form;
    private final String maskedClientId;
    private final int attempts;
    private final ObjectMapper mapper = SmartPayJson.mapper();
    private final Clock clock;
    /** Runs direct:smartpay-token: a token, or why there is none. */
    private volatile Supplier<Result<Token>> fetcher;

    private final Object lock = new Object();
    /** Guarded by lock. */
    private Token cached;
    /** Guarded by lock: the fetch under way, shared by everyone who needs a token meanwhile. */
    private CompletableFuture<Result<Token>> inFlight;

    OAuth2Tokens(SmartPaySettings settings, Clock clock) {
        this.tokenUrl = settings.tokenUrl();
        this.form = "grant_type=client_credentials"
                + "&client_id=" + URLEncoder.encode(settings.clientId(), StandardCharsets.UTF_8)
                + "&client_secret=" + URLEncoder.encode(settings.clientSecret(), StandardCharsets.UTF_8);
        this.maskedClientId = mask(settings.clientId());
        this.attempts = settings.attempts();
        this.clock = clock;
    }

    /** How a token is fetched: the route, through a ProducerTemplate (SmartPayWiring). */
    void fetchWith(Supplier<Result<Token>> fetcher) {
        this.fetcher = fetcher;
    }

    /** A valid token: the cached one, or a fresh one. */
    Result<Token> current() {
        return obtain(null);
    }

    /**
     * A token other than {@code rejected}, which the API refused: if another caller already replaced it, that one;
     * otherwise a fresh fetch.
     */
    Result<Token> renew(Token rejected) {
        return obtain(rejected);
    }

    private Result<Token> obtain(Token rejected) {
        CompletableFuture<Result<Token>> shared;
        boolean mine = false;
        synchronized (lock) {
            if (cached != null && cached == rejected) {
                cached = null;
            }
            if (cached != null && clock.instant().isBefore(cached.refreshAt())) {
                return new Ok<>(cached);
            }
            if (inFlight == null) {
                inFlight = new CompletableFuture<>();
                mine = true;
            }
            shared = inFlight;
        }
        if (mine) {
            Result<Token> result;
            try {
                result = fetch();
            } catch (RuntimeException e) {
                result = new Failure<>("token fetch failed unexpectedly: " + Departure.describe(e));
            }
            synchronized (lock) {
                if (result instanceof Ok<Token> ok) {
                    cached = ok.value();
                }
                inFlight = null;
            }
            shared.complete(result);
            return result;
        }
        try {
            return shared.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Failure<>("interrupted while waiting for an OAuth2 token");
        } catch (ExecutionException e) {
            return new Failure<>("token fetch failed unexpectedly: " + Departure.describe(e.getCause()));
        }
    }

    private Result<Token> fetch() {
        Result<Token> result = fetcher.get();
        return result == null ? new Failure<>("token fetch gave no result") : result;
    }

    /** The token POST's state through its attempts (property paylinkSmartPayCall of direct:smartpay-token). */
    public SmartPayCall call() {
        return new SmartPayCall(SmartPayCall.Kind.TOKEN, "POST " + tokenUrl.getRawPath() + " (OAuth2 token, client id " + maskedClientId + ")",
                null, null, "the OAuth2 token", attempts);
    }

    /** The form of the token POST; it holds the client secret and is never logged. */
    public String form() {
        return form;
    }

    /** The token endpoint's answer, any status: a token, a refusal, a failure, or {@link SmartPayHttp.Retry}. */
    public Result<Token> answered(SmartPayCall call, int status, String retryAfter, byte[] body) throws SmartPayHttp.Retry {
        LOG.debug("SmartPay POST {} -> HTTP {} in {} ms", tokenUrl.getRawPath(), status, call.millisSinceSent());
        Instant asked = clock.instant();
        if (status / 100 == 2) {
            return parse(body == null ? new byte[0] : body, asked);
        }
        ErrorBody error = ErrorBody.parse(mapper, body == null ? new byte[0] : body);
        String described = "HTTP " + status + ": " + error.describe();
        if (status == 400 || status == 401 || status == 403) {
            LOG.warn("SmartPay token endpoint refused client id {}: {}", maskedClientId, described);
            return new Refused<>(status, "token endpoint refused the client credentials (client id "
                    + maskedClientId + "): " + described);
        }
        if (SmartPayHttp.isRetryable(status)) {
            throw new SmartPayHttp.Retry("token endpoint " + described, retryAfter);
        }
        LOG.warn("SmartPay token endpoint answered {}", described);
        return new Failure<>("token endpoint " + tokenUrl + " answered " + described);
    }

    private Result<Token> parse(byte[] body, Instant asked) throws SmartPayHttp.Retry {
        JsonNode root;
        try {
            root = mapper.readTree(body);
        } catch (Exception e) {
            throw new SmartPayHttp.Retry("token endpoint answered 2xx with a body that is not JSON", null);
        }
        JsonNode accessToken = root == null ? null : root.get("access_token");
        if (accessToken == null || !accessToken.isTextual() || !isHeaderSafe(accessToken.asText())) {
            throw new SmartPayHttp.Retry("token endpoint answered 2xx without a usable access_token", null);
        }
        JsonNode expiresIn = root.get("expires_in");
        long seconds = expiresIn == null ? 0 : expiresIn.asLong(0);
        Duration lifetime = seconds > 0 ? Duration.ofSeconds(seconds) : DEFAULT_LIFETIME;
        Duration tenth = lifetime.dividedBy(10);
        Duration margin = tenth.compareTo(MAX_MARGIN) < 0 ? tenth : MAX_MARGIN;
        Token token = new Token(accessToken.asText(), asked.plus(lifetime).minus(margin));
        JsonNode type = root.get("token_type");
        if (type != null && type.isTextual() && !type.asText().equalsIgnoreCase("Bearer")) {
            LOG.warn("SmartPay token endpoint says token_type {}; sending it as a Bearer token anyway", type.asText());
        }
        LOG.debug("SmartPay OAuth2 token for client id {} obtained, valid for {} s, refreshed from {}",
                maskedClientId, lifetime.toSeconds(), token.refreshAt());
        return new Ok<>(token);
    }

    /** Visible ASCII only: anything else cannot go into a header (and must not end up in an exception message). */
    private static boolean isHeaderSafe(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x21 || c > 0x7e) {
                return false;
            }
        }
        return true;
    }

    static String mask(String s) {
        return s == null || s.length() < 8 ? "****" : s.substring(0, 2) + "****" + s.substring(s.length() - 2);
    }
}
