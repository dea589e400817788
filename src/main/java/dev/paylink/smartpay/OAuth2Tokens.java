package dev.paylink.smartpay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.paylink.smartpay.Result.Failure;
import dev.paylink.smartpay.Result.Ok;
import dev.paylink.smartpay.Result.Refused;
import dev.paylink.smartpay.Retrier.Again;
import dev.paylink.smartpay.Retrier.Done;
import dev.paylink.smartpay.Retrier.Try;
import dev.paylink.smartpay.Transport.Answer;
import dev.paylink.smartpay.Transport.Broken;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * OAuth2 client-credentials tokens, cached until shortly before they expire. Thread-safe: concurrent callers that
 * need a token while none is valid share one fetch (and its outcome, failure included), so the token endpoint sees no
 * stampede. Never logs the token or the client secret.
 */
final class OAuth2Tokens {

    private static final Logger LOG = LoggerFactory.getLogger(SmartPayClient.class);
    /** Refresh this long before expiry at most... */
    private static final Duration MAX_MARGIN = Duration.ofSeconds(60);
    /** ...and, when the answer gives no usable expires_in, assume this lifetime. */
    static final Duration DEFAULT_LIFETIME = Duration.ofMinutes(5);

    /** A bearer token; its value never appears in {@link #toString()}. */
    static final class Token {
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
    private final byte[] form;
    private final String userAgent;
    private final String maskedClientId;
    private final Transport transport;
    private final Retrier retrier;
    private final ObjectMapper mapper;
    private final Clock clock;

    private final Object lock = new Object();
    /** Guarded by lock. */
    private Token cached;
    /** Guarded by lock: the fetch under way, shared by everyone who needs a token meanwhile. */
    private CompletableFuture<Result<Token>> inFlight;

    OAuth2Tokens(SmartPaySettings settings, Transport transport, Retrier retrier, ObjectMapper mapper, Clock clock) {
        this.tokenUrl = settings.tokenUrl();
        this.form = ("grant_type=client_credentials"
                + "&client_id=" + URLEncoder.encode(settings.clientId(), StandardCharsets.UTF_8)
                + "&client_secret=" + URLEncoder.encode(settings.clientSecret(), StandardCharsets.UTF_8))
                .getBytes(StandardCharsets.UTF_8);
        this.userAgent = settings.userAgent();
        this.maskedClientId = mask(settings.clientId());
        this.transport = transport;
        this.retrier = retrier;
        this.mapper = mapper;
        this.clock = clock;
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
                result = new Failure<>("token fetch failed unexpectedly: " + Transport.describe(e));
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
            return new Failure<>("token fetch failed unexpectedly: " + Transport.describe(e.getCause()));
        }
    }

    private Result<Token> fetch() {
        String what = "POST " + tokenUrl.getRawPath() + " (OAuth2 token, client id " + maskedClientId + ")";
        return retrier.run(what, attempt -> {
            Instant asked = clock.instant();
            HttpRequest request = HttpRequest.newBuilder(tokenUrl)
                    .timeout(transport.readTimeout())
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .header("Accept", "application/json")
                    .header("User-Agent", userAgent)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(form))
                    .build();
            Transport.Exchange exchange = transport.send(request);
            if (exchange instanceof Broken broken) {
                return new Again<>(broken.message(), null);
            }
            return interpret((Answer) exchange, asked);
        }, Failure::new);
    }

    private Try<Result<Token>> interpret(Answer answer, Instant asked) {
        int status = answer.status();
        if (status / 100 == 2) {
            return parse(answer.body(), asked);
        }
        ErrorBody error = ErrorBody.parse(mapper, answer.body());
        String described = "HTTP " + status + ": " + error.describe();
        if (status == 400 || status == 401 || status == 403) {
            LOG.warn("SmartPay token endpoint refused client id {}: {}", maskedClientId, described);
            return new Done<>(new Refused<>(status, "token endpoint refused the client credentials (client id "
                    + maskedClientId + "): " + described));
        }
        if (SmartPayClient.isRetryable(status)) {
            return new Again<>("token endpoint " + described, answer.headers());
        }
        LOG.warn("SmartPay token endpoint answered {}", described);
        return new Done<>(new Failure<>("token endpoint " + tokenUrl + " answered " + described));
    }

    private Try<Result<Token>> parse(byte[] body, Instant asked) {
        JsonNode root;
        try {
            root = mapper.readTree(body);
        } catch (Exception e) {
            return new Again<>("token endpoint answered 2xx with a body that is not JSON", null);
        }
        JsonNode accessToken = root == null ? null : root.get("access_token");
        if (accessToken == null || !accessToken.isTextual() || !isHeaderSafe(accessToken.asText())) {
            return new Again<>("token endpoint answered 2xx without a usable access_token", null);
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
        return new Done<>(new Ok<>(token));
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
