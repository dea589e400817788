package dev.paylink.flow;

import dev.paylink.Plural;
import dev.paylink.intake.FileFacts;
import dev.paylink.intake.FileSniffer;
import dev.paylink.intake.IntakeSettings;
import dev.paylink.intake.ReadCheck;
import dev.paylink.intake.RowValidator;
import dev.paylink.intake.UnreadableFileException;
import dev.paylink.ledger.FileRun;
import dev.paylink.ledger.Ledger;
import java.io.File;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pass 1 of a file: reads and parses every row to the end ({@link ReadCheck}), holding none, so that a file that cannot be
 * read to the end is refused as a whole before anything of it is claimed or sent. Its rows are then validated and claimed
 * chunk by chunk as they are sent ({@link FileClaims}, driven by {@link SendQueue}).
 */
public class FileIntake {

    private static final Logger LOG = LoggerFactory.getLogger(FileIntake.class);
    /** Rows per claim (one ledger transaction) and per print of the first read. */
    private static final int CHUNK = 1000;

    private final Ledger ledger;
    private final IntakeSettings settings;
    private final RowValidator validator;
    private final Duration progressInterval;
    private final Clock clock;
    private final Watchdog watchdog;
    private final Consumer<FileRun> onAccepted;

    /** @param onAccepted told about each run once all its rows are read and claimed (e.g. to say who tracks its payment links) */
    public FileIntake(Ledger ledger, IntakeSettings settings, Duration progressInterval, Clock clock, Watchdog watchdog,
                      Consumer<FileRun> onAccepted) {
        this.watchdog = watchdog;
        this.onAccepted = onAccepted;
        this.ledger = ledger;
        this.settings = settings;
        this.validator = new RowValidator(settings);
        this.progressInterval = progressInterval;
        this.clock = clock;
    }

    public AcceptedFile accept(File file) {
        Path path = file.toPath();
        String name = path.getFileName().toString();
        Instant started = clock.instant();
        watchdog.progress(name, "picked up");
        FileFacts facts = FileSniffer.sniff(path, settings);
        FileRun run = ledger.beginRun(name, facts.sha256());
        if (run.completed()) {
            // Killed between "done" and the move, or dropped again unchanged: its run is finished, nothing is read.
            return new AcceptedFile(path, run, facts, List.of(), started, null);
        }
        if (run.accepted()) {
            LOG.info("{}: resuming an unfinished run (every row already accepted); sending what is left", name);
            return new AcceptedFile(path, run, facts, ledger.unknownColumns(run), started, null);
        }
        if (run.resumed()) {
            LOG.info("{}: resuming an unfinished run; reading the file again", name);
            ledger.restartAcceptance(run);
        }
        ReadCheck.Result read = check(path, run, facts);
        ProgressLog claimed = new ProgressLog(LOG, name + ": claimed", progressInterval);
        return new AcceptedFile(path, run, facts, read.unknownColumns(), started,
                new FileClaims(ledger, validator, watchdog, path, run, facts, read, claimed, onAccepted));
    }

    private ReadCheck.Result check(Path path, FileRun run, FileFacts facts) {
        String name = run.fileName();
        ProgressLog progress = new ProgressLog(LOG, name + ": read", progressInterval);
        long began = System.nanoTime();
        ReadCheck.Result read;
        try {
            read = ReadCheck.run(path, facts, CHUNK, rows -> {
                progress.update(rows, 0);
                watchdog.progress(name, "reading, " + rows + " rows read");
            });
        } catch (UnreadableFileException e) {
            ledger.fail(run, e.getMessage());
            throw e;
        }
        if (!read.sha256().equals(facts.sha256())) {
            if (!run.resumed()) {
                ledger.fail(run, "changed while it was being read");
            }
            // Still being written, or replaced: nothing was claimed; the file is read again after the back-off.
            throw new IllegalStateException(name + ": the file changed while it was being read (its SHA-256 differs between two reads)");
        }
        LOG.info("{}: {} readable, read in {} ms; claiming and sending them in chunks of {}", name, Plural.of(read.rows(), "row"),
                (System.nanoTime() - began) / 1_000_000, CHUNK);
        return read;
    }
}
