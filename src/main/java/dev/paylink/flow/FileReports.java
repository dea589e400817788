package dev.paylink.flow;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.paylink.Plural;
import dev.paylink.events.Event;
import dev.paylink.events.EventSink;
import dev.paylink.events.EventTypes;
import dev.paylink.events.LinkEventData;
import dev.paylink.intake.UnreadableFileException;
import dev.paylink.ledger.Ledger;
import dev.paylink.ledger.ResultLine;
import dev.paylink.report.FileSummary;
import dev.paylink.report.ReportFormat;
import dev.paylink.report.ResultsCsv;
import java.io.File;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last step of a file: once no row waits for sending, writes {@code outbox/x.results.csv} (from the ledger, in
 * line order) and {@code outbox/x.summary.json}, and says where the input file goes. Files are written under a
 * temporary name and renamed, so a reader never sees half a report.
 */
public class FileReports {

    private static final Logger LOG = LoggerFactory.getLogger(FileReports.class);
    private static final int PAGE = 1000;
    private static final String RESULTS = ".results.csv";
    /** Every status a result line can have, in the order the summary lists them. */
    public static final List<String> STATUSES = List.of("CREATED", "REJECTED", "UNCERTAIN", "DUPLICATE", "INVALID", "TRACKED");

    private final Ledger ledger;
    private final EventSink events;
    private final IntakeGate gate;
    private final Path outbox;
    private final Path archive;
    private final Path error;
    private final Clock clock;
    private final ReportFormat format;
    private final ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** @param format delimiter and BOM of {@code x.results.csv} */
    public FileReports(Ledger ledger, IntakeGate gate, EventSink events, Path outbox, Path archive, Path error, Clock clock,
                       ReportFormat format) {
        this.format = format;
        this.ledger = ledger;
        this.events = events;
        this.gate = gate;
        this.outbox = outbox;
        this.archive = archive;
        this.error = error;
        this.clock = clock;
    }

    /**
     * Writes the reports of a file whose rows all have their outcome; returns the absolute path to archive it at.
     * Order matters for a kill at any instant: reports, then events, then the run is COMPLETED in the ledger (with its
     * archive path), and only then does Camel move the file. Killed before COMPLETED, the resumed run writes the same
     * reports under the same name again; killed after, the file is archived without being read again.
     */
    public String complete(AcceptedFile file) throws IOException {
        if (file.claims() != null) {
            file.claims().close();
        }
        if (file.changed() != null) {
            return changed(file);
        }
        long waiting = ledger.unfinished(file.run());
        if (waiting > 0 || !file.allClaimed()) {
            throw new SendingPausedException(file.name() + ": " + (waiting > 0 ? waiting + " rows wait" : "rows wait") + " to be sent "
                    + "(sending is paused or the app is stopping); the file stays in the inbox and resumes");
        }
        String base = file.run().reportBase() != null ? file.run().reportBase() : freeReportBase(file.name());
        ledger.setReportBase(file.run(), base);
        Path target = FolderTargets.free(archive, file.name());
        Written w = writeResults(file, base);
        FileSummary summary = summary(file, "COMPLETED", null, w, target, clock.instant());
        writeSummary(base, summary);
        events.publish(Event.stable(EventTypes.FILE_COMPLETED, "run " + file.run().id(), summary, clock));
        ledger.complete(file.run(), target.toAbsolutePath().toString());
        gate.succeeded(file.name());
        LOG.info("{}: done, {}{}; results in {}", file.name(), Plural.of(w.rows(), "row"), spoken(w.counts()), w.results());
        return target.toAbsolutePath().toString();
    }

    private record Written(Path results, long rows, Map<String, Long> counts) {
    }

    /** The summary of a run whose results were written ({@code w}): COMPLETED, or FAILED with {@code message}. */
    private FileSummary summary(AcceptedFile file, String status, String message, Written w, Path target, Instant finished) {
        var facts = file.facts();
        return new FileSummary(file.name(), file.run().id(), status, facts.sha256(), facts.format().name(), facts.charset().name(),
                facts.delimiter() == 0 ? null : String.valueOf(facts.delimiter()), w.rows(), w.counts(), file.unknownColumns(), message, null,
                w.results().getFileName().toString(), relative(target), file.startedAt().toString(), finished.toString());
    }

