package dev.paylink.events;

/** The event types, as they appear in {@link Event#type()}. */
public final class EventTypes {

    /** A tracked payment link's status moved (data: old and new status). */
    public static final String PAYMENT_STATUS_CHANGED = "payment.status_changed";
    /** A tracked payment link was paid (CAPTURED or SETTLED). */
    public static final String PAYMENT_PAID = "payment.paid";
    /** A tracked payment link's expiry passed without a paid transaction. */
    public static final String PAYMENT_EXPIRED = "payment.expired";

    private EventTypes() {
    }
}
