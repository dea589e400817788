package dev.paylink.delivery;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import dev.paylink.events.EventTypes;
import freemarker.core.TemplateClassResolver;
import freemarker.template.Configuration;
import freemarker.template.Template;
import freemarker.template.TemplateException;
import freemarker.template.TemplateExceptionHandler;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TimeZone;

/**
 * Turns an event ({@code {id, type, createdAt, data}}) into a mail: subject, plain text and HTML, from the FreeMarker
 * templates in {@code src/main/resources/mail/} ({@code <kind>.html.ftlh}, auto-escaped HTML, and {@code <kind>.text.ftl}).
 * Kinds: {@code file-completed}, {@code file-failed}, {@code payment} (payment.*), {@code link} (link.*).
 *
 * <p>Subjects are built here, not in templates, and always pass {@link #headerSafe(String)}: they carry file names and
 * descriptions that come from dropped files. The per-file mail attaches {@code outbox/<resultsFile>} when it exists
 * (and is not too large); otherwise the body says why nothing is attached. Rendering never reads anything else.
 */
public final class MailRenderer {

    /** Larger results files are not attached (the body says where they are): many mail servers refuse ~10-25 MB. */
    public static final long DEFAULT_MAX_ATTACHMENT_BYTES = 10L * 1024 * 1024;
    static final int MAX_SUBJECT_LENGTH = 200;

    private static final List<String> STATUSES = List.of("CREATED", "REJECTED", "UNCERTAIN", "DUPLICATE", "INVALID", "TRACKED");
    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'", Locale.ROOT).withZone(ZoneOffset.UTC);

    // Decimals stay BigDecimal with their scale (149.00 stays 149.00, never a double).
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .configure(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES, false);

    private final Path outbox;
    private final long maxAttachmentBytes;
    private final Configuration freemarker;

    public MailRenderer(Path outbox) {
        this(outbox, DEFAULT_MAX_ATTACHMENT_BYTES);
    }

    public MailRenderer(Path outbox, long maxAttachmentBytes) {
        this.outbox = outbox.toAbsolutePath().normalize();
        this.maxAttachmentBytes = maxAttachmentBytes;
        Configuration c = new Configuration(Configuration.VERSION_2_3_34);
        c.setClassForTemplateLoading(MailRenderer.class, "/mail");
        c.setDefaultEncoding("UTF-8");
        // .ftlh -> HTML output format (auto-escaping), .ftl -> plain text.
        c.setRecognizeStandardFileExtensions(true);
        c.setTemplateExceptionHandler(TemplateExceptionHandler.RETHROW_HANDLER);
        c.setLogTemplateExceptions(false);
        c.setWrapUncheckedExceptions(true);
        c.setFallbackOnNullLoopVariable(false);
        c.setLocale(Locale.ROOT);
        c.setTimeZone(TimeZone.getTimeZone(ZoneOffset.UTC));
        c.setNumberFormat("computer");
        // Templates get data, never the means to create or reach Java objects.
        c.setNewBuiltinClassResolver(TemplateClassResolver.ALLOWS_NOTHING_RESOLVER);
        c.setAPIBuiltinEnabled(false);
        this.freemarker = c;
    }

    /** Renders an event given as JSON text (a delivery's payload). */
    public RenderedMail render(String eventJson) {
        JsonNode event;
        try {
            event = JSON.readTree(eventJson);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("the event is not JSON: " + e.getOriginalMessage(), e);
        }
        return render(event);
    }

    /** Renders an event. Throws IllegalArgumentException for an event type that has no mail. */
    public RenderedMail render(JsonNode event) {
        String type = text(event, "type");
        JsonNode data = event.path("data");
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("eventId", text(event, "id"));
        model.put("eventType", type);
        model.put("createdAt", when(text(event, "createdAt")));
        List<Path> attachments = new ArrayList<>();
        String kind;
        String subject;
        if (EventTypes.FILE_COMPLETED.equals(type)) {
            kind = "file-completed";
            subject = fileModel(data, model, attachments, false);
        } else if (EventTypes.FILE_FAILED.equals(type)) {
            kind = "file-failed";
            subject = fileModel(data, model, attachments, true);
        } else if (type != null && type.startsWith("payment.")) {
            kind = "payment";
            subject = paymentModel(type, data, model);
        } else if (type != null && type.startsWith("link.")) {
            kind = "link";
            subject = linkModel(type, data, model);
        } else {
            throw new IllegalArgumentException("no mail for event type " + type);
        }
        subject = headerSafe(subject);
        model.put("subject", subject);
        return new RenderedMail(subject, process(kind + ".text.ftl", model), process(kind + ".html.ftlh", model), attachments);
    }

