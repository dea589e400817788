package dev.paylink.ledger;

/** The life of a ledger entry. Only RECEIVED entries are ever sent; SENDING is committed before the request leaves. */
public enum EntryState {
    /** Accepted from a file, never sent (or held back certainly unexecuted). */
    RECEIVED,
    /** A request carrying it is (or was, if we crashed) on its way. */
    SENDING,
    /** onOffice created the link. */
    CREATED,
    /** onOffice refused it (error code and message kept). */
    REJECTED,
    /** The request may have reached onOffice but no answer was recorded: a person decides. Never re-sent automatically. */
    UNCERTAIN,
    /** A row that only tracks a SmartPay link; nothing is sent to onOffice. */
    TRACKED
}
