package dev.paylink.events;

/** The event types, as they appear in {@link Event#type()}. */
public final class EventTypes {

    /** onOffice created a link for a row (data: {@link LinkEventData}). */
    public static final String LINK_CREATED = "link.created";
    /** onOffice refused a row (data: {@link LinkEventData} with errorCode and message). */
    public static final String LINK_REJECTED = "link.rejected";
    /** A row's outcome is unknown: a person must resolve it (data: {@link LinkEventData}). */
    public static final String LINK_UNCERTAIN = "link.uncertain";
    /** A row's key was already in the ledger; it was not sent (data: {@link LinkEventData}). */
    public static final String LINK_DUPLICATE = "link.duplicate";
    /** A person's decision about an UNCERTAIN row was applied from a resolution drop (data: {@link ResolutionEventData}). */
    public static final String LINK_RESOLVED = "link.resolved";
    /** A file was processed (data: the file's summary, as in x.summary.json, plus resultsFile). */
    public static final String FILE_COMPLETED = "file.completed";
    /** A file could not be read and went to the error folder (data: the FAILED summary). */
    public static final String FILE_FAILED = "file.failed";
    /** A tracked payment link's status moved (data: old and new status). */
    public static final String PAYMENT_STATUS_CHANGED = "payment.status_changed";
    /** A tracked payment link was paid (CAPTURED or SETTLED). */
    public static final String PAYMENT_PAID = "payment.paid";
    /** A tracked payment link's expiry passed without a paid transaction. */
    public static final String PAYMENT_EXPIRED = "payment.expired";

    /** Every type, in the order the README lists them. */
    public static final java.util.List<String> ALL = java.util.List.of(LINK_CREATED, LINK_REJECTED, LINK_UNCERTAIN, LINK_DUPLICATE,
            LINK_RESOLVED, FILE_COMPLETED, FILE_FAILED, PAYMENT_STATUS_CHANGED, PAYMENT_PAID, PAYMENT_EXPIRED);

    private EventTypes() {
    }
}
