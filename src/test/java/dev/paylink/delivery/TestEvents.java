package dev.paylink.delivery;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.paylink.events.Event;
import dev.paylink.events.EventTypes;
import dev.paylink.events.LinkEventData;
import dev.paylink.events.PaymentEventData;
import dev.paylink.events.ResolutionEventData;
import dev.paylink.report.FileSummary;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Event payloads as the application writes them (same records, same Jackson settings as the event log). */
public final class TestEvents {

    static final Instant NOW = Instant.parse("2025-06-02T10:15:30Z");
    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    private TestEvents() {
    }

    public static String json(String type, Object data) {
        try {
            return JSON.writeValueAsString(new Event<>("ev-" + type, type, NOW, data));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public static Map<String, Long> counts(long created, long rejected, long uncertain, long duplicate, long invalid, long tracked) {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("CREATED", created);
        m.put("REJECTED", rejected);
        m.put("UNCERTAIN", uncertain);
        m.put("DUPLICATE", duplicate);
        m.put("INVALID", invalid);
        m.put("TRACKED", tracked);
        return m;
    }

    public static String fileCompleted(String file, Map<String, Long> counts, List<String> unknownColumns, String resultsFile) {
        long rows = counts.values().stream().mapToLong(Long::longValue).sum();
        return json(EventTypes.FILE_COMPLETED, new FileSummary(file, "COMPLETED", "ab12cd", "CSV", "UTF-8", ";", rows, counts,
                unknownColumns, null, null, resultsFile, "archive/" + file, "2025-06-02T10:15:00Z", "2025-06-02T10:15:29Z"));
    }

    public static String fileFailed(String file, String error, Long line) {
        return json(EventTypes.FILE_FAILED, new FileSummary(file, "FAILED", null, null, null, null, 0, null, null, error, line, null,
                "error/" + file, null, "2025-06-02T10:15:29Z"));
    }

    public static String payment(String type, String oldStatus, String newStatus, BigDecimal amount) {
        return json(type, new PaymentEventData("PL-4711", "k1", "orders.csv", 3, oldStatus, "OPEN", newStatus, "PAID", amount, "EUR",
                Instant.parse("2025-07-01T00:00:00Z"), "Jürgen Müller", "juergen@example.com", "https://pay.example.com/l/PL-4711", "tx-9"));
    }

    /**
     * An event of {@code type} with data of the shape the application publishes for it; {@code tag} goes into the
     * data's file name so a test can tell its events apart.
     */
    public static Event<Object> sample(String type, String tag, java.time.Clock clock) {
        String file = tag + ".csv";
        Object data;
        if (type.startsWith("file.")) {
            data = type.equals(EventTypes.FILE_FAILED)
                    ? new FileSummary(file, "FAILED", null, null, null, null, 0, null, null, "not a CSV", 1L, null, "error/" + file, null,
                    "2025-06-02T10:15:29Z")
                    : new FileSummary(file, "COMPLETED", "ab12cd", "CSV", "UTF-8", ";", 1, counts(1, 0, 0, 0, 0, 0), List.of(), null, null,
                    null, "archive/" + file, "2025-06-02T10:15:00Z", "2025-06-02T10:15:29Z");
        } else if (type.startsWith("payment.")) {
            data = new PaymentEventData("PL-" + tag, "k1", file, 3, "OPEN", "OPEN", "PAID", "PAID", new BigDecimal("10.00"), "EUR",
                    Instant.parse("2025-07-01T00:00:00Z"), "Jürgen Müller", "juergen@example.com", "https://pay.example.com/l/PL-1", "tx-9");
        } else if (type.equals(EventTypes.LINK_RESOLVED)) {
            data = new ResolutionEventData("k7", file, 7, "created", "UNCERTAIN", "CREATED", "https://pay.example.com/l/7", "seen in onOffice",
                    "ops", Instant.parse("2025-06-02T10:00:00Z"));
        } else {
            data = new LinkEventData("k7", file, 7, "T-7", "99.90", "Miete", null, null, null, null);
        }
        return Event.of(type, data, clock);
    }

    public static String link(String type, String description) {
        return json(type, new LinkEventData("k7", "orders.csv", 7, "T-7", "99.90", description, null, null, 504, "timeout waiting for onOffice"));
    }
}
