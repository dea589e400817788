package dev.paylink.intake;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PushbackReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Opens a streaming {@link RowSource} for a file whose {@link FileFacts} {@link FileSniffer} found: decoded with
 * the detected charset, a byte order mark skipped, then read as CSV (commons-csv), JSON (Jackson's streaming
 * parser) or NDJSON (line by line with Jackson). No reader ever holds more than the row it is on, so a file of a
 * million rows needs no more memory than a file of ten.
 */
public final class RowReaders {

    private RowReaders() {
    }

    /**
     * @throws UnreadableFileException when the start of the file already shows it cannot be read
     *                                 (e.g. a CSV header without a transactionid or paymentLinkId column)
     */
    public static RowSource open(Path file, FileFacts facts) {
        InputStream in;
        try {
            in = Files.newInputStream(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        return open(in, facts);
    }

    /** As {@link #open(Path, FileFacts)}, on a stream of the file's bytes (closed with the source, or here if opening fails). */
    public static RowSource open(InputStream in, FileFacts facts) {
        try {
            Reader reader = skipBom(new InputStreamReader(in, facts.charset()));
            return switch (facts.format()) {
                case CSV -> new CsvRowSource(facts, reader);
                case JSON -> new JsonRowSource(facts, reader);
                case NDJSON -> new NdjsonRowSource(facts, reader);
            };
        } catch (IOException e) {
            closeQuietly(in);
            throw new UncheckedIOException("cannot read the file", e);
        } catch (RuntimeException e) {
            closeQuietly(in);
            throw e;
        }
    }

    /** Drops a leading U+FEFF (the byte order mark as decoded), so no reader ever sees it. */
    static Reader skipBom(Reader reader) throws IOException {
        PushbackReader pushback = new PushbackReader(reader, 1);
        int first = pushback.read();
        if (first != -1 && first != '\uFEFF') {
            pushback.unread(first);
        }
        return pushback;
    }

    private static void closeQuietly(InputStream in) {
        if (in != null) {
            try {
                in.close();
            } catch (IOException ignored) {
                // the original problem matters more
            }
        }
    }
}
