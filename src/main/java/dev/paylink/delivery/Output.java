package dev.paylink.delivery;

/**
 * An output events are delivered to from the queue: {@link RouteOutput} (mail, webhook, any route {@code output-<name>}).
 * One try per call; never throws for the receiver's trouble.
 */
public interface Output {

    /** The name used in {@code paylink.deliver.*}: {@code mail}, {@code webhook} or another route output's. */
    String name();

    DeliveryResult deliver(Delivery delivery);

    /**
     * Whether each target is a receiver of its own (a webhook endpoint) that must progress independently: then the
     * {@link Dispatcher} gives every target its own lane, so a slow one never delays another. False for mail, whose
     * recipients all go through one SMTP server.
     */
    default boolean isolatesTargets() {
        return false;
    }

    /** A target as a person may read it in a log line or a dead letter: no credentials. */
    default String describe(String target) {
        return target;
    }
}
