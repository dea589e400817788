package dev.paylink.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the demo drops into the inbox: the input files at the top level of the examples folder, nothing else. */
class SandboxExamplesTest {

    /** The demo's files, as examples/ holds them (and the build ships them in the sandbox jar). */
    private static final List<String> EXAMPLES = List.of("links.json", "nachzahlungen-de.csv", "orders.csv", "seed-action.json", "tracking.csv");

    @TempDir
    Path dir;

    @Test
    void dropsOnlyTheInputFilesAtTheTopLevelOfTheFolder() throws Exception {
        Path examples = Files.createDirectories(dir.resolve("examples"));
        for (String name : List.of("orders.csv", "links.JSON", "feed.ndjson", "README.md", "notes.txt", ".hidden.csv", "route.camel.yaml")) {
            Files.writeString(examples.resolve(name), "transactionid;priceNet;description\n");
        }
        // An example output route beside the inputs (issue 9): it must never reach the inbox.
        Path outputs = Files.createDirectories(examples.resolve("outputs"));
        Files.writeString(outputs.resolve("to-s3.camel.yaml"), "- route: {}\n");
        Files.writeString(outputs.resolve("nested.csv"), "transactionid;priceNet;description\n");
        Files.createDirectories(examples.resolve("folder.csv"));
        Path inbox = Files.createDirectories(dir.resolve("inbox"));

        assertThat(SandboxExamples.drop(examples, inbox)).containsExactly("feed.ndjson", "links.JSON", "orders.csv");
        assertThat(inboxNames(inbox)).containsExactly("feed.ndjson", "links.JSON", "orders.csv");
    }

    @Test
    void dropsTheRepositorysExamples() throws Exception {
        Path inbox = Files.createDirectories(dir.resolve("inbox"));

        assertThat(SandboxExamples.drop(Path.of("examples"), inbox)).containsExactlyElementsOf(EXAMPLES);
        assertThat(inboxNames(inbox)).containsExactlyElementsOf(EXAMPLES);
    }

    @Test
    void withoutTheFolderDropsTheCopiesShippedBesideTheClasses() throws Exception {
        Path inbox = Files.createDirectories(dir.resolve("inbox"));

        assertThat(SandboxExamples.drop(dir.resolve("no-such-folder"), inbox)).containsExactlyElementsOf(EXAMPLES);
        assertThat(inboxNames(inbox)).containsExactlyElementsOf(EXAMPLES);
        assertThat(Files.readString(inbox.resolve("orders.csv"))).isEqualTo(Files.readString(Path.of("examples", "orders.csv")));
    }

    @Test
    void anEmptySettingDropsNothing() throws Exception {
        Path inbox = Files.createDirectories(dir.resolve("inbox"));

        assertThat(SandboxExamples.drop(null, inbox)).isEmpty();
        assertThat(inboxNames(inbox)).isEmpty();
    }

    private static List<String> inboxNames(Path inbox) throws Exception {
        try (Stream<Path> files = Files.list(inbox)) {
            return files.map(f -> f.getFileName().toString()).sorted().toList();
        }
    }
}
