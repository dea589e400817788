package dev.paylink.delivery;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The dead letters in a folder: the finished {@code .json} files, not the hidden ones still being written. */
final class DeliveryFlowLetters {

    private DeliveryFlowLetters() {
    }

    static List<Path> all(Path folder) throws IOException {
        try (var files = Files.list(folder)) {
            return files.filter(f -> !f.getFileName().toString().startsWith(".") && f.getFileName().toString().endsWith(".json")).sorted().toList();
        }
    }

    static long count(Path folder) throws IOException {
        return all(folder).size();
    }

    static Path only(Path folder) throws IOException {
        List<Path> letters = all(folder);
        if (letters.size() != 1) {
            throw new AssertionError("expected one dead letter in " + folder + ", found " + letters);
        }
        return letters.get(0);
    }
}
