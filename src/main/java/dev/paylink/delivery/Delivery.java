package dev.paylink.delivery;

import java.time.Instant;

/**
 * One event on its way to one output.
 *
 * @param id        the delivery's own id (one event has one delivery per output and target)
 * @param eventId   {@code Event.id()}: receivers use it to drop repeats
 * @param eventType e.g. {@code file.completed}
 * @param output    {@code mail} or {@code webhook}
 * @param target    the webhook URL, or the mail recipients (comma-separated)
 * @param payload   the event as JSON: {@code {"id","type","createdAt","data"}}
 * @param attempts  tries so far
 * @param claim     the claim under which it was taken from the queue ({@code Deliveries#claimDue}); null: not taken
 */
public record Delivery(long id, String eventId, String eventType, String output, String target, String payload, int attempts,
                       Instant createdAt, String claim) {

    /** A delivery not taken from the queue (built by hand: a test, a command-line send). */
    public Delivery(long id, String eventId, String eventType, String output, String target, String payload, int attempts, Instant createdAt) {
        this(id, eventId, eventType, output, target, payload, attempts, createdAt, null);
    }
}
