package dev.paylink.intake;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.function.LongConsumer;

/**
 * Pass 1 of a file: reads and parses every row to the end, holding none of them, to prove the file readable before
 * anything of it is claimed or sent. What it keeps is one {@link RowPrints print} per chunk of rows (8 bytes per
 * chunk: 8 KB for a million rows at 1000 per chunk), which the second read checks each chunk against, and the SHA-256
 * of the bytes it read, which must be the one {@link FileSniffer} found (else the file changed between the two reads).
 */
public final class ReadCheck {

    /**
     * @param rows           rows read (valid or not)
     * @param unknownColumns as {@link RowSource#unknownColumns()}
     * @param prints         the print of each chunk of {@code chunk} rows, in order (the last one may be shorter)
     * @param sha256         of the bytes read, lower-case hex
     */
    public record Result(long rows, List<String> unknownColumns, long[] prints, int chunk, String sha256) {
    }

    private ReadCheck() {
    }

    /**
     * @param progress told the number of rows read now and then (every chunk)
     * @throws UnreadableFileException when the file cannot be read to its end
     */
    public static Result run(Path file, FileFacts facts, int chunk, LongConsumer progress) {
        MessageDigest sha256;
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available in this JVM", e);
        }
        long[] prints = new long[16];
        int chunks = 0;
        long rows = 0;
        RowPrints print = new RowPrints();
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), sha256)) {
            List<String> unknownColumns;
            // A reader may close its stream at the end of the JSON value: the rest is drained (and hashed) below.
            try (RowSource source = RowReaders.open(new FilterInputStream(in) {
                @Override
                public void close() {
                    // closed by the outer try
                }
            }, facts)) {
                while (source.hasNext()) {
                    print.add(source.next());
                    rows++;
                    if (print.rows() == chunk) {
                        prints = put(prints, chunks++, print.take());
                        progress.accept(rows);
                    }
                }
                unknownColumns = source.unknownColumns();
            }
            if (print.rows() > 0) {
                prints = put(prints, chunks++, print.take());
            }
            byte[] rest = new byte[8192];
            while (in.read(rest) >= 0) {
                // only hashed
            }
            return new Result(rows, unknownColumns, Arrays.copyOf(prints, chunks), chunk, HexFormat.of().formatHex(sha256.digest()));
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + file, e);
        }
    }

    private static long[] put(long[] prints, int index, long print) {
        long[] to = index < prints.length ? prints : Arrays.copyOf(prints, prints.length * 2);
        to[index] = print;
        return to;
    }
}
