package dev.paylink.support;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;

/** Dropping files into an inbox the way a well-behaved producer does, and reading what came out. */
public final class Drops {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Drops() {
    }

    /** Writes under a hidden name, then renames: the inbox never shows a half-written file. */
    public static Path drop(Path inbox, String name, byte[] content) throws IOException {
        Files.createDirectories(inbox);
        Path tmp = inbox.resolve("." + name + ".tmp");
        Files.write(tmp, content);
        return Files.move(tmp, inbox.resolve(name), StandardCopyOption.ATOMIC_MOVE);
    }

    public static Path drop(Path inbox, String name, String content) throws IOException {
        return drop(inbox, name, content.getBytes(StandardCharsets.UTF_8));
    }

    public static Path drop(Path inbox, String name, String content, Charset charset) throws IOException {
        return drop(inbox, name, content.getBytes(charset));
    }

    /** Waits for {@code outbox/<base>.summary.json} and returns it. */
    public static JsonNode awaitSummary(Path outbox, String base) {
        Path summary = outbox.resolve(base + ".summary.json");
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(summary));
        try {
            return JSON.readTree(summary.toFile());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The records of {@code outbox/<base>.results.csv}, header included as record 0. */
    public static List<CSVRecord> results(Path outbox, String base) throws IOException {
        try (Reader r = Files.newBufferedReader(outbox.resolve(base + ".results.csv"), StandardCharsets.UTF_8)) {
            return CSVFormat.RFC4180.parse(r).getRecords();
        }
    }

    public static String sha256(byte[] content) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
    }
}
