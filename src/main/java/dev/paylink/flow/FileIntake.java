package dev.paylink.flow;

import dev.paylink.Plural;
import dev.paylink.intake.AcceptedRow;
import dev.paylink.intake.FileFacts;
import dev.paylink.intake.FileSniffer;
import dev.paylink.intake.IntakeSettings;
import dev.paylink.intake.InvalidRow;
import dev.paylink.intake.RowInput;
import dev.paylink.intake.RowReaders;
import dev.paylink.intake.RowSource;
import dev.paylink.intake.RowValidator;
import dev.paylink.intake.UnreadableFileException;
import dev.paylink.intake.Validated;
import dev.paylink.ledger.FileRun;
import dev.paylink.ledger.Ledger;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Phase 1 of a file: read every row, validate it, and claim its key in the ledger, chunk by chunk, before
 * anything is sent. A file that cannot be read to the end is refused as a whole and nothing of it is sent.
 */
public class FileIntake {

    private static final Logger LOG = LoggerFactory.getLogger(FileIntake.class);
    private static final int CHUNK = 1000;
    private static final int LOGGED_PROBLEMS_PER_FILE = 20;

    private final Ledger ledger;
    private final IntakeSettings settings;
    private final RowValidator validator;
    private final Duration progressInterval;
    private final Clock clock;
    private final Watchdog watchdog;
    private final Consumer<FileRun> onAccepted;

    /** @param onAccepted told about each run whose rows were just read and claimed (e.g. to say who tracks its payment links) */
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
            return new AcceptedFile(path, run, facts, List.of(), started);
        }
        if (run.accepted()) {
            LOG.info("{}: resuming an unfinished run (every row already accepted); sending what is left", name);
            return new AcceptedFile(path, run, facts, ledger.unknownColumns(run), started);
        }
        if (run.resumed()) {
            LOG.info("{}: resuming an unfinished run; reading the file again", name);
            ledger.restartAcceptance(run);
        }
        try {
            AcceptedFile read = readAndClaim(path, run, facts, started);
            onAccepted.accept(run);
            return read;
        } catch (UnreadableFileException e) {
            ledger.fail(run, e.getMessage());
            throw e;
        }
    }

    private AcceptedFile readAndClaim(Path path, FileRun run, FileFacts facts, Instant started) {
        String name = run.fileName();
        ProgressLog progress = new ProgressLog(LOG, name + ": read", progressInterval);
        List<AcceptedRow> accepted = new ArrayList<>(CHUNK);
        List<InvalidRow> invalid = new ArrayList<>();
        long rows = 0;
        long claimed = 0;
        long duplicates = 0;
        long problems = 0;
        List<String> unknownColumns;
        try (RowSource source = RowReaders.open(path, facts)) {
            while (source.hasNext()) {
                RowInput input = source.next();
                rows++;
                Validated result = validator.validate(input);
                if (result instanceof Validated.Valid valid) {
                    accepted.add(valid.row());
                } else {
                    InvalidRow bad = ((Validated.Invalid) result).row();
                    invalid.add(bad);
                    if (++problems <= LOGGED_PROBLEMS_PER_FILE) {
                        LOG.warn("{}: {}", name, bad.describe());
                    }
                }
                if (accepted.size() + invalid.size() >= CHUNK) {
                    Ledger.ChunkResult r = ledger.accept(run, accepted, invalid);
                    claimed += r.claimed();
                    duplicates += r.duplicates();
                    accepted.clear();
                    invalid.clear();
                    watchdog.progress(name, "reading, " + rows + " rows read");
                }
                progress.update(rows, 0);
            }
            Ledger.ChunkResult r = ledger.accept(run, accepted, invalid);
            claimed += r.claimed();
            duplicates += r.duplicates();
            unknownColumns = source.unknownColumns();
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + name, e);
        }
        if (problems > LOGGED_PROBLEMS_PER_FILE) {
            LOG.warn("{}: {} more; every one is listed in the results file", name, Plural.of(problems - LOGGED_PROBLEMS_PER_FILE, "invalid row"));
        }
        ledger.markAccepted(run, rows, unknownColumns);
        LOG.info("{}: {} read ({}, {}): {} new, {}, {} invalid{}", name, Plural.of(rows, "row"), facts.format(), facts.charsetNote(),
                claimed, Plural.of(duplicates, "duplicate"), problems,
                unknownColumns.isEmpty() ? "" : "; unknown columns ignored: " + String.join(", ", unknownColumns));
        return new AcceptedFile(path, run, facts, unknownColumns, started);
    }
}
