package dev.paylink.intake;

import java.io.FilterReader;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.commons.csv.CSVException;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * Reads CSV rows with commons-csv: the delimiter the sniffer detected, {@code "} quotes (doubled inside a quoted
 * field), quoted delimiters and line breaks, CRLF or LF. The first non-blank record is the header; its names match
 * {@link Column} case-insensitively. Every row carries the physical line where its record starts, which
 * commons-csv's line counter gives exactly because empty lines are delivered as (skipped) records rather than
 * swallowed. A record longer than {@value #MAX_RECORD_CHARS} characters is refused, so that a quote that is never
 * closed cannot pull the rest of a huge file into memory.
 */
final class CsvRowSource extends AbstractRowSource {

    static final int MAX_RECORD_CHARS = 1_000_000;
    private static final int MAX_NAMES_SHOWN = 20;

    private final LengthGuard guard;
    private final CSVParser parser;
    private final Iterator<CSVRecord> records;
    private final Column[] columns;
    private long recordLine;

    CsvRowSource(FileFacts facts, Reader reader) throws IOException {
        super(facts, reader);
        this.guard = new LengthGuard(reader);
        CSVFormat format = CSVFormat.DEFAULT.builder()
                .setDelimiter(facts.delimiter())
                .setQuote('"')
                .setIgnoreEmptyLines(false)
                .get();
        this.parser = format.parse(guard);
        this.records = parser.iterator();
        this.columns = readHeader();
    }

    private Column[] readHeader() {
        CSVRecord header;
        do {
            header = nextRecord();
            if (header == null) {
                throw new UnreadableFileException(0, "the file is empty");
            }
        } while (isBlank(header));
        long line = recordLine;
        Column[] result = new Column[header.size()];
        Map<Column, Integer> seen = new EnumMap<>(Column.class);
        List<String> names = new ArrayList<>();
        for (int i = 0; i < header.size(); i++) {
            String name = header.get(i);
            if (name.isBlank()) {
                continue;
            }
            names.add(Texts.printable(name.strip()));
            Optional<Column> column = Column.of(name);
            if (column.isEmpty()) {
                unknownColumn(name);
                continue;
            }
            Integer before = seen.put(column.get(), i);
            if (before != null) {
                throw new UnreadableFileException(line, "the header has two " + column.get().header()
                        + " columns (columns " + (before + 1) + " and " + (i + 1) + ")");
            }
            result[i] = column.get();
        }
        if (!seen.containsKey(Column.TRANSACTIONID) && !seen.containsKey(Column.PAYMENTLINKID)) {
            List<String> shown = names.size() > MAX_NAMES_SHOWN ? names.subList(0, MAX_NAMES_SHOWN) : names;
            throw new UnreadableFileException(line, "no transactionid or paymentLinkId column; found: "
                    + String.join(", ", shown) + (shown.size() < names.size() ? ", …" : ""));
        }
        return result;
    }

    @Override
    protected RowInput readNext() {
        while (true) {
            CSVRecord record = nextRecord();
            if (record == null) {
                return null;
            }
            if (!isBlank(record)) {
                return toRow(record, recordLine);
            }
        }
    }

    private RowInput toRow(CSVRecord record, long line) {
        int filled = lastFilledIndex(record) + 1;
        if (filled > columns.length) {
            return RowInput.unreadable(line, "expected " + columns.length + " fields as in the header, found "
                    + filled);
        }
        Map<Column, String> values = new EnumMap<>(Column.class);
        for (int i = 0; i < filled; i++) {
            String value = record.get(i);
            if (columns[i] != null && !value.isBlank()) {
                values.put(columns[i], value);
            }
        }
        return new RowInput(line, values, null);
    }

    /** The next record, with {@link #recordLine} set to the line where it starts; null at the end. */
    private CSVRecord nextRecord() {
        recordLine = parser.getCurrentLineNumber() + 1;
        guard.recordStarts();
        try {
            return records.hasNext() ? records.next() : null;
        } catch (UncheckedIOException | IllegalStateException e) {
            throw translate(e);
        }
    }

    private RuntimeException translate(RuntimeException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof RecordTooLongException) {
                return new UnreadableFileException(recordLine, "the record starting on line " + recordLine
                        + " is longer than " + MAX_RECORD_CHARS + " characters; most likely a quoted field is"
                        + " never closed (a \" without its closing \")", e);
            }
            if (t instanceof CSVException) {
                String message = String.valueOf(t.getMessage());
                if (message.contains("EOF reached before encapsulated token finished")) {
                    return new UnreadableFileException(recordLine, "a quoted field in the record starting on line "
                            + recordLine + " is never closed: a \" opens a value that runs to the end of the file", e);
                }
                if (message.contains("Invalid character between encapsulated token and delimiter")) {
                    return new UnreadableFileException(recordLine, "the record starting on line " + recordLine
                            + " has text after the closing \" of a quoted field (write a \" inside a quoted field"
                            + " as \"\")", e);
                }
                return new UnreadableFileException(recordLine, "the CSV cannot be read from the record starting"
                        + " on line " + recordLine + ": " + message, e);
            }
        }
        return e;
    }

    private static boolean isBlank(CSVRecord record) {
        return lastFilledIndex(record) < 0;
    }

    private static int lastFilledIndex(CSVRecord record) {
        for (int i = record.size() - 1; i >= 0; i--) {
            if (!record.get(i).isBlank()) {
                return i;
            }
        }
        return -1;
    }

    /** Raised by {@link LengthGuard} when one record grows beyond {@link #MAX_RECORD_CHARS}. */
    static final class RecordTooLongException extends IOException {
        RecordTooLongException() {
            super("record longer than " + MAX_RECORD_CHARS + " characters");
        }
    }

    /**
     * Counts the characters handed to commons-csv since the last record ended and fails the read past the limit.
     * commons-csv reads ahead at most a few KiB, so the count is a close upper bound of the record's length.
     */
    static final class LengthGuard extends FilterReader {
        private long read;
        private long recordStart;

        LengthGuard(Reader in) {
            super(in);
        }

        void recordStarts() {
            recordStart = read;
        }

        @Override
        public int read() throws IOException {
            int c = super.read();
            if (c >= 0) {
                count(1);
            }
            return c;
        }

        @Override
        public int read(char[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            if (n > 0) {
                count(n);
            }
            return n;
        }

        private void count(int n) throws IOException {
            read += n;
            if (read - recordStart > MAX_RECORD_CHARS) {
                throw new RecordTooLongException();
            }
        }
    }
}
