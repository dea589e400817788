package dev.paylink.events;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
        appendAll(List.of(event));
    }

    /** As a sink on its own (the {@code file} output only): every event is logged. */
    @Override
    public void publishAll(List<? extends Event<?>> events) {
        appendAll(events);
    }

    /**
     * Appends events in order, each to the file of its day. Several instances may share the outbox (README "Running
     * several instances"): the lines for one file are appended in one write under an exclusive lock of that file, so
     * lines of two processes never interleave. The lock is per process (a {@link FileLock}), hence the class-wide
     * monitor for event logs of one process on the same folder.
     */
    public void appendAll(List<? extends Event<?>> events) {
        Map<Path, StringBuilder> byFile = new LinkedHashMap<>();
        for (Event<?> event : events) {
            Path file = folder.resolve("events-" + event.createdAt().atZone(ZoneOffset.UTC).toLocalDate() + ".ndjson");
            byFile.computeIfAbsent(file, f -> new StringBuilder()).append(toJson(event)).append('\n');
        }
        synchronized (EventLog.class) {
            try {
                Files.createDirectories(folder);
                for (Map.Entry<Path, StringBuilder> lines : byFile.entrySet()) {
                    ByteBuffer bytes = ByteBuffer.wrap(lines.getValue().toString().getBytes(StandardCharsets.UTF_8));
                    try (FileChannel channel = FileChannel.open(lines.getKey(), StandardOpenOption.CREATE, StandardOpenOption.APPEND,
                            StandardOpenOption.WRITE); FileLock lock = channel.lock()) {
                        while (bytes.hasRemaining()) {
                            channel.write(bytes);
                        }
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("could not append to the event log in " + folder, e);
            }
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
