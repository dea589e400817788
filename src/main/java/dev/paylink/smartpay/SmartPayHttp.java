package dev.paylink.smartpay;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.paylink.Durations;
import dev.paylink.http.Departure;
import dev.paylink.http.RetryAfter;
import dev.paylink.smartpay.Result.Failure;
import dev.paylink.smartpay.Result.Missing;
import dev.paylink.smartpay.Result.Ok;
import dev.paylink.smartpay.Result.Refused;
import dev.paylink.smartpay.SmartPayJson.Lenient;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The steps of routes/smartpay.camel.yaml around each SmartPay request: the Authorization value, what an answer (or a
 * transport failure) means, the wait before Camel's next redelivery, and the result once the attempts are spent.
 * Retried (thrown as {@link Retry}): 408, 429, 500, 502, 503, 504, transport failures and unreadable 2xx bodies. A 401/403
 * with OAuth2 renews the token once per request and sends it again within the same attempt. Never logs a secret.
 */
public final class SmartPayHttp {

    private static final Logger LOG = LoggerFactory.getLogger(SmartPayHttp.class);
    /** The longest wait between two attempts, a Retry-After included. */
    static final Duration MAX_WAIT = Duration.ofMinutes(5);

    private final SmartPaySettings settings;
    private final OAuth2Tokens tokens;
    private final Clock clock;
    private final ObjectMapper mapper = SmartPayJson.mapper();
    private final String basicHeader;

    /** @param tokens null for Basic authentication */
    SmartPayHttp(SmartPaySettings settings, OAuth2Tokens tokens, Clock clock) {
        this.settings = settings;
        this.tokens = tokens;
        this.clock = clock;
        this.basicHeader = tokens != null ? null : "Basic " + Base64.getEncoder().encodeToString(
                (settings.merchantKey() + ":" + settings.authenticationKey()).getBytes(StandardCharsets.UTF_8));
    }

    /** Worth another attempt: the routes' error handler redelivers the whole request after {@link #retryWait}. */
    public static final class Retry extends Exception {
        private final transient String retryAfter;

        Retry(String reason, String retryAfter) {
            super(reason, null, false, false);
            this.retryAfter = retryAfter;
        }

        String retryAfter() {
            return retryAfter;
        }
    }

    /** Final without an answer worth repeating (no token to send): the route's result is {@link #result()}. */
    public static final class Final extends Exception {
        private final transient Result<?> result;

        Final(Result<?> result) {
            super(String.valueOf(result), null, false, false);
            this.result = result;
        }

        Result<?> result() {
            return result;
        }
    }

    /** First step of every attempt. */
    public void attempt(SmartPayCall call) {
        call.nextAttempt();
    }

    /** The Authorization value of this try: Basic, or the cached OAuth2 token (a new one after a refusal). */
    public String authorization(SmartPayCall call) throws Final {
        if (tokens == null) {
            call.sending(null);
            return basicHeader;
        }
        Result<OAuth2Tokens.Token> token = call.isRenewing() ? tokens.renew(call.token()) : tokens.current();
        if (token instanceof Ok<OAuth2Tokens.Token> ok) {
            call.sending(ok.value());
            return ok.value().header();
        }
        throw new Final(token);
    }

    /** Marks the token POST as leaving now (for the DEBUG line). */
    public void sending(SmartPayCall call) {
        call.sending(null);
    }

    /**
     * An API answer, any status: a {@link Result} for the route, or {@link Retry}. A refusal that renews the token
     * leaves {@link SmartPayCall#isRenewing()} set and answers null.
     */
    public Result<?> answered(SmartPayCall call, int status, String retryAfter, String location, byte[] body) throws Retry {
        LOG.debug("SmartPay {} -> HTTP {} in {} ms", call.what(), status, call.millisSinceSent());
        if (status / 100 == 2) {
            try {
                Lenient<?> read = SmartPayJson.read(mapper, body == null ? new byte[0] : body, call.type());
                if (!read.dropped().isEmpty()) {
                    LOG.warn("SmartPay {} for {}: ignored fields that did not fit: {}", call.what(), call.subject(), read.dropped());
                }
                return new Ok<>(read.value());
            } catch (IOException | RuntimeException e) {
                throw new Retry("HTTP " + status + " with an unreadable body (" + SmartPayJson.firstLine(Departure.describe(e)) + ")", null);
            }
        }
        ErrorBody error = ErrorBody.parse(mapper, body == null ? new byte[0] : body);
        if (isAuthRefusal(status) && tokens != null && call.renewOnce()) {
            LOG.warn("SmartPay {} -> HTTP {} ({}); fetching a new OAuth2 token and trying once more", call.what(), status, error.describe());
            return null;
        }
        String described = "HTTP " + status + " for " + call.subject() + ": " + error.describe();
        if (status == 404) {
            LOG.warn("SmartPay {} -> {}", call.what(), described);
            return new Missing<>(described);
        }
        if (isAuthRefusal(status)) {
            LOG.warn("SmartPay {} -> {}; credentials refused", call.what(), described);
            return new Refused<>(status, "SmartPay refused our credentials (" + settings.auth() + "): " + described);
        }
        if (isRetryable(status)) {
            throw new Retry(described, retryAfter);
        }
        if (status / 100 == 3) {
            String to = location == null ? "nowhere" : location;
            LOG.warn("SmartPay {} -> HTTP {} to {}; redirects are not followed, check the configured url {}", call.what(), status, to,
                    settings.url());
            return new Failure<>("HTTP " + status + " redirect to " + to + " for " + call.subject()
                    + " (not followed; check the configured SmartPay url)");
        }
        LOG.warn("SmartPay {} -> {}", call.what(), described);
        return new Failure<>(described);
    }

