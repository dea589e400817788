package dev.paylink.events;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EventLogTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * Instances sharing an outbox append to one file of the day. Batches larger than any write buffer, from two event
     * logs at once (as two processes would), must land as whole lines: every line one event, none lost or cut.
     */
    @Test
    void twoEventLogsOnOneFolderNeverInterleaveTheirLines(@TempDir Path folder) throws Exception {
        Clock clock = Clock.fixed(Instant.parse("2026-11-30T12:00:00Z"), ZoneOffset.UTC);
        EventLog first = new EventLog(folder);
        EventLog second = new EventLog(folder);
        int rounds = 20;
        int perBatch = 200;
        String padding = "x".repeat(300);
        CyclicBarrier together = new CyclicBarrier(2);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<CompletableFuture<Void>> writers = new ArrayList<>();
            for (EventLog log : List.of(first, second)) {
                String who = log == first ? "a" : "b";
                writers.add(CompletableFuture.runAsync(() -> {
                    try {
                        for (int r = 0; r < rounds; r++) {
                            List<Event<?>> batch = new ArrayList<>();
                            for (int i = 0; i < perBatch; i++) {
                                batch.add(Event.stable(EventTypes.FILE_COMPLETED, who + "-" + r + "-" + i, Map.of("pad", padding), clock));
                            }
                            together.await();
                            log.appendAll(batch);
                        }
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }, pool));
            }
            CompletableFuture.allOf(writers.toArray(CompletableFuture[]::new)).get();
        } finally {
            pool.shutdownNow();
        }
        List<String> lines = Files.readAllLines(folder.resolve("events-2026-11-30.ndjson"), StandardCharsets.UTF_8);
        Set<String> ids = new HashSet<>();
        for (String line : lines) {
            JsonNode event = JSON.readTree(line);
            assertThat(event.path("data").path("pad").asText()).as("a whole line").isEqualTo(padding);
            ids.add(event.path("id").asText());
        }
        assertThat(lines).hasSize(2 * rounds * perBatch);
        assertThat(ids).hasSize(2 * rounds * perBatch);
    }
}
