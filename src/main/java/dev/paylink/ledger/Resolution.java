package dev.paylink.ledger;

import java.time.Instant;
import java.util.Locale;
import java.util.Optional;

/**
 * A person's decision about one UNCERTAIN ledger entry, taken from one line of a resolution drop, and what the
 * ledger did with it. Applied once per drop line, through a conditional update and an audit row ({@code resolution}).
 */
public final class Resolution {

    private Resolution() {
    }

    /** What a person may decide about an UNCERTAIN entry, and the state it then takes. */
    public enum Decision {
        /** Send it again: back to RECEIVED, then sent like any row (SENDING committed first). */
        RESEND(EntryState.RECEIVED),
        /** The link exists in onOffice: CREATED with the URL the person found. */
        CREATED(EntryState.CREATED),
        /** No link, and none wanted: REJECTED with the person's reason. */
        REJECTED(EntryState.REJECTED),
        /** Forget the row: REJECTED with "dropped by a person: reason". */
        DROP(EntryState.REJECTED);

        private final EntryState target;

        Decision(EntryState target) {
            this.target = target;
        }

        public EntryState target() {
            return target;
        }

        /** As a person writes it in a drop: {@code resend}, {@code created}, {@code rejected}, {@code drop}. */
        public String word() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Optional<Decision> parse(String word) {
            for (Decision d : values()) {
                if (d.word().equalsIgnoreCase(word.strip())) {
                    return Optional.of(d);
                }
            }
            return Optional.empty();
        }
    }

    /** How one drop line fared. */
    public enum Outcome {
        APPLIED, ALREADY_APPLIED, REFUSED
    }

    /** The entry a drop line is about: where it came from and where it stands. */
    public record Target(String key, String state, long fileId, String fileName, long line, String fileStatus) {
    }

    /**
     * One drop line's decision, to apply.
     *
     * @param dropFile   the drop's file name, recorded as who decided
     * @param dropSha256 with {@code dropLine}, what makes the line applied once
     * @param decidedAt  the drop's modification time
     */
    public record Request(String key, Decision decision, String url, String reason, String dropFile, String dropSha256, long dropLine,
                          Instant decidedAt) {
    }

    /** An audit row: a decision that was applied. */
    public record Recorded(long id, String key, Decision decision, String dropFile, long dropLine, String previousState, String newState,
                           Instant appliedAt) {

        /** "by drop x.csv line 3 (created) at 2024-05-01T10:00:00Z", for messages. */
        public String describe() {
            return "by drop " + dropFile + " line " + dropLine + " (" + decision.word() + ") at " + appliedAt;
        }
    }

    /** What applying a request did: {@code recorded} is the audit row (APPLIED, ALREADY_APPLIED), else null. */
    public record Result(Outcome outcome, Recorded recorded, String message) {
    }

    /** An applied decision whose entry has settled (not RECEIVED or SENDING), not announced yet. */
    public record Settled(Recorded recorded, String reason, Instant decidedAt, String state, String subsequentPaymentUrl,
                          FileRun run, String reportBase, long line) {
    }
}
