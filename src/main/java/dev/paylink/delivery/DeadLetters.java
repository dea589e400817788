package dev.paylink.delivery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.paylink.ledger.Deliveries;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deliveries that could not be made: each is written to {@code outbox/deadletter/} as one JSON file holding the
 * target, the last error and the payload exactly as it would be sent (a URL only ever masked). Moving such a file into
 * the replay folder sends it again ({@link #replay(File)}); an empty file {@code <endpoint>.replay-all} there sends every
 * dead delivery of that webhook endpoint again ({@link #replayAll(File)}).
 */
public class DeadLetters {

    /** The name ending of a replay-all request: {@code <endpoint>.replay-all}. */
    public static final String REPLAY_ALL = ".replay-all";
    private static final Logger LOG = LoggerFactory.getLogger(DeadLetters.class);

    private final Path folder;
    private final Path replayFolder;
    private final Deliveries queue;
    private final Clock clock;
    private final Set<String> endpoints;
    private final ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** Without webhook endpoints; the replay folder is {@code replay} beside the dead-letter folder. */
    public DeadLetters(Path folder, Deliveries queue, Clock clock) {
        this(folder, folder.resolveSibling("replay"), queue, clock, Set.of());
    }

    /**
     * @param endpoints the configured webhook endpoints' names: what a replay-all request may name
     */
    public DeadLetters(Path folder, Path replayFolder, Deliveries queue, Clock clock, Set<String> endpoints) {
        this.folder = folder;
        this.replayFolder = replayFolder;
        this.queue = queue;
        this.clock = clock;
        this.endpoints = Set.copyOf(endpoints);
    }

    /**
     * @param destination the target as a person may read it ({@link Output#describe}), e.g. {@code crm (https://host/hook?token=***)}
     */
    public Path write(Delivery d, int attempts, String lastError, String destination) {
        ObjectNode letter = json.createObjectNode();
        letter.put("eventId", d.eventId());
        letter.put("eventType", d.eventType());
        letter.put("output", d.output());
        // a webhook's target is its endpoint's name; a URL (queued before endpoints had names) is never written with its credentials
        letter.put("target", Urls.isUrl(d.target()) ? Urls.masked(d.target()) : d.target());
        letter.put("destination", destination);
        letter.put("attempts", attempts);
        letter.put("lastError", lastError);
        letter.put("failedAt", clock.instant().toString());
        letter.put("payload", d.payload());
        String name = d.eventType() + "-" + d.eventId() + "-" + d.output() + "-" + fileSafe(d.target()) + ".json";
        Path file = folder.resolve(name);
        try {
            Files.createDirectories(folder);
            Path tmp = folder.resolve("." + name + ".tmp");
            json.writeValue(tmp.toFile(), letter);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write dead letter " + file, e);
        }
        String replayAll = d.output().equals(WebhookOutput.NAME) && endpoints.contains(d.target())
                ? ", or drop an empty file " + d.target() + REPLAY_ALL + " there to send all of that endpoint's again" : "";
        LOG.error("{} of {} {} to {} given up after {} ({}); kept in {}. Move the file into {} to send it again{}.", d.output(), d.eventType(),
                d.eventId(), destination, attempts == 1 ? "1 try" : attempts + " tries", lastError, file, replayFolder, replayAll);
        return file;
    }

    /** A dead letter moved into the replay folder: its delivery is due again, attempts from zero. */
    public void replay(File file) {
        Letter letter = read(file.toPath());
        revive(letter, clock.instant());
        LOG.info("replaying {} of {} {} to {}", letter.output(), letter.eventType(), letter.eventId(), letter.target());
    }

    /**
     * An (empty) file {@code <endpoint>.replay-all} dropped into the replay folder: every dead delivery of that webhook
     * endpoint is due again, attempts from zero. Its dead-letter files move to {@code .replayed/} in the replay folder,
     * as a replayed letter does. Returns how many deliveries are due again.
     *
     * @throws IllegalArgumentException when the name is no configured endpoint's
     */
    public int replayAll(File request) {
        String fileName = request.getName();
        String endpoint = fileName.endsWith(REPLAY_ALL) ? fileName.substring(0, fileName.length() - REPLAY_ALL.length()) : fileName;
        if (!endpoints.contains(endpoint)) {
            throw new IllegalArgumentException(fileName + " names no webhook endpoint; configured: "
                    + (endpoints.isEmpty() ? "none" : String.join(", ", endpoints.stream().sorted().toList())));
        }
        Instant now = clock.instant();
        int letters = 0;
        for (Path file : letterFiles()) {
            Letter letter;
            try {
                letter = read(file);
            } catch (IllegalArgumentException e) {
                continue; // not ours to judge here; a replay of that file says what is wrong with it
            }
            if (letter.output().equals(WebhookOutput.NAME) && letter.target().equals(endpoint)) {
                revive(letter, now);
                moveToReplayed(file);
                letters++;
            }
        }
        // dead deliveries whose letter was deleted or moved away are due again too: the ledger is the record
        int more = queue.reviveAll(WebhookOutput.NAME, endpoint, now);
        LOG.info("replay-all for webhook endpoint {}: {} dead deliveries are due again ({} dead-letter files moved to {})", endpoint,
                letters + more, letters, replayFolder.resolve(".replayed"));
        return letters + more;
    }

    private record Letter(String eventId, String eventType, String output, String target, String payload) {
    }

    private Letter read(Path file) {
        JsonNode letter;
        try {
            letter = json.readTree(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalArgumentException(file.getFileName() + " is not a dead letter of paylink-routes (not JSON): " + e.getMessage(), e);
        }
        String name = file.getFileName().toString();
        return new Letter(text(letter, "eventId", name), text(letter, "eventType", name), text(letter, "output", name),
                text(letter, "target", name), text(letter, "payload", name));
    }

    /**
     * Idempotent, so every instance may replay the same letter: only a DEAD delivery is revived, and a letter whose
     * delivery is not dead is queued afresh only if the ledger has no delivery of it at all (enqueue skips a known one).
     */
    private void revive(Letter letter, Instant now) {
        if (!queue.revive(letter.eventId(), letter.output(), letter.target(), now)) {
            // Not dead in this ledger (another database, or already revived): queue it afresh from the letter itself.
            queue.enqueue(List.of(new Deliveries.Request(letter.eventId(), letter.eventType(), letter.output(), letter.target(),
                    letter.payload())), now);
        }
    }

    private List<Path> letterFiles() {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (var files = Files.list(folder)) {
            return files.filter(f -> {
                String n = f.getFileName().toString();
                return !n.startsWith(".") && n.endsWith(".json") && Files.isRegularFile(f);
            }).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("could not list the dead letters in " + folder, e);
        }
    }

    private void moveToReplayed(Path file) {
        try {
            Path replayed = Files.createDirectories(replayFolder.resolve(".replayed"));
            Files.move(file, replayed.resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING);
        } catch (NoSuchFileException e) {
            // another instance's replay-all for the same endpoint moved it first; its delivery is due again all the same
            LOG.debug("dead letter {} was moved by another instance", file.getFileName());
        } catch (IOException e) {
            LOG.warn("dead letter {} is replayed but could not be moved out of {}: {}", file.getFileName(), folder, e.toString());
        }
    }

    private static String text(JsonNode letter, String field, String fileName) {
        JsonNode v = letter.get(field);
        if (v == null || !v.isTextual() || v.asText().isBlank()) {
            throw new IllegalArgumentException(fileName + " is not a dead letter of paylink-routes: field " + field + " is missing");
        }
        return v.asText();
    }

    /** An endpoint's name as it is; anything else (recipients, a URL) as a short hash. */
    private static String fileSafe(String target) {
        return WebhookEndpoint.NAME.matcher(target).matches() ? target : shortHash(target);
    }

    private static String shortHash(String s) {
        try {
            byte[] d = java.security.MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 4);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
