package dev.paylink.sandbox;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The demo's example files, dropped into the inbox when sandbox mode starts: from the folder
 * {@code paylink.sandbox.examples} when it exists, otherwise the copies shipped in the sandbox jar (the pom puts the data
 * files of {@code examples/} there as {@value #SHIPPED}), so a jar started outside the repository still has its demo. Only
 * the input files at the top level of the folder are dropped ({@code *.csv}, {@code *.json}, {@code *.ndjson}): not a
 * subfolder, nor anything else kept beside them (an example route, a README).
 */
public final class SandboxExamples {

    /** Where the build puts {@code examples/} on the class path. */
    public static final String SHIPPED = "sandbox-examples";

    /** The endings of the files that are dropped (case-insensitive). */
    static final List<String> INPUT_ENDINGS = List.of(".csv", ".json", ".ndjson");

    private static final Logger LOG = LoggerFactory.getLogger(SandboxExamples.class);

    private SandboxExamples() {
    }

    /**
     * Drops the example files into the inbox, each under a temporary name first, like any careful producer, and says in
     * one line where they came from (or where it looked).
     *
     * @param folder the configured folder, or null when none are wanted
     * @return the names dropped
     */
    public static List<String> drop(Path folder, Path inbox) throws IOException {
        if (folder == null) {
            LOG.info("SANDBOX MODE: no example files dropped (paylink.sandbox.examples is empty)");
            return List.of();
        }
        Path wanted = folder.toAbsolutePath().normalize();
        if (Files.isDirectory(wanted)) {
            List<String> names = copyAll(wanted, inbox);
            LOG.info("SANDBOX MODE: dropped {} from {} into {}: {}", count(names), wanted, inbox, String.join(", ", names));
            return names;
        }
        Path code = codeLocation();
        List<String> names;
        if (Files.isDirectory(code)) {
            names = copyAll(code.resolve(SHIPPED), inbox);
        } else {
            try (FileSystem jar = FileSystems.newFileSystem(code)) {
                names = copyAll(jar.getPath(SHIPPED), inbox);
            }
        }
        if (names.isEmpty()) {
            LOG.warn("SANDBOX MODE: no example files dropped: there is no folder {} (paylink.sandbox.examples), and {} has none under {}/",
                    wanted, code, SHIPPED);
        } else {
            LOG.info("SANDBOX MODE: no folder {} (paylink.sandbox.examples), so dropped the {} shipped in {} into {}: {}",
                    wanted, count(names), code, inbox, String.join(", ", names));
        }
        return names;
    }

    private static String count(List<String> names) {
        return names.size() == 1 ? "1 example file" : names.size() + " example files";
    }

    private static List<String> copyAll(Path from, Path inbox) throws IOException {
        if (!Files.isDirectory(from)) {
            return List.of();
        }
        List<String> names = new ArrayList<>();
        try (Stream<Path> files = Files.list(from)) {
            for (Path f : files.filter(Files::isRegularFile).filter(SandboxExamples::isInput).sorted().toList()) {
                String name = f.getFileName().toString();
                Path tmp = inbox.resolve("." + name + ".tmp");
                Files.copy(f, tmp, StandardCopyOption.REPLACE_EXISTING);
                Files.move(tmp, inbox.resolve(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                names.add(name);
            }
        }
        return names;
    }

    private static boolean isInput(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        return !name.startsWith(".") && INPUT_ENDINGS.stream().anyMatch(name::endsWith);
    }

    /** The jar this class was loaded from, or the classes folder of a build. */
    private static Path codeLocation() throws IOException {
        try {
            return Path.of(SandboxExamples.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException | RuntimeException e) {
            throw new IOException("cannot tell where the application's classes are loaded from", e);
        }
    }
}
