package dev.paylink.delivery;

/** An output events are delivered to (mail, webhook). One try per call; never throws for the receiver's trouble. */
public interface Output {

    /** The name used in {@code paylink.deliver.*}: {@code mail} or {@code webhook}. */
    String name();

    DeliveryResult deliver(Delivery delivery);
}
