package dev.paylink.flow;

import dev.paylink.intake.FileFacts;
import dev.paylink.ledger.FileRun;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/**
 * A dropped file whose rows are all read, validated and claimed in the ledger: what the send and report
 * steps of the intake route work on.
 */
public record AcceptedFile(Path path, FileRun run, FileFacts facts, List<String> unknownColumns, Instant startedAt) {

    public String name() {
        return run.fileName();
    }

    /** The very same file (name and content) already went through a completed run: nothing of it is read or sent. */
    public boolean finishedBefore() {
        return run.completed();
    }
}
