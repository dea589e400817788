package dev.paylink.smartml;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.paylink.Durations;
import dev.paylink.Plural;
import dev.paylink.smartml.ActionOutcome.Created;
import dev.paylink.smartml.ActionOutcome.Held;
import dev.paylink.smartml.ActionOutcome.HoldReason;
import dev.paylink.smartml.ActionOutcome.Rejected;
import dev.paylink.smartml.ActionOutcome.Uncertain;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.zip.GZIPInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a batch of {@code subsequentPaymentLink} do-actions to onOffice smartml in one POST and says what became of
 * each action. Plain Java, thread-safe, never throws for HTTP, I/O or JSON trouble.
 *
 * <p>The rule that protects money: the request is sent again only when it certainly never left this machine
 * (connection refused, DNS failure, connect timeout), re-signed each time. Once it may have reached onOffice, every
 * action without a certain answer is {@link Uncertain} and left to a person.
 *
 * <p>JDK 17 HttpClient, checked in its source (MultiExchange): it re-sends on its own only after a ConnectException
 * (nothing sent) or, for GET/HEAD only, a pooled connection found dead; a POST is never replayed unless
 * {@code jdk.httpclient.enableAllMethodRetry} is set, which this client refuses to run with.
 */
public final class SmartmlClient {

    private static final Logger LOG = LoggerFactory.getLogger(SmartmlClient.class);
    private static final String USER_AGENT = "paylink-routes";

    private final OnOfficeSettings settings;
    private final SmartmlCredentials credentials;
    private final Clock clock;
    private final Sleeper sleeper;
    private final ObjectMapper mapper = new ObjectMapper();
    private final ResponseClassifier classifier = new ResponseClassifier(mapper);
    private final HttpClient http;
    private final String hostAndPort;
    /** The whole exchange, body included: the JDK's request timeout stops counting once the headers are in. */
    private final Duration hardDeadline;

    public SmartmlClient(OnOfficeSettings settings, SmartmlCredentials credentials, Clock clock) {
        this(settings, credentials, clock, Sleeper.system());
    }

