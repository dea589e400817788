package dev.paylink.ledger;

/**
 * One line of a results file: the outcome of one input row, owned entry or issue alike.
 * {@code status} is an {@link EntryState} name, or {@code INVALID} / {@code DUPLICATE}.
 */
public record ResultLine(long line, String key, String status, String transactionId, String priceNet,
                         String description, String subsequentPaymentUrl, Boolean mailToCustomerSent,
                         Integer errorCode, String message) {
}
