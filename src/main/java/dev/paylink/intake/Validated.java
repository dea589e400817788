package dev.paylink.intake;

/**
 * What {@link RowValidator} made of one row: {@link Valid} with an {@link AcceptedRow}, or {@link Invalid} with an
 * {@link InvalidRow} naming the field and the reason. A sealed pair so a caller's {@code switch} must handle both.
 */
public sealed interface Validated permits Validated.Valid, Validated.Invalid {

    long line();

    record Valid(AcceptedRow row) implements Validated {
        @Override
        public long line() {
            return row.line();
        }
    }

    record Invalid(InvalidRow row) implements Validated {
        @Override
        public long line() {
            return row.line();
        }
    }
}