    // ---- file.completed / file.failed

    private String fileModel(JsonNode data, Map<String, Object> model, List<Path> attachments, boolean failed) {
        String file = orDash(text(data, "file"));
        model.put("file", file);
        putIfPresent(model, "status", text(data, "status"));
        model.put("rows", data.path("rows").asLong(0));
        List<Map<String, Object>> counts = new ArrayList<>();
        List<String> subjectParts = new ArrayList<>();
        for (String status : STATUSES) {
            long n = data.path("counts").path(status).asLong(0);
            counts.add(Map.of("status", status, "label", status.toLowerCase(Locale.ROOT), "count", n));
            if (n > 0) {
                subjectParts.add(n + " " + status.toLowerCase(Locale.ROOT));
            }
        }
        model.put("counts", counts);
        List<String> unknown = new ArrayList<>();
        data.path("unknownColumns").forEach(c -> unknown.add(c.asText()));
        model.put("unknownColumns", unknown);
        for (String key : List.of("format", "charset", "delimiter", "sha256", "error", "movedTo", "resultsFile")) {
            putIfPresent(model, key, text(data, key));
        }
        putIfPresent(model, "errorLine", data.hasNonNull("errorLine") ? data.get("errorLine").asText() : null);
        putIfPresent(model, "startedAt", when(text(data, "startedAt")));
        putIfPresent(model, "finishedAt", when(text(data, "finishedAt")));
        model.put("attachment", attachment(text(data, "resultsFile"), attachments));

        if (failed) {
            String error = text(data, "error");
            return "paylink: " + file + " could not be read" + (error == null ? "" : " — " + error);
        }
        return "paylink: " + file + " done — " + (subjectParts.isEmpty() ? "no rows" : String.join(", ", subjectParts));
    }

