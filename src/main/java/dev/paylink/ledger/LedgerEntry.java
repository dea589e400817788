package dev.paylink.ledger;

import dev.paylink.smartml.PaymentLinkRequest;

/** A ledger entry as far as sending needs it. */
public record LedgerEntry(String key, EntryState state, long fileId, long line, PaymentLinkRequest request) {
}
