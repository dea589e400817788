package dev.paylink.resolve;

import dev.paylink.intake.UnreadableFileException;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * A resolution drop as read from disk: a small CSV (comma or semicolon, whichever the header has more of; UTF-8 with
 * or without BOM) with a header naming {@code key} or {@code file} + {@code line}, {@code decision}, and {@code url} /
 * {@code reason} as the decision needs, case-insensitively. A drop that cannot be read as such is refused as a whole
 * ({@link UnreadableFileException}); a bad line is only reported (see {@link DropLine#problem()}).
 *
 * @param sha256 lower-case hex SHA-256 of the bytes: with a line number, what makes a line applied once
 * @param lines  every non-blank line after the header, in order
 */
public record ResolutionDrop(String sha256, List<DropLine> lines, List<String> unknownColumns) {

    /** A drop is a person's few decisions; anything this large is not one. */
    static final int MAX_BYTES = 4 * 1024 * 1024;
    static final List<String> COLUMNS = List.of("key", "file", "line", "decision", "url", "reason");

    public static ResolutionDrop read(Path file) {
        byte[] bytes;
        try {
            if (Files.size(file) > MAX_BYTES) {
                throw new UnreadableFileException(0, "the file has " + Files.size(file) + " bytes; a resolution drop has at most " + MAX_BYTES);
            }
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        String text = utf8(bytes);
        if (text.isBlank()) {
            throw new UnreadableFileException(0, "the file is empty");
        }
        CSVFormat format = CSVFormat.DEFAULT.builder().setDelimiter(delimiter(text)).setIgnoreEmptyLines(false).get();
        try (CSVParser parser = format.parse(new StringReader(text))) {
            return parse(sha256(bytes), parser);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ResolutionDrop parse(String sha256, CSVParser parser) {
        Iterator<CSVRecord> records = parser.iterator();
        long[] line = new long[1];
        CSVRecord header = next(parser, records, line);
        while (header != null && blank(header)) {
            header = next(parser, records, line);
        }
        if (header == null) {
            throw new UnreadableFileException(0, "the file is empty");
        }
        Map<String, Integer> columns = new LinkedHashMap<>();
        List<String> unknown = new ArrayList<>();
        for (int i = 0; i < header.size(); i++) {
            String name = header.get(i).strip().toLowerCase(Locale.ROOT);
            if (name.isEmpty()) {
                continue;
            }
            if (!COLUMNS.contains(name)) {
                unknown.add(header.get(i).strip());
            } else if (columns.putIfAbsent(name, i) != null) {
                throw new UnreadableFileException(line[0], "the header has two " + name + " columns (columns " + (columns.get(name) + 1)
                        + " and " + (i + 1) + ")");
            }
        }
        boolean byKey = columns.containsKey("key");
        boolean byFileLine = columns.containsKey("file") && columns.containsKey("line");
        if (!columns.containsKey("decision") || !(byKey || byFileLine)) {
            throw new UnreadableFileException(line[0], "a resolution drop needs a decision column and a key column (or file and line columns); "
                    + "the header has: " + String.join(", ", header.toList()));
        }
        List<DropLine> lines = new ArrayList<>();
        for (CSVRecord r = next(parser, records, line); r != null; r = next(parser, records, line)) {
            if (blank(r)) {
                continue;
            }
            int filled = r.size();
            while (filled > 0 && r.get(filled - 1).isBlank()) {
                filled--;
            }
            String malformed = filled > header.size() ? "the line has " + filled + " fields, the header " + header.size() : null;
            lines.add(new DropLine(line[0], value(r, columns, "key"), value(r, columns, "file"), value(r, columns, "line"),
                    value(r, columns, "decision"), value(r, columns, "url"), value(r, columns, "reason"), malformed));
        }
        if (lines.isEmpty()) {
            throw new UnreadableFileException(0, "the file has a header but no decisions");
        }
        return new ResolutionDrop(sha256, List.copyOf(lines), List.copyOf(unknown));
    }

    /** The next record, with {@code line[0]} set to the physical line it starts on (empty lines are records too). */
    private static CSVRecord next(CSVParser parser, Iterator<CSVRecord> records, long[] line) {
        line[0] = parser.getCurrentLineNumber() + 1;
        try {
            return records.hasNext() ? records.next() : null;
        } catch (UncheckedIOException | IllegalStateException e) {
            throw new UnreadableFileException(line[0], "the CSV cannot be read from the record starting on line " + line[0]
                    + " (a quote \" that is never closed?): " + e.getMessage(), e);
        }
    }

    private static String value(CSVRecord r, Map<String, Integer> columns, String name) {
        Integer i = columns.get(name);
        if (i == null || i >= r.size()) {
            return null;
        }
        String v = r.get(i).strip();
        return v.isEmpty() ? null : v;
    }

    private static boolean blank(CSVRecord r) {
        return r.stream().allMatch(String::isBlank);
    }

    /** Semicolon when the header line has more of them than commas (German Excel), else comma. */
    private static char delimiter(String text) {
        int end = text.indexOf('\n');
        String header = end < 0 ? text : text.substring(0, end);
        return header.chars().filter(ch -> ch == ';').count() > header.chars().filter(ch -> ch == ',').count() ? ';' : ',';
    }

    private static String utf8(byte[] bytes) {
        try {
            String text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
            return text.startsWith("\uFEFF") ? text.substring(1) : text;
        } catch (CharacterCodingException e) {
            throw new UnreadableFileException(0, "the file is not valid UTF-8; save it as UTF-8 (\"CSV UTF-8\" in Excel)", e);
        }
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available in this JVM", e);
        }
    }
}
