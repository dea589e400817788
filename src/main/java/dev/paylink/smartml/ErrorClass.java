package dev.paylink.smartml;

import java.util.Map;
import java.util.TreeMap;

/**
 * What an onOffice error code means for the row that got it (reference: "Error codes worth classifying").
 * One table, the codes exactly as the reference lists them; everything not listed is {@link #UNKNOWN}.
 */
public enum ErrorClass {

    /** Token, secret or API user rights: stop sending, a person fixes the configuration. Nothing executed. */
    CREDENTIALS,
    /** 136, the timestamp was refused: this machine's clock is off. Nothing executed. */
    CLOCK,
    /** onOffice says our envelope is malformed: a bug in this client. Nothing executed. */
    ENVELOPE,
    /** onOffice refused this one row (transaction not found, bad price...): final. */
    ROW_REJECTED,
    /** Anything else (1, 211, 500, codes we never saw): the link may or may not exist. */
    UNKNOWN;

    /** code ranges, inclusive: {from, to, class}. */
    private static final Object[][] TABLE = {
            {13, 13, CREDENTIALS},
            {22, 22, CREDENTIALS},
            {40, 49, CREDENTIALS},
            {137, 137, CREDENTIALS},
            {153, 153, CREDENTIALS},
            {156, 156, CREDENTIALS},
            {158, 158, CREDENTIALS},
            {183, 183, CREDENTIALS},
            {243, 243, CREDENTIALS},
            {136, 136, CLOCK},
            {3, 9, ENVELOPE},
            {14, 20, ENVELOPE},
            {23, 25, ENVELOPE},
            {167, 167, ROW_REJECTED},
            {189, 189, ROW_REJECTED},
            {205, 205, ROW_REJECTED},
            {214, 214, ROW_REJECTED},
            {215, 215, ROW_REJECTED},
            {255, 255, ROW_REJECTED},
    };

    private static final Map<Integer, ErrorClass> BY_CODE = index();

    private static Map<Integer, ErrorClass> index() {
        Map<Integer, ErrorClass> byCode = new TreeMap<>();
        for (Object[] row : TABLE) {
            for (int code = (Integer) row[0]; code <= (Integer) row[1]; code++) {
                ErrorClass previous = byCode.put(code, (ErrorClass) row[2]);
                if (previous != null) {
                    throw new IllegalStateException("error code " + code + " is listed twice");
                }
            }
        }
        return Map.copyOf(byCode);
    }

    /** The class of a non-zero onOffice error code (0 means success and is not an error). */
    public static ErrorClass of(int code) {
        return BY_CODE.getOrDefault(code, UNKNOWN);
    }

    /** True for the classes that mean "certainly not executed, pause and let a person look". */
    public boolean holds() {
        return this == CREDENTIALS || this == CLOCK || this == ENVELOPE;
    }

    /** The hold reason of a holding class. */
    ActionOutcome.HoldReason holdReason() {
        return switch (this) {
            case CREDENTIALS -> ActionOutcome.HoldReason.CREDENTIALS;
            case CLOCK -> ActionOutcome.HoldReason.CLOCK;
            case ENVELOPE -> ActionOutcome.HoldReason.ENVELOPE;
            default -> throw new IllegalStateException(this + " does not hold");
        };
    }
}
