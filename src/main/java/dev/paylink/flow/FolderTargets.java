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
        Path target = folder.resolve(name);
        int dot = name.lastIndexOf('.');
        String base = dot > 0 ? name.substring(0, dot) : name;
        String ext = dot > 0 ? name.substring(dot) : "";
        for (int n = 2; Files.exists(target) || Files.exists(target.resolveSibling(target.getFileName() + ".error.txt")); n++) {
            target = folder.resolve(base + "." + n + ext);
        }
        return target;
    }

    /** The name without its last extension: {@code orders.csv} → {@code orders}. */
    static String baseName(String name) {
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(0, dot) : name;
    }
}
