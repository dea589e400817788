package dev.paylink.events;

import java.time.Clock;
import java.time.Instant;
import java.util.UUID;

/**
 * Something that happened, as it is logged and delivered: {@code {id, type, createdAt, data}}.
 *
 * @param id   unique, so a receiver can drop a repeat
 * @param type e.g. {@code payment.paid}; see {@link EventTypes}
 */
public record Event<T>(String id, String type, Instant createdAt, T data) {

    public static <T> Event<T> of(String type, T data, Clock clock) {
        return new Event<>(UUID.randomUUID().toString(), type, clock.instant(), data);
    }

    /**
     * An event whose id is derived from what it is about ({@code identity}), so the same happening emitted again
     * (a file reported twice after a crash) has the same id and is delivered once.
     */
    public static <T> Event<T> stable(String type, String identity, T data, Clock clock) {
        String id = UUID.nameUUIDFromBytes((type + "|" + identity).getBytes(java.nio.charset.StandardCharsets.UTF_8)).toString();
        return new Event<>(id, type, clock.instant(), data);
    }

    /**
     * The same event with its id derived from {@code scope} and its own id: still stable for a re-emit, but distinct
     * for another scope (another ledger).
     */
    public Event<T> scopedTo(String scope) {
        String scoped = UUID.nameUUIDFromBytes((scope + "|" + id).getBytes(java.nio.charset.StandardCharsets.UTF_8)).toString();
        return new Event<>(scoped, type, createdAt, data);
    }
}
