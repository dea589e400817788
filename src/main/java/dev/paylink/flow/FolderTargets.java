package dev.paylink.flow;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Picks a name in a folder that is not taken, so that moving a file there never overwrites another. */
final class FolderTargets {

    private FolderTargets() {
    }

    /** {@code folder/name}, or {@code folder/base.2.ext}, {@code .3} ... when taken. Creates the folder. */
    static Path free(Path folder, String name) throws IOException {
        Files.createDirectories(folder);
        int dot = name.lastIndexOf('.');
        String base = dot > 0 ? name.substring(0, dot) : name;
        String ext = dot > 0 ? name.substring(dot) : "";
        return folder.resolve(freeStem(folder, base, ext, ext + ".error.txt") + ext);
    }

    /**
     * {@code stem}, or {@code stem.2}, {@code stem.3} ...: the first for which no {@code folder/<stem><suffix>} exists, for
     * any of the suffixes (a report set such as {@code .results.csv} and {@code .summary.json} takes one stem together).
     */
    static String freeStem(Path folder, String stem, String... suffixes) {
        String candidate = stem;
        for (int n = 2; taken(folder, candidate, suffixes); n++) {
            candidate = stem + "." + n;
        }
        return candidate;
    }

    private static boolean taken(Path folder, String stem, String... suffixes) {
        for (String suffix : suffixes) {
            if (Files.exists(folder.resolve(stem + suffix))) {
                return true;
            }
        }
        return false;
    }

    /** The name without its last extension: {@code orders.csv} → {@code orders}. */
    static String baseName(String name) {
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(0, dot) : name;
    }
}
