package dev.paylink.intake;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Locale;

/**
 * Finds out, in one streaming pass over a dropped file's bytes (64 KiB buffer, constant memory), everything that
 * must be known before any row is read: the SHA-256 and size (the identity of a file run), the charset (byte order
 * mark, else the configured charset when every byte is valid in it, else the configured fallback), the format
 * (CSV, JSON or NDJSON, from the content and never from the file name) and the CSV delimiter. It refuses, with an
 * {@link UnreadableFileException} a person can act on, files that are empty, binary (NUL bytes: an Excel workbook,
 * a PDF) or not valid in the configured charset when no fallback is configured.
 *
 * <p>The bytes are decoded while they are hashed, so the format is detected on characters. After the first byte
 * that is invalid in the configured charset, decoding goes on with the fallback charset (or, to find NUL bytes,
 * with the configured charset replacing bad input); the structural characters the detection looks at are ASCII,
 * which the charsets in question (UTF-8, windows-1252, ISO-8859-x) decode identically.
 */
public final class FileSniffer {

    static final int BUFFER_SIZE = 64 * 1024;

    private FileSniffer() {
    }

    public static FileFacts sniff(Path file, IntakeSettings s) {
        try (InputStream in = Files.newInputStream(file)) {
            return new Pass(s).run(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /** The state of one pass. */
    private static final class Pass {
        private final IntakeSettings settings;
        private final MessageDigest sha256;
        private final FormatDetector detector = new FormatDetector();

        private long size;
        private boolean sawNul;
        private byte[] firstBytes = new byte[0];

        private Charset charset;
        private String charsetNote;
        private boolean fromBom;
        private CharsetDecoder decoder;
        /** Line (1-based) of the first byte invalid in the charset, or 0. */
        private long invalidLine;
        private long invalidOffset;
        private long lines = 1;

        Pass(IntakeSettings settings) {
            this.settings = settings;
            try {
                this.sha256 = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("SHA-256 is not available in this JVM", e);
            }
        }

        FileFacts run(InputStream in) throws IOException {
            byte[] buf = new byte[BUFFER_SIZE];
            ByteBuffer bytes = ByteBuffer.allocate(BUFFER_SIZE + 16);
            CharBuffer chars = CharBuffer.allocate(BUFFER_SIZE);
            long consumedBefore = 0; // bytes handed to the decoder before the current contents of 'bytes'
            boolean first = true;
            int n;
            while ((n = in.readNBytes(buf, 0, buf.length)) > 0) {
                sha256.update(buf, 0, n);
                size += n;
                for (int i = 0; i < n && !sawNul; i++) {
                    sawNul = buf[i] == 0;
                }
                int start = 0;
                if (first) {
                    first = false;
                    firstBytes = Arrays.copyOf(buf, Math.min(n, 8));
                    start = chooseCharset(buf, n);
                    consumedBefore = start;
                }
                bytes.put(buf, start, n - start);
                bytes.flip();
                consumedBefore = decode(bytes, chars, false, consumedBefore);
                bytes.compact();
            }
            if (decoder == null) {
                chooseCharset(buf, 0);
            }
            bytes.flip();
            decode(bytes, chars, true, consumedBefore);
            flush(chars);
            return finish();
        }

        /** Sets the charset from the BOM or the settings; returns the BOM length to skip. */
        private int chooseCharset(byte[] b, int n) {
            int bom = 0;
            if (n >= 3 && (b[0] & 0xFF) == 0xEF && (b[1] & 0xFF) == 0xBB && (b[2] & 0xFF) == 0xBF) {
                charset = StandardCharsets.UTF_8;
                bom = 3;
            } else if (n >= 2 && (b[0] & 0xFF) == 0xFF && (b[1] & 0xFF) == 0xFE) {
                charset = StandardCharsets.UTF_16LE;
                bom = 2;
            } else if (n >= 2 && (b[0] & 0xFF) == 0xFE && (b[1] & 0xFF) == 0xFF) {
                charset = StandardCharsets.UTF_16BE;
                bom = 2;
            } else {
                charset = settings.charset();
                charsetNote = charset.name() + ", as configured";
            }
            if (bom > 0) {
                fromBom = true;
                charsetNote = charset.name() + " BOM";
            }
            decoder = charset.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT);
            return bom;
        }

        /** Decodes what it can; returns the number of bytes consumed so far (for offsets in messages). */
        private long decode(ByteBuffer bytes, CharBuffer chars, boolean endOfInput, long consumedBefore) {
            while (true) {
                int before = bytes.position();
                CoderResult r = decoder.decode(bytes, chars, endOfInput);
                consumedBefore += bytes.position() - before;
                if (r.isOverflow()) {
                    flush(chars);
                } else if (r.isError()) {
                    flush(chars);
                    onInvalid(consumedBefore);
                    // the replacing decoder takes the bad bytes from here on
                } else {
                    return consumedBefore;
                }
            }
        }

        private void onInvalid(long offset) {
            if (invalidLine == 0) {
                invalidLine = lines;
                invalidOffset = offset;
            }
            Charset next = fromBom || settings.fallbackCharset() == null ? charset : settings.fallbackCharset();
            decoder = next.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPLACE)
                    .onUnmappableCharacter(CodingErrorAction.REPLACE);
        }

        private void flush(CharBuffer chars) {
            chars.flip();
            while (chars.hasRemaining()) {
                char c = chars.get();
                if (c == '\n') {
                    lines++;
                }
                detector.accept(c);
            }
            chars.clear();
        }

        private FileFacts finish() {
            String sha = HexFormat.of().formatHex(sha256.digest());
            if (!detector.sawContent() && !sawNul) {
                throw new UnreadableFileException(0, "the file is empty");
            }
            if (sawNul && !isUtf16or32(charset)) {
                throw new UnreadableFileException(0, binaryMessage());
            }
            if (invalidLine > 0) {
                String where = " at line " + invalidLine + "; the first invalid byte is at byte offset "
                        + invalidOffset + ". ";
                if (fromBom) {
                    throw new UnreadableFileException(invalidLine, "not valid " + charset.name() + where
                            + "The file starts with a " + charset.name() + " byte order mark, so no other charset"
                            + " is tried: save the file again as " + charset.name());
                }
                Charset fallback = settings.fallbackCharset();
                if (fallback == null) {
                    throw new UnreadableFileException(invalidLine, "not valid " + charset.name() + where
                            + "Save the file as " + charset.name()
                            + ", or configure the intake fallback charset (e.g. windows-1252)");
                }
                charsetNote = "not valid " + charset.name() + ", read as " + fallback.name();
                charset = fallback;
            }
            FileFacts.Format format = detector.format();
            char delimiter = format == FileFacts.Format.CSV ? detector.delimiter() : 0;
            return new FileFacts(sha, size, format, charset, charsetNote, delimiter);
        }

        private String binaryMessage() {
            String start = new String(firstBytes, StandardCharsets.ISO_8859_1);
            String what;
            if (start.startsWith("PK")) {
                what = "it starts like a ZIP archive, e.g. an Excel workbook (.xlsx): open it in Excel and save it"
                        + " as \"CSV UTF-8 (comma delimited)\", then drop the .csv file";
            } else if (start.startsWith("%PDF")) {
                what = "it is a PDF document; export the data as CSV or JSON";
            } else if ((firstBytes.length >= 4 && (firstBytes[0] & 0xFF) == 0xD0 && (firstBytes[1] & 0xFF) == 0xCF)) {
                what = "it looks like an old Excel workbook (.xls): save it as CSV and drop the .csv file";
            } else {
                what = "it contains NUL bytes; text exported as UTF-16 needs a byte order mark, anything else must be"
                        + " saved as CSV or JSON";
            }
            return "not a text file (binary content; " + what + ")";
        }

        private static boolean isUtf16or32(Charset c) {
            String name = c.name().toUpperCase(Locale.ROOT);
            return name.startsWith("UTF-16") || name.startsWith("UTF-32");
        }
    }

    /**
     * Decides the format and CSV delimiter from the decoded characters, character by character, keeping only
     * a few counters (constant memory however long the lines are).
     */
    static final class FormatDetector {
        private enum State { LEADING, FIRST_JSON_LINE, AFTER_FIRST_JSON_LINE, CSV_HEADER, DONE }

        private State state = State.LEADING;
        private FileFacts.Format format = FileFacts.Format.CSV;
        private boolean content;
        private char lastNonBlank;
        private boolean inQuotes;
        private int leadingTabs;
        private int commas;
        private int semicolons;
        private int tabs;

        void accept(char c) {
            boolean blank = isBlank(c);
            if (!blank) {
                content = true;
            }
            switch (state) {
                case LEADING -> {
                    if (c == '\n' || c == '\r') {
                        leadingTabs = 0;
                    } else if (c == '\t') {
                        leadingTabs++;
                    } else if (!blank) {
                        if (c == '[') {
                            format = FileFacts.Format.JSON;
                            state = State.DONE;
                        } else if (c == '{') {
                            format = FileFacts.Format.JSON;
                            lastNonBlank = c;
                            state = State.FIRST_JSON_LINE;
                        } else {
                            format = FileFacts.Format.CSV;
                            tabs = leadingTabs;
                            state = State.CSV_HEADER;
                            csvChar(c);
                        }
                    }
                }
                case FIRST_JSON_LINE -> {
                    if (c == '\n' || c == '\r') {
                        state = lastNonBlank == '}' ? State.AFTER_FIRST_JSON_LINE : State.DONE;
                    } else if (!blank) {
                        lastNonBlank = c;
                    }
                }
                case AFTER_FIRST_JSON_LINE -> {
                    if (!blank) {
                        format = FileFacts.Format.NDJSON;
                        state = State.DONE;
                    }
                }
                case CSV_HEADER -> csvChar(c);
                case DONE -> {
                    // nothing more to learn
                }
            }
        }

        private void csvChar(char c) {
            if (c == '"') {
                inQuotes = !inQuotes;
            } else if (!inQuotes) {
                switch (c) {
                    case ',' -> commas++;
                    case ';' -> semicolons++;
                    case '\t' -> tabs++;
                    case '\n', '\r' -> state = State.DONE;
                    default -> {
                    }
                }
            }
        }

        boolean sawContent() {
            return content;
        }

        FileFacts.Format format() {
            return format;
        }

        /** The separator seen most often outside quotes in the header line; ties go to ',' then ';'. */
        char delimiter() {
            if (commas >= semicolons && commas >= tabs) {
                return ',';
            }
            return semicolons >= tabs ? ';' : '\t';
        }

        static boolean isBlank(char c) {
            return Character.isWhitespace(c) || c == '\uFEFF' || c == '\u00A0';
        }
    }
}
