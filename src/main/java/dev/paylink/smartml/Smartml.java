package dev.paylink.smartml;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.paylink.http.Departure;
import dev.paylink.smartml.ActionOutcome.Created;
import dev.paylink.smartml.ActionOutcome.Held;
import dev.paylink.smartml.ActionOutcome.HoldReason;
import dev.paylink.smartml.ActionOutcome.Rejected;
import dev.paylink.smartml.ActionOutcome.Uncertain;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The smartml side of one batch, without the HTTP (the POST is a camel-http endpoint in routes/onoffice.camel.yaml):
 * signs the envelope, and says what an answer, or a failed request, came to for each action. Thread-safe.
 *
 * <p>The rule that protects money: a request that certainly never left ({@link Departure#NEVER_LEFT}) is held, to be
 * sent again re-signed; once it may have reached onOffice, every action without a certain answer is {@link Uncertain}.
 */
public final class Smartml {

    private static final Logger LOG = LoggerFactory.getLogger(Smartml.class);

    private final SmartmlCredentials credentials;
    private final Clock clock;
    private final String hostAndPort;
    private final Duration requestTimeout;
    private final ObjectMapper mapper = new ObjectMapper();
    private final ResponseClassifier classifier = new ResponseClassifier(mapper);

    public Smartml(SmartmlCredentials credentials, Clock clock, URI url, Duration requestTimeout) {
        this.credentials = Objects.requireNonNull(credentials, "credentials");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.hostAndPort = url.getHost() + ":" + (url.getPort() != -1 ? url.getPort() : "https".equalsIgnoreCase(url.getScheme()) ? 443 : 80);
        this.requestTimeout = requestTimeout;
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

    /**
     * The request body: fresh timestamps and HMACs on every call, so every attempt is signed anew.
     *
     * @throws IllegalArgumentException for an empty batch, a blank or repeated identifier, a non-positive price
     */
    public byte[] sign(List<SmartmlAction> actions) {
        return SmartmlEnvelope.build(mapper, credentials, validate(actions), clock);
    }

    /** A signed request with one harmless read (no link can come of it): does onOffice answer? */
    public byte[] signProbe() {
        return SmartmlEnvelope.probe(mapper, credentials, clock);
    }

    /** An HTTP answer (any status) to the batch. Never throws: what cannot be read is Uncertain. */
    public BatchResult answer(List<SmartmlAction> batch, int status, String contentType, String contentEncoding, String location, byte[] raw) {
        List<ActionOutcome> outcomes = interpret(batch, status, contentType, contentEncoding, location, raw);
        return new BatchResult(outcomes, apiFailure(status, outcomes));
    }

    /** Connecting failed on every attempt: nothing left, every action is held (back to RECEIVED) and sending pauses. */
    public BatchResult unreachable(List<SmartmlAction> batch, Throwable cause, int attempts) {
        String message = "could not connect to " + hostAndPort + " after " + attempts + (attempts == 1 ? " attempt: " : " attempts: ")
                + Departure.describe(cause);
        List<ActionOutcome> outcomes = new ArrayList<>(batch.size());
        batch.forEach(a -> outcomes.add(new Held(a.identifier(), HoldReason.UNREACHABLE, null, message)));
        return new BatchResult(outcomes, null);
    }

    /** The request failed after it may have left (read timeout, reset, closed): every action is Uncertain, never re-sent. */
    public BatchResult mayHaveLeft(List<SmartmlAction> batch, Throwable cause) {
        String message = failure(cause) + "; the link may exist";
        List<ActionOutcome> outcomes = new ArrayList<>(batch.size());
        batch.forEach(a -> outcomes.add(new Uncertain(a.identifier(), null, message)));
        return new BatchResult(outcomes, message);
    }

    /** The log line before a re-signed connect attempt. */
    public String notReachable(Throwable cause) {
        return "onOffice at " + hostAndPort + " not reachable (token " + credentials.maskedToken() + "): " + Departure.describe(cause);
    }

    /** Why the probe's read failed, or null when onOffice answered it with a JSON object below HTTP 500 (an error is an answer too). */
    public String probeAnswer(int status, String contentEncoding, byte[] raw) {
        if (status >= 500) {
            return "HTTP " + status;
        }
        try {
            JsonNode root = mapper.readTree(decode(contentEncoding, raw));
            return root != null && root.isObject() ? null : "HTTP " + status + " without a JSON answer";
        } catch (IOException e) {
            return "HTTP " + status + " with an unreadable answer (" + Departure.describe(e) + ")";
        }
    }

    /** Why the probe's request failed. */
    public String probeFailed(Throwable cause) {
        return Departure.of(cause) == Departure.NEVER_LEFT
                ? "could not connect to " + hostAndPort + ": " + Departure.describe(cause)
                : failure(cause);
    }

    private String failure(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SocketTimeoutException) {
                return "no answer within " + format(requestTimeout) + " (read timeout)";
            }
        }
        return "the exchange failed after connecting (" + Departure.describe(cause) + "); the request may have reached onOffice";
    }

    /**
     * An answer says the API is failing when its status is 5xx, or when an action's outcome is unknown for want of a
     * readable answer (no error code: empty, non-JSON or short body, a result without a URL). An unknown error code
     * onOffice gave for one action is its answer, not a failure of the API.
     */
    private static String apiFailure(int status, List<ActionOutcome> outcomes) {
        for (ActionOutcome o : outcomes) {
            if (o instanceof Uncertain u && u.errorCode() == null) {
                return u.message();
            }
        }
        return status >= 500 ? "HTTP " + status : null;
    }

    private List<ActionOutcome> interpret(List<SmartmlAction> batch, int status, String contentType, String contentEncoding, String location,
                                          byte[] raw) {
        byte[] body;
        try {
            body = decode(contentEncoding, raw == null ? new byte[0] : raw);
        } catch (IOException e) {
            return allUncertain(batch, "HTTP " + status + " with a body that could not be decoded (" + Departure.describe(e) + "); the link may exist");
        }
        String redirect = null;
        if (status / 100 == 3) {
            redirect = location == null ? "nowhere" : location;
            LOG.warn("onOffice answered HTTP {} redirecting to {}; redirects are not followed, check the configured URL", status, redirect);
        }
        try {
            return classifier.classify(batch, status, contentType, body, redirect);
        } catch (RuntimeException e) {
            // the request has been answered: never throw from here, the caller might send again
            LOG.error("could not interpret onOffice's answer (HTTP {})", status, e);
            return allUncertain(batch, "HTTP " + status + " with an answer this client could not interpret (" + Departure.describe(e)
                    + "); the link may exist");
        }
    }

    /**
     * HttpClient 5 asks for gzip and unpacks it itself (dropping Content-Encoding); a gzip body that comes without the
     * header is recognised by its magic bytes.
     */
    private static byte[] decode(String contentEncoding, byte[] raw) throws IOException {
        String encoding = contentEncoding == null ? "" : contentEncoding.trim().toLowerCase(Locale.ROOT);
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

    /** One DEBUG line per batch, and a WARN naming the first action that has no certain answer. */
    public void log(List<SmartmlAction> batch, BatchResult result, int attempts) {
        int created = 0;
        int rejected = 0;
        int uncertain = 0;
        int held = 0;
        String firstTrouble = null;
        for (ActionOutcome outcome : result.outcomes()) {
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
        LOG.debug("smartml batch of {} (first {}), {} attempt(s): {} created, {} rejected, {} uncertain, {} held",
                batch.size(), batch.get(0).identifier(), attempts, created, rejected, uncertain, held);
        if (firstTrouble != null) {
            LOG.warn("smartml batch of {} (first {}): {} uncertain, {} held; first: {}", batch.size(), batch.get(0).identifier(), uncertain, held,
                    firstTrouble);
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
        batch.forEach(a -> outcomes.add(new Uncertain(a.identifier(), null, message)));
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

    /** "30s" or "300ms". */
    static String format(Duration duration) {
        long millis = duration.toMillis();
        return millis % 1000 == 0 ? (millis / 1000) + "s" : millis + "ms";
    }
}
