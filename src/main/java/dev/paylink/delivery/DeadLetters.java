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
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deliveries that could not be made: each is written to {@code outbox/deadletter/} as one JSON file holding the
 * target, the last error and the payload exactly as it would be sent. Moving such a file into the replay folder
 * sends it again ({@link #replay(File)}).
 */
public class DeadLetters {

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetters.class);

    private final Path folder;
    private final Deliveries queue;
    private final Clock clock;
    private final ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public DeadLetters(Path folder, Deliveries queue, Clock clock) {
        this.folder = folder;
        this.queue = queue;
        this.clock = clock;
    }

    public Path write(Delivery d, int attempts, String lastError) {
        ObjectNode letter = json.createObjectNode();
        letter.put("eventId", d.eventId());
        letter.put("eventType", d.eventType());
        letter.put("output", d.output());
        letter.put("target", d.target());
        letter.put("attempts", attempts);
        letter.put("lastError", lastError);
        letter.put("failedAt", clock.instant().toString());
        letter.put("payload", d.payload());
        String name = d.eventType() + "-" + d.eventId() + "-" + d.output() + "-" + shortHash(d.target()) + ".json";
        Path file = folder.resolve(name);
        try {
            Files.createDirectories(folder);
            Path tmp = folder.resolve("." + name + ".tmp");
            json.writeValue(tmp.toFile(), letter);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write dead letter " + file, e);
        }
        LOG.error("{} of {} {} to {} given up after {} attempts ({}); kept in {}. Move the file into the replay folder to send it again.",
                d.output(), d.eventType(), d.eventId(), safeTarget(d.target()), attempts, lastError, file);
        return file;
    }

    /** A dead letter moved into the replay folder: its delivery is due again, attempts from zero. */
    public void replay(File file) {
        JsonNode letter;
        try {
            letter = json.readTree(Files.readString(file.toPath(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalArgumentException(file.getName() + " is not a dead letter of paylink-routes (not JSON): " + e.getMessage(), e);
        }
        String eventId = text(letter, "eventId", file);
        String output = text(letter, "output", file);
        String target = text(letter, "target", file);
        Instant now = clock.instant();
        if (!queue.revive(eventId, output, target, now)) {
            // Not dead in this ledger (another database, or already revived): queue it afresh from the letter itself.
            queue.enqueue(java.util.List.of(new Deliveries.Request(eventId, text(letter, "eventType", file), output, target,
                    text(letter, "payload", file))), now);
        }
        LOG.info("replaying {} {} to {}", output, eventId, safeTarget(target));
    }

    private static String text(JsonNode letter, String field, File file) {
        JsonNode v = letter.get(field);
        if (v == null || !v.isTextual() || v.asText().isBlank()) {
            throw new IllegalArgumentException(file.getName() + " is not a dead letter of paylink-routes: field " + field + " is missing");
        }
        return v.asText();
    }

    /** A URL without its query (which may hold a token); recipients as they are. */
    static String safeTarget(String target) {
        int q = target.indexOf('?');
        return q < 0 ? target : target.substring(0, q) + "?…";
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
