package dev.paylink.delivery;

import dev.paylink.http.Departure;
import dev.paylink.http.RetryAfter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.UnaryOperator;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;

/**
 * An output is a route, {@code direct:output-<name>}; this sends one try of a delivery to it and reads what came of it.
 * The {@link Dispatcher} owns the one retry / back-off / dead-letter policy for every output.
 *
 * <p>The contract of an output route:
 * <ul>
 *   <li>In: the body is the event as JSON (a String); exchange properties {@value #EVENT_ID}, {@value #EVENT_TYPE},
 *       {@value #TARGET} (a webhook endpoint's name, the mail recipients, or the output's own name), {@value #ATTEMPT}
 *       (1 for a first try) and {@value #DELIVERY_ID}. No headers: whatever the route calls gets only what it sets.</li>
 *   <li>Out: nothing, and no exception: delivered. An exception: a failed try, tried again per the policy. Or property
 *       {@value #OUTCOME} = {@code retry} or {@code failed} (permanent: dead-lettered at once), with {@value #DETAIL} (what
 *       went wrong, in words) and, for a retry, optionally {@value #RETRY_AFTER} (a receiver's Retry-After: seconds or an
 *       HTTP date, as sent).</li>
 * </ul>
 */
public final class RouteOutput implements Output {

    public static final String DELIVERY_ID = "paylinkDeliveryId";
    public static final String EVENT_ID = "paylinkEventId";
    public static final String EVENT_TYPE = "paylinkEventType";
    public static final String TARGET = "paylinkTarget";
    public static final String ATTEMPT = "paylinkAttempt";
    public static final String OUTCOME = "paylinkDeliveryOutcome";
    public static final String DETAIL = "paylinkDeliveryDetail";
    public static final String RETRY_AFTER = "paylinkRetryAfter";
    public static final String RETRY = "retry";
    public static final String FAILED = "failed";
    /** The longest Retry-After read; the dispatcher's own ceiling ({@code paylink.deliver.max-retry-after}) applies after. */
    static final Duration MAX_RETRY_AFTER = Duration.ofHours(24);

    private final String name;
    private final ProducerTemplate template;
    private final boolean isolatesTargets;
    private final UnaryOperator<String> describe;
    private final Clock clock;

    /**
     * @param isolatesTargets every target its own lane (webhook endpoints), see {@link Output#isolatesTargets()}
     * @param describe        a target as a log line may show it
     */
    public RouteOutput(String name, ProducerTemplate template, boolean isolatesTargets, UnaryOperator<String> describe, Clock clock) {
        this.name = name;
        this.template = template;
        this.isolatesTargets = isolatesTargets;
        this.describe = describe;
        this.clock = clock;
    }

    /** The endpoint of an output's route. */
    public static String endpoint(String output) {
        return "direct:output-" + output;
    }

    /** The id its route must have: {@code output-<name>}. */
    public static String routeId(String output) {
        return "output-" + output;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public boolean isolatesTargets() {
        return isolatesTargets;
    }

    @Override
    public String describe(String target) {
        return describe.apply(target);
    }

    @Override
    public DeliveryResult deliver(Delivery d) {
        Exchange done = template.send(endpoint(name), exchange -> {
            exchange.setProperty(DELIVERY_ID, d.id());
            exchange.setProperty(EVENT_ID, d.eventId());
            exchange.setProperty(EVENT_TYPE, d.eventType());
            exchange.setProperty(TARGET, d.target());
            exchange.setProperty(ATTEMPT, d.attempts() + 1);
            exchange.getIn().setBody(d.payload());
        });
        return outcome(done);
    }

    /** What the route's exchange says of the try (see the class's contract). */
    DeliveryResult outcome(Exchange done) {
        Exception thrown = done.getException();
        String outcome = done.getProperty(OUTCOME, String.class);
        String error = done.getProperty(DETAIL, String.class);
        if (thrown != null) {
            // Receivers drop repeats by event id, so a try that may have reached them is tried again too.
            return new DeliveryResult.Retry((error == null ? "" : error + ": ") + Departure.describe(thrown)
                    + (Departure.of(thrown) == Departure.NEVER_LEFT ? " (not sent)" : ""), null);
        }
        if (FAILED.equals(outcome)) {
            return new DeliveryResult.Failed(error == null ? "the " + name + " output refused it" : error);
        }
        if (RETRY.equals(outcome)) {
            return new DeliveryResult.Retry(error == null ? "the " + name + " output asked for another try" : error,
                    retryAfter(done.getProperty(RETRY_AFTER), clock.instant()));
        }
        return new DeliveryResult.Delivered(error == null ? "delivered" : error);
    }

    /**
     * A Retry-After: a {@link Duration}, delay-seconds or an HTTP date; never negative, at most {@link #MAX_RETRY_AFTER};
     * null when absent or unreadable. The one Retry-After parser of the outputs.
     */
    static Duration retryAfter(Object given, Instant now) {
        if (given instanceof Duration d) {
            return clamp(d);
        }
        return RetryAfter.parse(given == null ? null : given.toString(), now, MAX_RETRY_AFTER).orElse(null);
    }

    private static Duration clamp(Duration wait) {
        return wait.isNegative() ? Duration.ZERO : wait.compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : wait;
    }
}
