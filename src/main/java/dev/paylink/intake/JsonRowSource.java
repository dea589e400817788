package dev.paylink.intake;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;

/**
 * Reads a JSON document, a top-level array of objects or one object, with Jackson's streaming parser, one object
 * at a time (never the whole document as a tree). Each object becomes a row by the rules of {@link JsonObjects};
 * an array element that is not an object becomes an unreadable row. Syntax errors, a top-level value that is
 * neither array nor object, and anything after the top-level value refuse the whole file, because after them the
 * parser cannot tell where the next row starts.
 */
final class JsonRowSource extends AbstractRowSource {

    static final JsonFactory FACTORY = new JsonFactory();

    private final JsonParser parser;
    private final boolean array;
    private boolean done;
    private long element;

    JsonRowSource(FileFacts facts, Reader reader) throws IOException {
        super(facts, reader);
        this.parser = FACTORY.createParser(reader);
        JsonToken first = advance();
        if (first == null) {
            throw new UnreadableFileException(0, "the file is empty");
        }
        if (first != JsonToken.START_ARRAY && first != JsonToken.START_OBJECT) {
            throw new UnreadableFileException(tokenLine(), "the JSON must be an array of objects or one object;"
                    + " found " + JsonObjects.describe(first) + " at line " + tokenLine());
        }
        this.array = first == JsonToken.START_ARRAY;
    }

    @Override
    protected RowInput readNext() {
        if (done) {
            return null;
        }
        try {
            if (!array) {
                done = true;
                RowInput row = JsonObjects.read(parser, tokenLine(), this::unknownColumn);
                expectEnd();
                return row;
            }
            JsonToken token = advance();
            if (token == JsonToken.END_ARRAY) {
                done = true;
                expectEnd();
                return null;
            }
            element++;
            long line = tokenLine();
            if (token == JsonToken.START_OBJECT) {
                return JsonObjects.read(parser, line, this::unknownColumn);
            }
            parser.skipChildren();
            return RowInput.unreadable(line, "element " + element + " of the array is "
                    + JsonObjects.describe(token) + ", not an object");
        } catch (JsonProcessingException e) {
            throw syntaxError(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void expectEnd() throws IOException {
        JsonToken after = advance();
        if (after != null) {
            JsonLocation at = parser.currentTokenLocation();
            throw new UnreadableFileException(at.getLineNr(), "unexpected content after the end of the JSON value"
                    + " at line " + at.getLineNr() + " column " + at.getColumnNr()
                    + " (a file holds one array or one object; for one object per line use NDJSON)");
        }
    }

    private JsonToken advance() throws IOException {
        try {
            return parser.nextToken();
        } catch (JsonProcessingException e) {
            throw syntaxError(e);
        }
    }

    private long tokenLine() {
        return parser.currentTokenLocation().getLineNr();
    }

    private UnreadableFileException syntaxError(JsonProcessingException e) {
        JsonLocation at = e.getLocation() != null ? e.getLocation() : parser.currentLocation();
        return new UnreadableFileException(at.getLineNr(), "JSON syntax error at line " + at.getLineNr()
                + " column " + at.getColumnNr() + ": " + e.getOriginalMessage(), e);
    }

    @Override
    public void close() throws IOException {
        try {
            parser.close();
        } finally {
            super.close();
        }
    }
}
