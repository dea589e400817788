package dev.paylink.flow;

import dev.paylink.ledger.LedgerEntry;
import java.util.List;

/** One batch of a file's entries on its way to onOffice, handed out by {@link SendQueue}. */
public record Batch(String fileName, List<LedgerEntry> entries) {
}
