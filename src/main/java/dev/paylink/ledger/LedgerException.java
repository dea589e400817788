package dev.paylink.ledger;

/** The ledger could not be read or written. Whatever was being done is not done; the file stays in the inbox. */
public class LedgerException extends RuntimeException {

    public LedgerException(String message, Throwable cause) {
        super(message, cause);
    }
}