    /** The request got no (complete) answer: connect failure, timeout, I/O error. Always worth another attempt. */
    public Result<?> broken(SmartPayCall call, Exception failure) throws Retry {
        String reason = brokenReason(failure);
        LOG.debug("SmartPay {} -> no answer in {} ms: {}", call.what(), call.millisSinceSent(), reason);
        throw new Retry(reason, null);
    }

    private String brokenReason(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SocketTimeoutException) {
                return "no answer within " + settings.readTimeout().toMillis() + " ms (read timeout)";
            }
        }
        if (Departure.of(failure) == Departure.NEVER_LEFT || failure instanceof ConnectException || failure instanceof UnknownHostException) {
            return "could not connect: " + Departure.describe(failure);
        }
        return "the exchange failed: " + Departure.describe(failure);
    }

    /**
     * The error handler's onExceptionOccurred, before it decides on a redelivery: the wait (Retry-After, seconds or an
     * HTTP date, else the backoff doubled per failed attempt, at most {@link #MAX_WAIT}) goes into the
     * {@code CamelRedeliveryDelay} header, which RedeliveryErrorHandler takes over its own computed delay; and a WARN
     * says which attempt failed and when the next one is, when there is one.
     */
    public void retryWait(Exchange exchange) {
        SmartPayCall call = exchange.getProperty(SmartPayLookups.CALL, SmartPayCall.class);
        Exception failure = exchange.getException() != null ? exchange.getException()
                : exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        Retry retry = cause(failure, Retry.class);
        if (call == null || retry == null || call.attempt() >= call.attempts()) {
            return;
        }
        Duration wait = retryAfter(retry.retryAfter()).orElseGet(() -> backoff(call.attempt()));
        exchange.getIn().setHeader(Exchange.REDELIVERY_DELAY, wait.toMillis());
        LOG.warn("SmartPay {} (attempt {} of {}): {}; next attempt in {}", call.what(), call.attempt(), call.attempts(), retry.getMessage(),
                Durations.spoken(wait));
    }

    /** The result once the error handler gives up: the attempts spent, or a final result thrown as {@link Final}. */
    public Result<?> gaveUp(SmartPayCall call, Exception failure) {
        Final f = cause(failure, Final.class);
        if (f != null) {
            return f.result();
        }
        Retry retry = cause(failure, Retry.class);
        int n = call.attempt();
        return new Failure<>(call.what() + " failed after " + n + (n == 1 ? " attempt: " : " attempts: ")
                + (retry != null ? retry.getMessage() : Departure.describe(failure)));
    }

    /** A bean called as an expression (setBody: method) has its exception wrapped: the one of ours among the causes. */
    private static <T extends Throwable> T cause(Throwable failure, Class<T> type) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }

    Duration backoff(int failedAttempts) {
        Duration wait = settings.backoff().multipliedBy(1L << Math.min(failedAttempts - 1, 20));
        return wait.compareTo(MAX_WAIT) > 0 ? MAX_WAIT : wait;
    }

    /** Retry-After as delay-seconds or an HTTP date, never negative, capped; empty when absent or unreadable. */
    Optional<Duration> retryAfter(String header) {
        return RetryAfter.parse(header, clock.instant(), MAX_WAIT);
    }

    static boolean isRetryable(int status) {
        return status == 408 || status == 429 || status == 500 || status == 502 || status == 503 || status == 504;
    }

    private static boolean isAuthRefusal(int status) {
        return status == 401 || status == 403;
    }
}
