package dev.paylink.flow;

import dev.paylink.Plural;
import dev.paylink.intake.AcceptedRow;
import dev.paylink.intake.FileFacts;
import dev.paylink.intake.InvalidRow;
import dev.paylink.intake.ReadCheck;
import dev.paylink.intake.RowInput;
import dev.paylink.intake.RowPrints;
import dev.paylink.intake.RowReaders;
import dev.paylink.intake.RowSource;
import dev.paylink.intake.RowValidator;
import dev.paylink.intake.UnreadableFileException;
import dev.paylink.intake.Validated;
import dev.paylink.ledger.FileRun;
import dev.paylink.ledger.Ledger;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pass 2 of a file that {@link ReadCheck} proved readable: reads it again and validates and claims its rows in the
 * ledger one chunk at a time, when {@link SendQueue} runs out of claimed rows, so the first batch leaves after one chunk
 * and not after the whole file. Each chunk's {@link RowPrints print} must equal the first read's before anything of it
 * is claimed: a file changed between the reads stops here ({@link #changed()}), and no changed row is ever claimed.
 * Once the end is reached, the run is accepted ({@link Ledger#markAccepted}): a later pick-up does not read it again.
 * Called by one thread at a time (the split runs its iterator as one task per file), and by the route after it.
 */
final class FileClaims implements Closeable {

    private static final Logger LOG = LoggerFactory.getLogger(FileClaims.class);
    private static final int LOGGED_PROBLEMS_PER_FILE = 20;

    private final Ledger ledger;
    private final RowValidator validator;
    private final Watchdog watchdog;
    private final Path path;
    private final FileRun run;
    private final FileFacts facts;
    private final ReadCheck.Result firstRead;
    private final ProgressLog progress;
    private final Consumer<FileRun> onAccepted;
    private final RowPrints print = new RowPrints();

    private RowSource source;
    private int chunks;
    private long rows;
    private long rowsClaimed;
    private long claimed;
    private long duplicates;
    private long problems;
    private boolean done;
    /** Sending stopped before the end (paused, stopping): a read opened again would start at the top, out of step. */
    private boolean closed;
    private String changed;

    FileClaims(Ledger ledger, RowValidator validator, Watchdog watchdog, Path path, FileRun run, FileFacts facts, ReadCheck.Result firstRead,
               ProgressLog progress, Consumer<FileRun> onAccepted) {
        this.ledger = ledger;
        this.validator = validator;
        this.watchdog = watchdog;
        this.path = path;
        this.run = run;
        this.facts = facts;
        this.firstRead = firstRead;
        this.progress = progress;
        this.onAccepted = onAccepted;
    }

    /** Every row is claimed, or claiming stopped because the file changed. */
    synchronized boolean done() {
        return done;
    }

    /** Why the file no longer matches its first read, or null. */
    synchronized String changed() {
        return changed;
    }

    /** Reads, checks and claims the next chunk of rows (one ledger transaction); nothing once {@link #done()} or closed. */
    synchronized void claimNext() {
        if (done || closed) {
            return;
        }
        String name = run.fileName();
        List<AcceptedRow> accepted = new ArrayList<>(firstRead.chunk());
        List<InvalidRow> invalid = new ArrayList<>();
        long firstLine = -1;
        try {
            if (source == null) {
                source = RowReaders.open(path, facts);
            }
            while (print.rows() < firstRead.chunk() && source.hasNext()) {
                RowInput input = source.next();
                firstLine = firstLine < 0 ? input.line() : firstLine;
                print.add(input);
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
            }
        } catch (UnreadableFileException e) {
            stop("it cannot be read any more at line " + e.line() + " (" + e.getMessage() + ")");
            return;
        }
        if (print.rows() > 0) {
            if (chunks >= firstRead.prints().length) {
                stop("it has more rows than at its first read, from line " + firstLine + " on");
                return;
            }
            if (print.take() != firstRead.prints()[chunks]) {
                stop("the rows from line " + firstLine + " on differ from its first read");
                return;
            }
            chunks++;
            rowsClaimed = rows;
            Ledger.ChunkResult r = ledger.accept(run, accepted, invalid);
            claimed += r.claimed();
            duplicates += r.duplicates();
            watchdog.progress(name, "claiming, " + rows + " of " + firstRead.rows() + " rows claimed");
            progress.update(rows, firstRead.rows());
        }
        if (!source.hasNext()) {
            if (chunks < firstRead.prints().length) {
                stop("it has fewer rows than at its first read (" + rows + " of " + firstRead.rows() + ")");
                return;
            }
            finish();
        }
    }

    private void finish() {
        String name = run.fileName();
        List<String> unknownColumns = source.unknownColumns();
        closeSource();
        done = true;
        if (problems > LOGGED_PROBLEMS_PER_FILE) {
            LOG.warn("{}: {} more; every one is listed in the results file", name, Plural.of(problems - LOGGED_PROBLEMS_PER_FILE, "invalid row"));
        }
        ledger.markAccepted(run, rows, unknownColumns);
        LOG.info("{}: {} read ({}, {}): {} new, {}, {} invalid{}", name, Plural.of(rows, "row"), facts.format(), facts.charsetNote(),
                claimed, Plural.of(duplicates, "duplicate"), problems,
                unknownColumns.isEmpty() ? "" : "; unknown columns ignored: " + String.join(", ", unknownColumns));
        onAccepted.accept(run);
    }

    private void stop(String why) {
        changed = "the file changed while it was being sent: " + why;
        done = true;
        closeSource();
        LOG.error("{}: {}. Nothing more of it is claimed or sent; {} claimed before are reported, and the rest is released.",
                run.fileName(), changed, Plural.of(rowsClaimed, "row"));
    }

    @Override
    public synchronized void close() {
        closed = true;
        closeSource();
    }

    private void closeSource() {
        if (source != null) {
            try {
                source.close();
            } catch (IOException e) {
                LOG.debug("{}: could not close the file: {}", run.fileName(), e.getMessage());
            }
            source = null;
        }
    }
}