    /** What became of the results file: attached, or why not. Only files inside the outbox are ever attached. */
    private Map<String, Object> attachment(String resultsFile, List<Path> attachments) {
        Map<String, Object> a = new LinkedHashMap<>();
        if (resultsFile == null) {
            a.put("state", "none");
            return a;
        }
        a.put("name", resultsFile);
        Path path = outbox.resolve(resultsFile).normalize();
        if (!path.startsWith(outbox) || path.equals(outbox)) {
            a.put("state", "refused");
            return a;
        }
        try {
            if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
                a.put("state", "missing");
                return a;
            }
            long size = Files.size(path);
            a.put("size", humanSize(size));
            if (size > maxAttachmentBytes) {
                a.put("state", "too-large");
                a.put("limit", humanSize(maxAttachmentBytes));
                return a;
            }
        } catch (IOException e) {
            a.put("state", "missing");
            return a;
        }
        a.put("state", "attached");
        attachments.add(path);
        return a;
    }

    // ---- payment.*

    private String paymentModel(String type, JsonNode data, Map<String, Object> model) {
        String linkId = orDash(text(data, "paymentLinkId"));
        model.put("paymentLinkId", linkId);
        for (String key : List.of("key", "file", "oldStatus", "oldStatusClass", "newStatus", "newStatusClass", "currency",
                "consumerName", "consumerEmail", "latestTransactionId")) {
            putIfPresent(model, key, text(data, key));
        }
        putIfPresent(model, "line", data.path("line").asLong(0) > 0 ? data.get("line").asText() : null);
        BigDecimal amount = decimal(data.get("amount"));
        String money = amount == null ? null : money(amount) + (text(data, "currency") == null ? "" : " " + text(data, "currency"));
        putIfPresent(model, "amount", money);
        putIfPresent(model, "expiry", when(text(data, "expiryDate")));
        String url = text(data, "paymentUrl");
        putIfPresent(model, "paymentUrl", url);
        model.put("paymentUrlIsLink", url != null && (url.startsWith("https://") || url.startsWith("http://")));
        String change = orDash(text(data, "oldStatus")) + " → " + orDash(text(data, "newStatus"));
        model.put("change", change);
        String what = money == null ? "" : " " + money;
        String headline = switch (type) {
            case EventTypes.PAYMENT_PAID -> "payment received" + what;
            case EventTypes.PAYMENT_EXPIRED -> "payment link expired unpaid" + what;
            default -> "payment link " + change + what;
        };
        model.put("headline", headline);
        return "paylink: " + headline + " (" + linkId + ")";
    }

    // ---- link.*

    private String linkModel(String type, JsonNode data, Map<String, Object> model) {
        String file = orDash(text(data, "file"));
        model.put("file", file);
        long line = data.path("line").asLong(0);
        model.put("line", line);
        for (String key : List.of("key", "transactionId", "priceNet", "description", "subsequentPaymentUrl", "message")) {
            putIfPresent(model, key, text(data, key));
        }
        putIfPresent(model, "errorCode", data.hasNonNull("errorCode") ? data.get("errorCode").asText() : null);
        putIfPresent(model, "mailToCustomerSent", data.hasNonNull("mailToCustomerSent") ? (data.get("mailToCustomerSent").asBoolean() ? "yes" : "no") : null);
        String url = text(data, "subsequentPaymentUrl");
        model.put("urlIsLink", url != null && (url.startsWith("https://") || url.startsWith("http://")));
        String headline = switch (type) {
            case EventTypes.LINK_CREATED -> "payment link created";
            case EventTypes.LINK_REJECTED -> "row rejected by onOffice";
            case EventTypes.LINK_UNCERTAIN -> "outcome unknown — please check this row in onOffice";
            case EventTypes.LINK_DUPLICATE -> "duplicate row, not sent";
            default -> type;
        };
        model.put("headline", headline);
        model.put("needsPerson", EventTypes.LINK_UNCERTAIN.equals(type));
        String description = text(data, "description");
        return "paylink: " + headline + " — " + file + " line " + line + (description == null ? "" : " (" + description + ")");
    }

    // ---- helpers

    private String process(String template, Map<String, Object> model) {
        try {
            Template t = freemarker.getTemplate(template);
            StringWriter out = new StringWriter();
            t.process(model, out);
            return out.toString();
        } catch (IOException e) {
            throw new UncheckedIOException("mail template " + template + " cannot be read", e);
        } catch (TemplateException e) {
            throw new IllegalStateException("mail template " + template + " failed: " + e.getMessageWithoutStackTop(), e);
        }
    }

    /**
     * A subject (or any header value) from data: control characters (CR, LF, TAB, NUL, ...), Unicode line separators and
     * invisible format characters (bidi overrides, zero-width) become spaces, runs of whitespace collapse to one, and
     * it is cut to {@value #MAX_SUBJECT_LENGTH} characters (never inside a surrogate pair). Non-ASCII letters stay:
     * encoding them (RFC 2047) is Jakarta Mail's job.
     */
    public static String headerSafe(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder b = new StringBuilder(text.length());
        boolean space = false;
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            i += Character.charCount(cp);
            int type = Character.getType(cp);
            boolean blank = Character.isISOControl(cp) || Character.isWhitespace(cp) || Character.isSpaceChar(cp)
                    || type == Character.FORMAT || type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR
                    || type == Character.UNASSIGNED || type == Character.SURROGATE || type == Character.PRIVATE_USE;
            if (blank) {
                space = b.length() > 0;
            } else {
                if (space) {
                    b.append(' ');
                    space = false;
                }
                b.appendCodePoint(cp);
            }
        }
        if (b.codePointCount(0, b.length()) > MAX_SUBJECT_LENGTH) {
            int end = b.offsetByCodePoints(0, MAX_SUBJECT_LENGTH - 1);
            return b.substring(0, end).stripTrailing() + "…";
        }
        return b.toString();
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() || v.isContainerNode() ? null : v.asText();
    }

    private static void putIfPresent(Map<String, Object> model, String key, Object value) {
        if (value != null) {
            model.put(key, value);
        }
    }

    private static String orDash(String s) {
        return s == null || s.isBlank() ? "-" : s;
    }

    /** A decimal from a JSON number or string, exact; null if absent or not a number. */
    static BigDecimal decimal(JsonNode v) {
        if (v == null || v.isNull()) {
            return null;
        }
        try {
            return v.isNumber() ? v.decimalValue() : new BigDecimal(v.asText().strip());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** At least two decimals (149 -> 149.00), more if the amount has them; plain notation, no grouping. */
    static String money(BigDecimal amount) {
        return (amount.scale() < 2 ? amount.setScale(2) : amount).toPlainString();
    }

    private static String when(String instant) {
        if (instant == null) {
            return null;
        }
        try {
            return WHEN.format(Instant.parse(instant));
        } catch (DateTimeParseException e) {
            return instant;
        }
    }

    private static String humanSize(long bytes) {
        if (bytes < 1024) {
            return bytes + " bytes";
        }
        if (bytes < 1024 * 1024) {
            return String.format(Locale.ROOT, "%.1f KB", bytes / 1024.0);
        }
        return String.format(Locale.ROOT, "%.1f MB", bytes / (1024.0 * 1024.0));
    }
}