    public SmartmlClient(OnOfficeSettings settings, SmartmlCredentials credentials, Clock clock, Sleeper sleeper) {
        this.settings = validate(settings);
        this.credentials = Objects.requireNonNull(credentials, "credentials");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
        if (isSet(System.getProperty("jdk.httpclient.enableAllMethodRetry"))) {
            throw new IllegalStateException("jdk.httpclient.enableAllMethodRetry is set: the JDK would replay payment-link "
                    + "POSTs on its own; remove the system property");
        }
        // JDK 17 source: a POST is re-sent by the client itself only after a ConnectException, i.e. when nothing was sent
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(settings.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
        this.hostAndPort = hostAndPort(settings.url());
        this.hardDeadline = settings.connectTimeout().plus(settings.requestTimeout());
    }

    /**
     * Sends all actions in one POST.
     *
     * @param actions at least one; identifiers non-blank and unique within the batch
     * @return exactly one outcome per action, in the same order
     * @throws IllegalArgumentException for an empty list, a null action, a blank or repeated identifier (nothing is sent)
     */
    public List<ActionOutcome> send(List<SmartmlAction> actions) {
        return sendBatch(actions).outcomes();
    }

    /**
     * What one POST came to: an outcome per action, and whether the answer says the API itself is failing.
     *
     * @param apiFailure why the API looks broken (HTTP 5xx, a timeout or reset after the request left, an empty, non-JSON
     *                   or short answer), or null when it answered as documented (rejections and unknown per-action codes
     *                   included). The sender pauses on it, so that an outage costs one round of batches, not a file.
     */
    public record BatchResult(List<ActionOutcome> outcomes, String apiFailure) {
    }

    /** As {@link #send(List)}, with the verdict on the API as a whole. */
    public BatchResult sendBatch(List<SmartmlAction> actions) {
        List<SmartmlAction> batch = validate(actions);
        String apiFailure = null;
        long started = System.nanoTime();
        int attempts = settings.connectAttempts();
        List<ActionOutcome> outcomes = null;
        int attempt = 1;
        while (outcomes == null) {
            if (Thread.currentThread().isInterrupted()) {
                outcomes = allHeld(batch, "interrupted before attempt " + attempt + " was sent; nothing sent");
                break;
            }
            // fresh timestamps and HMACs on every attempt
            byte[] body = SmartmlEnvelope.build(mapper, credentials, batch, clock);
            Exchange exchange = exchange(body);
            if (exchange instanceof NeverLeft neverLeft) {
                if (attempt >= attempts) {
                    outcomes = allHeld(batch, "could not connect to " + hostAndPort + " after " + attempts
                            + (attempts == 1 ? " attempt: " : " attempts: ") + describe(neverLeft.cause()));
                } else {
                    Duration wait = backoff(attempt);
                    LOG.warn("onOffice at {} not reachable (attempt {} of {}, token {}): {}; next attempt in {}",
                            hostAndPort, attempt, attempts, credentials.maskedToken(), describe(neverLeft.cause()), Durations.spoken(wait));
                    try {
                        sleeper.sleep(wait);
                        attempt++;
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        outcomes = allHeld(batch, "interrupted while waiting to retry after " + attempt
                                + " failed connect attempt(s) to " + hostAndPort + "; nothing sent");
                    }
                }
            } else if (exchange instanceof MayHaveLeft mayHaveLeft) {
                outcomes = allUncertain(batch, mayHaveLeft.message());
                apiFailure = mayHaveLeft.apiFailing() ? mayHaveLeft.message() : null;
            } else {
                Answer answer = (Answer) exchange;
                outcomes = interpret(batch, answer);
                apiFailure = apiFailure(answer, outcomes);
            }
        }
        log(batch, outcomes, attempt, Duration.ofNanos(System.nanoTime() - started));
        return new BatchResult(outcomes, apiFailure);
    }

    /**
     * An answer says the API is failing when its status is 5xx, or when an action's outcome is unknown for want of a
     * readable answer (no error code: empty, non-JSON or short body, a result without a URL). An unknown error code
     * onOffice gave for one action is its answer, not a failure of the API.
     */
    private static String apiFailure(Answer answer, List<ActionOutcome> outcomes) {
        for (ActionOutcome o : outcomes) {
            if (o instanceof Uncertain u && u.errorCode() == null) {
                return u.message();
            }
        }
        return answer.status() >= 500 ? "HTTP " + answer.status() : null;
    }

    /**
     * Asks whether onOffice answers again after an outage, with one harmless read (no link can come of it): null when
     * it answered with a JSON object below HTTP 500, whatever that says (an error for the read is an answer too), else
     * why not. One attempt, never retried.
     */
    public String probe() {
        Exchange exchange = exchange(SmartmlEnvelope.probe(mapper, credentials, clock));
        if (exchange instanceof NeverLeft neverLeft) {
            return "could not connect to " + hostAndPort + ": " + describe(neverLeft.cause());
        }
        if (exchange instanceof MayHaveLeft mayHaveLeft) {
            return mayHaveLeft.message().replace("; the link may exist", "");
        }
        Answer answer = (Answer) exchange;
        if (answer.status() >= 500) {
            return "HTTP " + answer.status();
        }
        try {
            JsonNode root = mapper.readTree(decode(answer.headers(), answer.body()));
            return root != null && root.isObject() ? null : "HTTP " + answer.status() + " without a JSON answer";
        } catch (IOException e) {
            return "HTTP " + answer.status() + " with an unreadable answer (" + describe(e) + ")";
        }
    }

    /** One POST. Never throws for transport trouble: says whether the request certainly never left, or what came back. */
    private Exchange exchange(byte[] body) {
        HttpRequest request = HttpRequest.newBuilder(settings.url())
                .timeout(settings.requestTimeout())
                .header("Content-Type", "application/json; charset=UTF-8")
                .header("Accept", "application/json")
                .header("Accept-Encoding", "gzip")
                .header("User-Agent", USER_AGENT)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        CompletableFuture<HttpResponse<byte[]>> future = http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray());
        try {
            HttpResponse<byte[]> response = future.get(hardDeadline.toNanos(), TimeUnit.NANOSECONDS);
            return new Answer(response.statusCode(), response.headers(), response.body());
        } catch (ExecutionException | CompletionException e) {
            return failure(e.getCause() == null ? e : e.getCause());
        } catch (TimeoutException e) {
            future.cancel(true);
            return new MayHaveLeft("no complete answer within " + format(hardDeadline)
                    + " (answer started but did not finish); the link may exist", true);
        } catch (InterruptedException e) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            return new MayHaveLeft("interrupted while waiting for the answer; the link may exist", false);
        } catch (CancellationException e) {
            return new MayHaveLeft("the exchange was cancelled; the link may exist", false);
        }
    }

    /** The outermost exception type we know decides: a request timeout wrapping a ConnectException is still a timeout. */
    private Exchange failure(Throwable thrown) {
        Set<Throwable> seen = new HashSet<>();
        for (Throwable t = thrown; t != null && seen.add(t); t = t.getCause()) {
            if (t instanceof HttpConnectTimeoutException) {
                return new NeverLeft(t);
            }
            if (t instanceof HttpTimeoutException) {
                return new MayHaveLeft("no answer within " + format(settings.requestTimeout())
                        + " (read timeout); the link may exist", true);
            }
            if (t instanceof ConnectException || t instanceof UnresolvedAddressException || t instanceof UnknownHostException) {
                return new NeverLeft(t);
            }
        }
        return new MayHaveLeft("the exchange failed after connecting (" + describe(thrown)
                + "); the request may have reached onOffice, the link may exist", true);
    }

    private List<ActionOutcome> interpret(List<SmartmlAction> batch, Answer answer) {
        String contentType = answer.headers().firstValue("Content-Type").orElse(null);
        byte[] body;
        try {
            body = decode(answer.headers(), answer.body());
        } catch (IOException e) {
            return allUncertain(batch, "HTTP " + answer.status() + " with a body that could not be decoded ("
                    + describe(e) + "); the link may exist");
        }
        String redirect = null;
        if (answer.status() / 100 == 3) {
            redirect = answer.headers().firstValue("Location").orElse("nowhere");
            LOG.warn("onOffice answered HTTP {} redirecting to {}; redirects are not followed, check the configured URL {}",
                    answer.status(), redirect, settings.url());
        }
        try {
            return classifier.classify(batch, answer.status(), contentType, body, redirect);
        } catch (RuntimeException e) {
            // the request has been answered: never throw from here, the caller might send again
            LOG.error("could not interpret onOffice's answer (HTTP {})", answer.status(), e);
            return allUncertain(batch, "HTTP " + answer.status() + " with an answer this client could not interpret ("
                    + describe(e) + "); the link may exist");
        }
    }

    /** We ask for gzip only; a gzip body is recognised by its header or its magic bytes. */
    private static byte[] decode(HttpHeaders headers, byte[] raw) throws IOException {
        String encoding = headers.firstValue("Content-Encoding").orElse("").trim().toLowerCase(Locale.ROOT);
        boolean gzipMagic = raw.length >= 2 && (raw[0] & 0xff) == 0x1f && (raw[1] & 0xff) == 0x8b;
        if (encoding.equals("gzip") || encoding.equals("x-gzip") || ((encoding.isEmpty() || encoding.equals("identity")) && gzipMagic)) {
            try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(raw))) {
                return in.readAllBytes();
            }
        }
        if (encoding.isEmpty() || encoding.equals("identity")) {
            return raw;
        }
        throw new IOException("Content-Encoding " + encoding + " was not asked for");
    }

    private Duration backoff(int failedAttempts) {
        return settings.connectBackoff().multipliedBy(1L << Math.min(failedAttempts - 1, 30));
    }

    private void log(List<SmartmlAction> batch, List<ActionOutcome> outcomes, int attempts, Duration took) {
        int created = 0;
        int rejected = 0;
        int uncertain = 0;
        int held = 0;
        String firstTrouble = null;
        for (ActionOutcome outcome : outcomes) {
            if (outcome instanceof Created) {
                created++;
            } else if (outcome instanceof Rejected) {
                rejected++;
            } else {
                if (outcome instanceof Uncertain) {
                    uncertain++;
                } else {
                    held++;
                }
                if (firstTrouble == null) {
                    firstTrouble = describe(outcome);
                }
            }
        }
        LOG.debug("smartml batch of {} (first {}) done in {} ms, {}: {} created, {} rejected, {} uncertain, {} held",
                batch.size(), batch.get(0).identifier(), took.toMillis(), Plural.of(attempts, "attempt"), created, rejected, uncertain, held);
        if (firstTrouble != null) {
            LOG.warn("smartml batch of {} (first {}): {} uncertain, {} held; first: {}",
                    batch.size(), batch.get(0).identifier(), uncertain, held, firstTrouble);
        }
    }

    /** An outcome that is not an answer, for a log line: {@code key K: held, credentials refused (errorcode 137): ...}. */
    private static String describe(ActionOutcome outcome) {
        if (outcome instanceof Uncertain u) {
            return "key " + u.identifier() + ": uncertain" + (u.errorCode() == null ? "" : " (errorcode " + u.errorCode() + ")") + ": " + u.message();
        }
        Held h = (Held) outcome;
        return "key " + h.identifier() + ": held, " + switch (h.reason()) {
            case CREDENTIALS -> "credentials refused";
            case CLOCK -> "timestamp refused";
            case ENVELOPE -> "request refused as malformed";
            case UNREACHABLE -> "onOffice not reachable";
        } + (h.errorCode() == null ? "" : " (errorcode " + h.errorCode() + ")") + ": " + h.message();
    }

    private static List<ActionOutcome> allUncertain(List<SmartmlAction> batch, String message) {
        List<ActionOutcome> outcomes = new ArrayList<>(batch.size());
        for (SmartmlAction action : batch) {
            outcomes.add(new Uncertain(action.identifier(), null, message));
        }
        return outcomes;
    }

    private static List<ActionOutcome> allHeld(List<SmartmlAction> batch, String message) {
        List<ActionOutcome> outcomes = new ArrayList<>(batch.size());
        for (SmartmlAction action : batch) {
            outcomes.add(new Held(action.identifier(), HoldReason.UNREACHABLE, null, message));
        }
        return outcomes;
    }

    private static List<SmartmlAction> validate(List<SmartmlAction> actions) {
        Objects.requireNonNull(actions, "actions");
        if (actions.isEmpty()) {
            throw new IllegalArgumentException("a batch needs at least one action");
        }
        List<SmartmlAction> copy = List.copyOf(actions); // also rejects null elements
        Set<String> identifiers = new HashSet<>();
        for (SmartmlAction action : copy) {
            if (action.identifier() == null || action.identifier().isBlank()) {
                throw new IllegalArgumentException("an action needs a non-blank identifier: " + action);
            }
            if (!identifiers.add(action.identifier())) {
                throw new IllegalArgumentException("identifier " + action.identifier() + " occurs twice in one batch");
            }
            if (action.request() == null) {
                throw new IllegalArgumentException("action " + action.identifier() + " has no request");
            }
            if (action.request().priceNet().signum() <= 0) {
                throw new IllegalArgumentException("action " + action.identifier() + " has a non-positive priceNet");
            }
        }
        return copy;
    }

    private static OnOfficeSettings validate(OnOfficeSettings settings) {
        Objects.requireNonNull(settings, "settings");
        URI url = Objects.requireNonNull(settings.url(), "url");
        if (url.getScheme() == null || !(url.getScheme().equalsIgnoreCase("https") || url.getScheme().equalsIgnoreCase("http"))
                || url.getHost() == null) {
            throw new IllegalArgumentException("onOffice url must be an absolute http(s) URL: " + url);
        }
        requirePositive(settings.connectTimeout(), "connectTimeout");
        requirePositive(settings.requestTimeout(), "requestTimeout");
        if (settings.connectAttempts() < 1) {
            throw new IllegalArgumentException("connectAttempts must be at least 1: " + settings.connectAttempts());
        }
        Objects.requireNonNull(settings.connectBackoff(), "connectBackoff");
        if (settings.connectBackoff().isNegative()) {
            throw new IllegalArgumentException("connectBackoff must not be negative: " + settings.connectBackoff());
        }
        return settings;
    }

    private static void requirePositive(Duration duration, String name) {
        Objects.requireNonNull(duration, name);
        if (duration.isZero() || duration.isNegative()) {
            throw new IllegalArgumentException(name + " must be positive: " + duration);
        }
    }

    private static boolean isSet(String property) {
        return property != null && (property.isEmpty() || Boolean.parseBoolean(property));
    }

    private static String hostAndPort(URI url) {
        int port = url.getPort() != -1 ? url.getPort() : url.getScheme().equalsIgnoreCase("https") ? 443 : 80;
        return url.getHost() + ":" + port;
    }

    /** "30s" or "300ms". */
    static String format(Duration duration) {
        long millis = duration.toMillis();
        return millis % 1000 == 0 ? (millis / 1000) + "s" : millis + "ms";
    }

    /** "java.net.ConnectException: Connection refused", or with the cause when the JDK gives no message. */
    private static String describe(Throwable t) {
        String message = t.getMessage();
        Throwable cause = t.getCause();
        if (message != null && !message.isBlank()) {
            return t.getClass().getName() + ": " + message;
        }
        return t.getClass().getName() + (cause == null || cause == t ? "" : " caused by " + describe(cause));
    }

    /** What one POST came to. */
    private sealed interface Exchange permits NeverLeft, MayHaveLeft, Answer {
    }

    /** Connecting failed: the request certainly never reached onOffice. */
    private record NeverLeft(Throwable cause) implements Exchange {
    }

    /** Failed after the request may have been sent; {@code apiFailing} unless we cut it short ourselves (interrupt, cancel). */
    private record MayHaveLeft(String message, boolean apiFailing) implements Exchange {
    }

    /** An HTTP answer, any status. */
    private record Answer(int status, HttpHeaders headers, byte[] body) implements Exchange {
    }
}
