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
public class EventLog implements EventSink {

    private final Path folder;
    private final ObjectMapper json = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    public EventLog(Path folder) {
        this.folder = folder;
    }

    public void append(Event<?> event) {
        appendAll(java.util.List.of(event));
    }

    /** As a sink on its own (the {@code file} output only): every event is logged. */
    @Override
    public void publishAll(java.util.List<? extends Event<?>> events) {
        appendAll(events);
    }

    /** Appends events in order, each to the file of its day; one open and close per file, not per event. */
    public synchronized void appendAll(java.util.List<? extends Event<?>> events) {
        Path open = null;
        Writer w = null;
        try {
            Files.createDirectories(folder);
            for (Event<?> event : events) {
                Path file = folder.resolve("events-" + event.createdAt().atZone(ZoneOffset.UTC).toLocalDate() + ".ndjson");
                if (!file.equals(open)) {
                    if (w != null) {
                        w.close();
                    }
                    w = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                    open = file;
                }
                w.write(toJson(event));
                w.write('\n');
            }
            if (w != null) {
                w.close();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not append to the event log in " + folder, e);
        }
    }

    /** The event as JSON, exactly as it is logged, mailed and signed. */
    public String toJson(Event<?> event) {
        try {
            return json.writeValueAsString(event);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("event " + event.id() + " cannot be written as JSON", e);
        }
    }

    public Path folder() {
        return folder;
    }
}
