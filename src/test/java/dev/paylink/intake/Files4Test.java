package dev.paylink.intake;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Writes test files and reads them back through the sniffer and the readers. */
final class Files4Test {

    private Files4Test() {
    }

    static Path write(Path dir, String name, String text) {
        return write(dir, name, text.getBytes(StandardCharsets.UTF_8));
    }

    static Path write(Path dir, String name, String text, Charset charset) {
        return write(dir, name, text.getBytes(charset));
    }

    static Path write(Path dir, String name, byte[] bytes) {
        try {
            return Files.write(dir.resolve(name), bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] all = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, all, at, p.length);
            at += p.length;
        }
        return all;
    }

    /** What reading a file gave: its rows and unknown columns. */
    record Read(FileFacts facts, List<RowInput> rows, List<String> unknown) {
        RowInput row(int index) {
            return rows.get(index);
        }
    }

    static Read read(Path file) {
        return read(file, IntakeSettings.defaults());
    }

    static Read read(Path file, IntakeSettings settings) {
        FileFacts facts = FileSniffer.sniff(file, settings);
        try (RowSource source = RowReaders.open(file, facts)) {
            List<RowInput> rows = new ArrayList<>();
            source.forEachRemaining(rows::add);
            return new Read(facts, rows, source.unknownColumns());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
