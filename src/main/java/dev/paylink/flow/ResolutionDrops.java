package dev.paylink.flow;

import dev.paylink.Plural;
import dev.paylink.events.Event;
import dev.paylink.events.EventSink;
import dev.paylink.events.EventTypes;
import dev.paylink.events.ResolutionEventData;
import dev.paylink.intake.UnreadableFileException;
import dev.paylink.ledger.Ledger;
import dev.paylink.ledger.LedgerEntry;
import dev.paylink.ledger.Resolution;
import dev.paylink.ledger.Resolution.Outcome;
import dev.paylink.ledger.ResultLine;
import dev.paylink.report.ReportFormat;
import dev.paylink.report.ResolutionCsv;
import dev.paylink.report.ResultsCsv;
import dev.paylink.resolve.DropLine;
import dev.paylink.resolve.ResolutionDrop;
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
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Resolution drops: a person's decisions about UNCERTAIN rows (resend, created, rejected, drop), each applied once
 * through the ledger with an audit row, answered beside the drop in {@code outbox/<drop>.resolution.csv}, reflected in a
 * fresh results file of every input file concerned, and announced as {@code link.resolved} events.
 *
 * <p>A resend goes back to RECEIVED and is sent by the {@code batchSender} like any row: SENDING committed before the
 * request leaves. While sending is paused it waits RECEIVED and {@link #sendPending()} sends it once sending resumes;
 * one left SENDING by a kill is UNCERTAIN again after {@link #recoverInterrupted()} (once its sender is gone, when several
 * instances share the ledger), never sent again by itself.
 *
 * <p>A decision is announced (event, fresh results) once its entry has settled, and marked announced only after that:
 * after a crash it is announced again, under the same event id.
 */
public class ResolutionDrops {

    private static final Logger LOG = LoggerFactory.getLogger(ResolutionDrops.class);
    private static final int PAGE = 1000;

    private final IntakeGate gate;
    private final Ledger ledger;
    private final BatchSender sender;
    private final EventSink events;
    private final Path outbox;
    private final Path archive;
    private final Path error;
    private final int batchSize;
    private final Clock clock;
    private final ReportFormat format;
    /** How long an instance's lock lives without renewal (paylink.cluster.file-lease): after that, its resends are interrupted. */
    private final java.time.Duration lease;

    /**
     * @param archive where applied drops go ({@code paylink.archive}/resolve)
     * @param error   where unreadable drops go, with {@code <name>.error.txt} ({@code paylink.error}/resolve)
     * @param format  delimiter and BOM of the answers and the fresh results files
     * @param lease   paylink.cluster.file-lease: a resend is interrupted once its sender's instance lock is older
     */
    public ResolutionDrops(Ledger ledger, BatchSender sender, IntakeGate gate, EventSink events, Path outbox, Path archive, Path error,
                           int batchSize, Clock clock, ReportFormat format, java.time.Duration lease) {
        this.format = format;
        this.lease = lease;
        this.gate = gate;
        this.ledger = ledger;
        this.sender = sender;
        this.events = events;
        this.outbox = outbox;
        this.archive = archive;
        this.error = error;
        this.batchSize = batchSize;
        this.clock = clock;
    }

    /** A line of the drop on its way: the entry it is about once known, and its answer once decided. */
    private static final class Item {
        final DropLine in;
        Resolution.Target target;
        Outcome outcome;
        Resolution.Recorded recorded;
        String message;

        Item(DropLine in) {
            this.in = in;
        }

        void refuse(String field, String reason) {
            outcome = Outcome.REFUSED;
            message = field + ": " + reason;
        }

        /** The column that named the entry, for a refusal about the entry itself. */
        String namingField() {
            return in.key() != null ? "key" : "line";
        }
    }

    /**
     * Applies a drop: every good line once, each in its own transaction; bad lines are answered, never half-applied.
     * Returns the absolute path in the archive to move the drop to.
     */
    public synchronized String apply(File file) throws IOException {
        Path path = file.toPath();
        String name = path.getFileName().toString();
        ResolutionDrop drop = ResolutionDrop.read(path);
        Instant decidedAt = Files.getLastModifiedTime(path).toInstant();
        List<Item> items = drop.lines().stream().map(Item::new).toList();
        for (Item item : items) {
            examine(item, drop.sha256());
        }
        refuseKeysNamedTwice(items);
        List<String> resends = new ArrayList<>();
        for (Item item : items) {
            if (item.outcome == null) {
                Resolution.Decision decision = item.in.parsedDecision();
                Resolution.Result r = ledger.resolve(new Resolution.Request(item.target.key(), decision, item.in.url(), item.in.reason(), name,
                        drop.sha256(), item.in.line(), decidedAt));
                item.outcome = r.outcome();
                item.recorded = r.recorded();
                if (r.outcome() == Outcome.REFUSED) {
                    item.refuse(item.namingField(), r.message());
                } else if (r.outcome() == Outcome.ALREADY_APPLIED) {
                    item.message = r.message();
                } else if (decision == Resolution.Decision.RESEND) {
                    resends.add(item.target.key());
                }
            }
        }
        resend(resends);
        Path report = writeAnswer(name, items);
        int freshResults = announce();
        Map<Outcome, Long> counts = new EnumMap<>(Outcome.class);
        for (Outcome o : Outcome.values()) {
            counts.put(o, items.stream().filter(i -> i.outcome == o).count());
        }
        LOG.info("{}: {}: {} applied, {} already applied, {} refused; answer in {}{}{}", name, Plural.of(items.size(), "line"), counts.get(Outcome.APPLIED),
                counts.get(Outcome.ALREADY_APPLIED), counts.get(Outcome.REFUSED), report.getFileName(),
                freshResults > 0 ? "; fresh results for " + Plural.of(freshResults, "input file") : "",
                drop.unknownColumns().isEmpty() ? "" : "; unknown columns ignored: " + String.join(", ", drop.unknownColumns()));
        return FolderTargets.free(archive, name).toAbsolutePath().toString();
    }

    /** Finds out what a line is about, and whatever is wrong with it before the ledger is asked to apply it. */
    private void examine(Item item, String dropSha256) {
        DropLine l = item.in;
        Optional<Resolution.Recorded> done = ledger.resolutionOf(dropSha256, l.line());
        if (done.isPresent()) {
            item.outcome = Outcome.ALREADY_APPLIED;
            item.recorded = done.get();
            item.target = ledger.resolutionTarget(done.get().key()).orElse(null);
            item.message = "already applied " + done.get().describe();
            return;
        }
        Optional<DropLine.Problem> problem = l.problem();
        if (problem.isPresent()) {
            item.refuse(problem.get().field(), problem.get().reason());
            return;
        }
        if (l.key() != null) {
            item.target = ledger.resolutionTarget(l.key()).orElse(null);
            if (item.target == null) {
                item.refuse("key", "no ledger entry has this key");
            } else if ((l.file() != null && !l.file().equals(item.target.fileName()))
                    || (l.fileLine() != null && l.parsedFileLine().orElse(0L) != item.target.line())) {
                item.refuse(l.file() != null && !l.file().equals(item.target.fileName()) ? "file" : "line", "the key is line "
                        + item.target.line() + " of " + item.target.fileName() + ", not line " + l.fileLine() + " of " + l.file());
            }
            return;
        }
        long line = l.parsedFileLine().orElseThrow();
        List<Resolution.Target> found = ledger.resolutionTargets(l.file(), line);
        List<Resolution.Target> uncertain = found.stream().filter(t -> t.state().equals("UNCERTAIN")).toList();
        if (found.isEmpty()) {
            item.refuse("line", "no ledger entry for line " + line + " of " + l.file()
                    + " (a DUPLICATE or INVALID row has none; a DUPLICATE's message names the row that owns its key)");
        } else if (uncertain.size() > 1) {
            item.refuse("line", "line " + line + " of " + l.file() + " is UNCERTAIN in " + uncertain.size() + " files of that name (keys "
                    + uncertain.stream().map(Resolution.Target::key).collect(Collectors.joining(", ")) + "); give the key instead");
        } else {
            // The UNCERTAIN one if any; else the latest, which the ledger then refuses saying what it is now.
            item.target = uncertain.isEmpty() ? found.get(found.size() - 1) : uncertain.get(0);
        }
    }

    /** One decision per key and drop: when two lines name the same entry, neither is applied. */
    private static void refuseKeysNamedTwice(List<Item> items) {
        Map<String, List<Item>> byKey = new LinkedHashMap<>();
        items.stream().filter(i -> i.outcome == null).forEach(i -> byKey.computeIfAbsent(i.target.key(), k -> new ArrayList<>()).add(i));
        for (List<Item> same : byKey.values()) {
            if (same.size() > 1) {
                String lines = same.stream().map(i -> String.valueOf(i.in.line())).collect(Collectors.joining(", "));
                same.forEach(i -> i.refuse(i.namingField(), "this entry is named on lines " + lines + " of the drop; one decision per entry, "
                        + "so none of these lines is applied"));
            }
        }
    }

    /** Resends go out in batches like any row: SENDING committed first; skipped (left RECEIVED) while sending is paused. */
    private void resend(List<String> keys) {
        for (int from = 0; from < keys.size(); from += batchSize) {
            List<LedgerEntry> batch = ledger.receivedEntries(keys.subList(from, Math.min(keys.size(), from + batchSize)));
            if (!batch.isEmpty()) {
                sender.send(batch);
            }
        }
    }

    /** Writes {@code outbox/<drop base>.resolution.csv} (or {@code .2.resolution.csv} ... never over an earlier answer). */
    private Path writeAnswer(String dropName, List<Item> items) throws IOException {
        Path target = free(outbox, FolderTargets.baseName(dropName), ".resolution.csv");
        Path tmp = outbox.resolve("." + target.getFileName() + ".tmp");
        try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8); ResolutionCsv csv = new ResolutionCsv(w, format)) {
            for (Item item : items) {
                csv.write(answer(dropName, item));
            }
        }
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        return target;
    }

    private ResolutionCsv.Line answer(String dropName, Item item) {
        DropLine l = item.in;
        Resolution.Target t = item.target;
        String key = t != null ? t.key() : l.key();
        String file = t != null ? t.fileName() : l.file();
        Long fileLine = t != null ? Long.valueOf(t.line()) : l.parsedFileLine().orElse(null);
        String decision = item.recorded != null ? item.recorded.decision().word()
                : Resolution.Decision.parse(l.decision() == null ? "" : l.decision()).map(Resolution.Decision::word).orElse(l.decision());
        if (item.outcome == Outcome.REFUSED) {
            return new ResolutionCsv.Line(l.line(), key, file, fileLine, decision, item.outcome.name(), null, l.url(), item.message);
        }
        ResultLine now = ledger.entry(key).orElseThrow();
        String message = item.message;
        if (item.outcome == Outcome.APPLIED) {
            message = item.recorded.decision() == Resolution.Decision.RESEND ? resendMessage(now) : now.message();
            LOG.info("{} line {}: {} of key {} ({} line {}): UNCERTAIN -> {}{}", dropName, l.line(), decision, key, file, fileLine, now.status(),
                    now.status().equals("RECEIVED") ? " (sending is paused; it is sent when sending resumes)" : "");
        }
        return new ResolutionCsv.Line(l.line(), key, file, fileLine, decision, item.outcome.name(), now.status(), now.subsequentPaymentUrl(), message);
    }

    private static String resendMessage(ResultLine now) {
        String said = now.message() == null ? "" : ": " + now.message();
        return switch (now.status()) {
            case "CREATED" -> "sent again: link created";
            case "REJECTED" -> "sent again: rejected by onOffice" + (now.errorCode() == null ? "" : " (errorcode " + now.errorCode() + ")") + said;
            case "UNCERTAIN" -> "sent again: outcome unknown again" + said;
            case "RECEIVED" -> "sending is paused: it is sent as soon as sending resumes";
            default -> "being sent";
        };
    }

    /**
     * Resends held back while sending was paused go out once it resumes (the resolve route's timer), then whatever has
     * settled is announced.
     */
    public synchronized void sendPending() throws IOException {
        recover(false);
        List<LedgerEntry> pending = ledger.pendingResends(batchSize);
        if (!pending.isEmpty() && gate.paused() && gate.probeNow("a resend (line " + pending.get(0).line() + ")")) {
            // The pause has run its time and no inbox file is there to probe: a resend is the probe.
            sender.probe(pending.get(0), "a resend");
            pending = ledger.pendingResends(batchSize);
        }
        if (!pending.isEmpty()) {
            sender.send(pending);
            long sent = pending.stream().map(e -> ledger.entry(e.key()).map(ResultLine::status).orElse("")).filter(s -> !s.equals("RECEIVED")).count();
            if (sent > 0) {
                LOG.info("{} decided while sending was paused {} sent now", Plural.of(sent, "resend"), sent == 1 ? "was" : "were");
            }
        }
        announce();
    }

    /**
     * At start, before anything is sent: a resend left SENDING by a crash or kill may have reached onOffice, so it is
     * UNCERTAIN again and waits for a person, like any row interrupted while sending. With several instances only the
     * resends of instances that are gone (their instance lock not renewed for the lease), never those of a live one;
     * {@link #sendPending()} looks again on every tick, so a dead instance's resends are found without a restart.
     */
    public int recoverInterrupted() {
        return recover(true);
    }

    private int recover(boolean atStart) {
        int n = ledger.markResendsInterrupted(atStart, clock.instant().minus(lease));
        if (n > 0) {
            LOG.warn("{} being sent again when the app stopped; {} UNCERTAIN again and {} for a person", Plural.of(n, "row was", "rows were"),
                    n == 1 ? "it is" : "they are", n == 1 ? "waits" : "wait");
        }
        return n;
    }

    /**
     * Announces applied decisions whose entries have settled: a fresh results file per input file and drop, and one
     * link.resolved event each (id derived from the audit row, so a repeat after a crash keeps it). Returns the number
     * of results files written.
     */
    private int announce() throws IOException {
        int written = 0;
        for (List<Resolution.Settled> page = ledger.unannouncedResolutions(PAGE); !page.isEmpty(); page = ledger.unannouncedResolutions(PAGE)) {
            Map<String, Resolution.Settled> inputs = new LinkedHashMap<>();
            page.forEach(s -> inputs.putIfAbsent(s.run().id() + "/" + s.recorded().dropFile(), s));
            for (Resolution.Settled s : inputs.values()) {
                written += writeFreshResults(s) ? 1 : 0;
            }
            events.publishAll(page.stream().map(this::resolved).toList());
            ledger.markAnnounced(page.stream().map(s -> s.recorded().id()).toList());
        }
        return written;
    }

    private Event<ResolutionEventData> resolved(Resolution.Settled s) {
        Resolution.Recorded r = s.recorded();
        return Event.stable(EventTypes.LINK_RESOLVED, "resolution " + r.id(), new ResolutionEventData(r.key(), s.run().fileName(), s.line(),
                r.decision().word(), r.previousState(), s.state(), s.subsequentPaymentUrl(), s.reason(), r.dropFile(), s.decidedAt()), clock);
    }

    /**
     * The input file's full results again, from the ledger, as {@code <report base>.resolved-<drop base>.results.csv}
     * beside its first results: never over them, nor over an earlier fresh file. An input still in progress has no
     * results yet; they will show the decision when it completes.
     */
    private boolean writeFreshResults(Resolution.Settled s) throws IOException {
        if (s.reportBase() == null) {
            LOG.info("{}: no results written yet; they will show the decisions of {} when the file completes", s.run().fileName(), s.recorded().dropFile());
            return false;
        }
        Path target = free(outbox, s.reportBase() + ".resolved-" + FolderTargets.baseName(s.recorded().dropFile()), ".results.csv");
        Path tmp = outbox.resolve("." + target.getFileName() + ".tmp");
        try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8); ResultsCsv csv = new ResultsCsv(w, format)) {
            long after = 0;
            List<ResultLine> page;
            while (!(page = ledger.results(s.run(), after, PAGE)).isEmpty()) {
                for (ResultLine line : page) {
                    csv.write(line);
                }
                after = page.get(page.size() - 1).line();
            }
        }
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        LOG.info("{}: fresh results after {} in {}", s.run().fileName(), s.recorded().dropFile(), target.getFileName());
        return true;
    }

    /**
     * A drop that cannot be read at all, or could not be processed to the end: it goes to the error folder with
     * {@code <name>.error.txt} saying why. Returns the absolute path to move it to.
     */
    public synchronized String refuse(File file, Exception cause) throws IOException {
        String name = file.getName();
        long line = cause instanceof UnreadableFileException u ? u.line() : 0;
        String reason = cause.getMessage() == null ? cause.toString() : cause.getMessage();
        Path target = FolderTargets.free(error, name);
        String what = cause instanceof UnreadableFileException
                ? "Nothing of this drop was applied. Correct it and drop it into the resolve folder again.\n"
                : "It could not be processed to the end. Lines already applied stay applied (each is in the audit table resolution);\n"
                + "drop the file into the resolve folder again to apply the rest: no line is ever applied twice.\n";
        Files.writeString(target.resolveSibling(target.getFileName() + ".error.txt"), String.join("\n",
                "paylink-routes could not apply the resolution drop " + name,
                "when:   " + clock.instant(),
                line > 0 ? "line:   " + line : "line:   -",
                "reason: " + reason,
                "",
                what,
                "A resolution drop is a CSV with a header: key (or file and line, as in the results CSV), decision (resend, created,",
                "rejected or drop), url (for created), reason (for rejected and drop).",
                ""), StandardCharsets.UTF_8);
        LOG.error("{}: resolution drop refused{}: {}; moved to {}", name, line > 0 ? " at line " + line : "", reason, target);
        return target.toAbsolutePath().toString();
    }

    /** {@code folder/<stem><suffix>}, or {@code <stem>.2<suffix>}, {@code .3} ... when taken: a report never overwrites another. */
    private static Path free(Path folder, String stem, String suffix) throws IOException {
        Files.createDirectories(folder);
        return folder.resolve(FolderTargets.freeStem(folder, stem, suffix) + suffix);
    }
}
