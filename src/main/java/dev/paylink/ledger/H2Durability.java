package dev.paylink.ledger;

import java.util.Locale;

/**
 * What makes the embedded H2 ledger keep the money rule across a kill: H2 (MVStore) writes committed changes to its
 * file from a background thread every {@code WRITE_DELAY} ms (500 by default), so a {@code kill -9} loses the last
 * half second of commits, SENDING marks included, and the rows would be sent again after a restart. With
 * {@code WRITE_DELAY=0} every commit is written to the file before it returns (H2 source, TransactionStore.endTransaction:
 * autoCommitDelay 0 → store.commit()), which a process kill cannot undo; the ledger adds an fsync
 * ({@code CHECKPOINT SYNC}) after each SENDING mark, so that mark also survives a power loss.
 */
public final class H2Durability {

    /** Appended to the default ledger URL. */
    public static final String URL_SETTINGS = ";WRITE_DELAY=0";

    private H2Durability() {
    }

    static boolean isH2File(String url) {
        String u = url.toLowerCase(Locale.ROOT);
        return u.startsWith("jdbc:h2:") && !u.startsWith("jdbc:h2:mem:");
    }

    /**
     * Refuses an H2 URL that would let commits wait in memory.
     *
     * @throws IllegalArgumentException naming paylink.ledger.url
     */
    public static void check(String url) {
        String u = url.toUpperCase(Locale.ROOT).replace(" ", "");
        if (isH2File(url) && !u.contains(";WRITE_DELAY=0")) {
            throw new IllegalArgumentException("paylink.ledger.url: an H2 file ledger needs WRITE_DELAY=0 in its URL (append "
                    + URL_SETTINGS + "); otherwise a kill loses the last half second of commits and rows would be sent twice");
        }
    }
}
