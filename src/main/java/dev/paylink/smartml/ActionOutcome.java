package dev.paylink.smartml;

/**
 * What became of one action of a batch. Exactly one outcome per action, in the order the actions were given.
 * The classes follow the rule that protects money: only {@link Held} means "certainly not executed".
 */
public sealed interface ActionOutcome {

    String identifier();

    /** onOffice created the link. */
    record Created(String identifier, String subsequentPaymentUrl, Boolean mailToCustomerSent) implements ActionOutcome {
    }

    /** onOffice refused this action for a reason of its own (e.g. 189 transaction not found). Final. */
    record Rejected(String identifier, int errorCode, String message) implements ActionOutcome {
    }

    /**
     * The request may have reached onOffice but no usable answer came back (read timeout, 5xx, broken or short
     * response, unknown error code). Never re-sent automatically.
     *
     * @param errorCode the onOffice error code when there was one, else null
     */
    record Uncertain(String identifier, Integer errorCode, String message) implements ActionOutcome {
    }

    /**
     * Certainly not executed, and sending must pause until a person (or time) fixes the cause.
     * The row goes back to RECEIVED and is sent later.
     *
     * @param errorCode the onOffice error code when there was one, else null
     */
    record Held(String identifier, HoldReason reason, Integer errorCode, String message) implements ActionOutcome {
    }

    enum HoldReason {
        /** Token, secret or API user rights are wrong (e.g. 13, 22, 40-49, 137). A person must fix the configuration. */
        CREDENTIALS,
        /** The timestamp was refused (136): this machine's clock is off. */
        CLOCK,
        /** onOffice says our envelope is malformed (3-9, 14-20, 23-25): a bug in this client. */
        ENVELOPE,
        /** Connecting failed on every attempt (refused, DNS, connect timeout): the request never left. */
        UNREACHABLE
    }
}