    /** {@code outbox/<base>.results.csv} from the ledger, in line order, with a link.* event per line that has one. */
    private Written writeResults(AcceptedFile file, String base) throws IOException {
        Files.createDirectories(outbox);
        Path results = outbox.resolve(base + RESULTS);
        Map<String, Long> counts = new LinkedHashMap<>();
        STATUSES.forEach(s -> counts.put(s, 0L));
        long rows = 0;
        Path tmp = outbox.resolve("." + base + RESULTS + ".tmp");
        try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8); ResultsCsv csv = new ResultsCsv(w, format)) {
            long after = 0;
            for (List<ResultLine> page = ledger.results(file.run(), after, PAGE); !page.isEmpty(); page = ledger.results(file.run(), after, PAGE)) {
                List<Event<?>> linkEvents = new ArrayList<>();
                for (ResultLine line : page) {
                    csv.write(line);
                    counts.merge(line.status(), 1L, Long::sum);
                    rows++;
                    linkEvent(file, line).ifPresent(linkEvents::add);
                }
                events.publishAll(linkEvents);
                after = page.get(page.size() - 1).line();
            }
        }
        Files.move(tmp, results, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return new Written(results, rows, counts);
    }

    /**
     * The file changed between its first read and the claims ({@link FileClaims}): what was sent stays in the ledger and
     * is reported (a drop of the file again finds those rows DUPLICATE, never sends them twice); rows claimed and not sent
     * are released; the run is FAILED and the file goes to the error folder with {@code x.error.txt}, like an unreadable file.
     */
    private String changed(AcceptedFile file) throws IOException {
        String reason = file.changed();
        int released = ledger.releaseUnsent(file.run());
        String base = file.run().reportBase() != null ? file.run().reportBase() : freeReportBase(file.name());
        ledger.setReportBase(file.run(), base);
        Written w = writeResults(file, base);
        Path target = FolderTargets.free(error, file.name());
        Instant now = clock.instant();
        Files.writeString(target.resolveSibling(target.getFileName() + ".error.txt"), "paylink-routes stopped sending " + file.name() + "\n"
                + "when:   " + now + "\n"
                + "reason: " + reason + "\n\n"
                + "The rows listed in " + w.results().getFileName() + " were handled (" + spoken(w.counts()).replaceFirst("^: ", "") + "); "
                + released + " claimed rows and the rest of the file were not sent. Drop the file again: rows already sent are "
                + "reported as duplicates and never sent twice.\n", StandardCharsets.UTF_8);
        FileSummary summary = summary(file, "FAILED", reason, w, target, now);
        writeSummary(base, summary);
        events.publish(Event.stable(EventTypes.FILE_FAILED, "run " + file.run().id(), summary, clock));
        ledger.abandon(file.run(), reason);
        gate.succeeded(file.name());
        LOG.error("{}: {}; {} handled are in {}, {} released; moved to {}", file.name(), reason, Plural.of(w.rows(), "row"), w.results(),
                Plural.of(released, "claimed row"), target);
        return target.toAbsolutePath().toString();
    }

    /** The counts of a file as a log line says them: {@code : 4 created, 1 rejected, 1 duplicate}; statuses without rows left out. */
    private static String spoken(Map<String, Long> counts) {
        String said = counts.entrySet().stream().filter(e -> e.getValue() > 0)
                .map(e -> e.getKey().equals("DUPLICATE") ? Plural.of(e.getValue(), "duplicate") : e.getValue() + " " + e.getKey().toLowerCase(Locale.ROOT))
                .collect(Collectors.joining(", "));
        return said.isEmpty() ? "" : ": " + said;
    }

    /**
     * The very same file (name and content) already went through a completed run: it is archived without being read
     * again, and that run's reports stay as they are. This is a kill between "done" and the move, or the same drop again.
     */
    public String archiveFinished(AcceptedFile file) throws IOException {
        Path remembered = file.run().movedTo() == null ? null : Path.of(file.run().movedTo());
        boolean stillFree = remembered != null && !Files.exists(remembered)
                && archive.toAbsolutePath().normalize().equals(remembered.toAbsolutePath().normalize().getParent());
        Path target = stillFree ? remembered : FolderTargets.free(archive, file.name()).toAbsolutePath();
        gate.succeeded(file.name());
        LOG.info("{}: this very file (same name and content) was already processed, run {}; archived as {} without reading it again. "
                + "Its reports: {}", file.name(), file.run().id(), target.getFileName(),
                file.run().reportBase() == null ? "none" : outbox.resolve(file.run().reportBase() + RESULTS));
        return target.toString();
    }
    /**
     * The file cannot be read: writes {@code error/x.error.txt} saying why and where, and a FAILED summary;
     * returns the absolute path in the error folder to move the file to. Nothing of it was sent.
     */
    public String refuse(File file, Exception cause) throws IOException {
        String name = file.getName();
        long line = cause instanceof UnreadableFileException u ? u.line() : 0;
        String reason = cause.getMessage();
        Path target = FolderTargets.free(error, name);
        Instant now = clock.instant();
        String report = "paylink-routes could not read " + name + "\n"
                + "when:   " + now + "\n"
                + (line > 0 ? "line:   " + line + "\n" : "")
                + "reason: " + reason + "\n\n"
                + "Nothing of this file was sent to onOffice. Correct the file and drop it into the inbox again.\n";
        Files.writeString(target.resolveSibling(target.getFileName() + ".error.txt"), report, StandardCharsets.UTF_8);
        FileSummary summary = new FileSummary(name, "FAILED", null, null, null, null, 0, null, null,
                reason, line > 0 ? line : null, null, relative(target), null, now.toString());
        writeSummary(freeReportBase(name), summary);
        events.publish(Event.stable(EventTypes.FILE_FAILED, name + "|" + now, summary, clock));
        gate.succeeded(name);
        LOG.error("{}: refused{}: {}; moved to {}", name, line > 0 ? " at line " + line : "", reason, target);
        return target.toAbsolutePath().toString();
    }

    /**
     * Reports are named after the file without its extension ({@code x.csv} → {@code x.results.csv}). A name that already
     * holds reports (of an earlier run of the same name, or of {@code x.json} after {@code x.csv}) is never reused:
     * the next free one is taken ({@code x.2.results.csv}, {@code x.3...}), and each summary says its file and run.
     */
    private String freeReportBase(String fileName) {
        return FolderTargets.freeStem(outbox, FolderTargets.baseName(fileName), RESULTS, ".summary.json", ".payments.csv");
    }

    /** The link.* event of one result line: CREATED, REJECTED, UNCERTAIN and DUPLICATE rows have one. */
    private java.util.Optional<Event<?>> linkEvent(AcceptedFile file, ResultLine l) {
        String type = switch (l.status()) {
            case "CREATED" -> EventTypes.LINK_CREATED;
            case "REJECTED" -> EventTypes.LINK_REJECTED;
            case "UNCERTAIN" -> EventTypes.LINK_UNCERTAIN;
            case "DUPLICATE" -> EventTypes.LINK_DUPLICATE;
            default -> null;
        };
        if (type == null) {
            return java.util.Optional.empty();
        }
        LinkEventData data = new LinkEventData(l.key(), file.name(), l.line(), l.transactionId(), l.priceNet(), l.description(),
                l.subsequentPaymentUrl(), l.mailToCustomerSent(), l.errorCode(), l.message());
        return java.util.Optional.of(Event.stable(type, "run " + file.run().id() + " line " + l.line(), data, clock));
    }

    private void writeSummary(String base, FileSummary summary) throws IOException {
        Files.createDirectories(outbox);
        Path tmp = outbox.resolve("." + base + ".summary.json.tmp");
        json.writeValue(tmp.toFile(), summary);
        Files.move(tmp, outbox.resolve(base + ".summary.json"), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private String relative(Path target) {
        Path parent = target.getParent().getFileName();
        return (parent == null ? "" : parent + "/") + target.getFileName();
    }
}
