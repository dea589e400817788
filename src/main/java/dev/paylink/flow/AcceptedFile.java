package dev.paylink.flow;

import dev.paylink.intake.FileFacts;
import dev.paylink.ledger.FileRun;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/**
 * A dropped file read to its end (or whose run had already read it): what the send and report steps of the intake route
 * work on.
 *
 * @param claims the second read, which claims the rows as they are sent; null when an earlier run already claimed them all
 */
public record AcceptedFile(Path path, FileRun run, FileFacts facts, List<String> unknownColumns, Instant startedAt, FileClaims claims) {

    public String name() {
        return run.fileName();
    }

    /** The very same file (name and content) already went through a completed run: nothing of it is read or sent. */
    public boolean finishedBefore() {
        return run.completed();
    }

    /** Why the file no longer matches its first read (nothing more of it was sent), or null. */
    public String changed() {
        return claims == null ? null : claims.changed();
    }

    /** Every row of the file is claimed in the ledger (else sending stopped early: paused, or the file changed). */
    public boolean allClaimed() {
        return claims == null || claims.done() && claims.changed() == null;
    }
}
