package dev.paylink.intake;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;

/**
 * Reads NDJSON: one JSON object per line, blank lines skipped, each line parsed on its own by Jackson with the
 * rules of {@link JsonObjects}. A line that is not valid JSON, not an object, or has content after its object is
 * an unreadable row and reading goes on with the next line, so one bad line never refuses the file. A line longer
 * than {@value #MAX_LINE_CHARS} characters is reported without being held in memory.
 */
final class NdjsonRowSource extends AbstractRowSource {

    static final int MAX_LINE_CHARS = 1_000_000;

    private final Reader reader;
    private final char[] buffer = new char[8192];
    private int position;
    private int limit;
    private boolean eof;
    private long lineNumber;
    private final StringBuilder line = new StringBuilder();
    private boolean lineTooLong;

    NdjsonRowSource(FileFacts facts, Reader reader) {
        super(facts, reader);
        this.reader = reader;
    }

    @Override
    protected RowInput readNext() {
        try {
            while (readLine()) {
                if (lineTooLong) {
                    return RowInput.unreadable(lineNumber, "the line is longer than " + MAX_LINE_CHARS
                            + " characters");
                }
                if (!line.toString().isBlank()) {
                    return parse(line.toString(), lineNumber);
                }
            }
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private RowInput parse(String text, long number) throws IOException {
        try (JsonParser p = JsonRowSource.FACTORY.createParser(text)) {
            JsonToken first = p.nextToken();
            if (first != JsonToken.START_OBJECT) {
                return RowInput.unreadable(number, "the line is " + JsonObjects.describe(first)
                        + ", not a JSON object");
            }
            RowInput row = JsonObjects.read(p, number, this::unknownColumn);
            JsonToken after = p.nextToken();
            if (after != null) {
                return RowInput.unreadable(number, "unexpected content after the object at column "
                        + p.currentTokenLocation().getColumnNr() + " (one object per line)");
            }
            return row;
        } catch (JsonProcessingException e) {
            int column = e.getLocation() == null ? 0 : e.getLocation().getColumnNr();
            return RowInput.unreadable(number, "not valid JSON at column " + column + ": " + e.getOriginalMessage());
        }
    }

    /** Reads the next physical line into {@link #line} (without its terminator); false at the end of the file. */
    private boolean readLine() throws IOException {
        line.setLength(0);
        lineTooLong = false;
        boolean any = false;
        while (true) {
            if (position == limit) {
                if (eof || !fill()) {
                    if (any) {
                        lineNumber++;
                    }
                    return any;
                }
            }
            any = true;
            char c = buffer[position++];
            if (c == '\n') {
                lineNumber++;
                int last = line.length() - 1;
                if (last >= 0 && line.charAt(last) == '\r') {
                    line.setLength(last);
                }
                return true;
            }
            if (line.length() < MAX_LINE_CHARS) {
                line.append(c);
            } else {
                lineTooLong = true;
            }
        }
    }

    private boolean fill() throws IOException {
        int n = reader.read(buffer, 0, buffer.length);
        if (n <= 0) {
            eof = true;
            return false;
        }
        position = 0;
        limit = n;
        return true;
    }
}
