package dev.paylink.events;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.ZoneOffset;

/**
 * Appends events, one JSON object per line, to {@code outbox/events/events-YYYY-MM-DD.ndjson} (UTC day of the
 * event). Append-only: a line once written is never changed.
 */
public class EventLog {

    private final Path folder;
    private final ObjectMapper json = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    public EventLog(Path folder) {
        this.folder = folder;
    }

    public synchronized void append(Event<?> event) {
        Path file = folder.resolve("events-" + event.createdAt().atZone(ZoneOffset.UTC).toLocalDate() + ".ndjson");
        try {
            Files.createDirectories(folder);
            try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
                w.write(json.writeValueAsString(event));
                w.write('\n');
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not append to " + file, e);
        }
    }

    public Path folder() {
        return folder;
    }
}
