package dev.paylink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.paylink.support.JarProcess;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sandbox apart from production (issue 9): the production jar holds no simulator, no GreenMail and no demo file, and
 * refuses sandbox mode in one line; the sandbox jar holds exactly what src/sandbox/ builds to, finds the production jar and
 * GreenMail through its manifest, and runs a simulator on its own (bench/run.sh). That the sandbox jar runs the demo is
 * {@link PackagedJarIT}.
 */
class SandboxApartIT {

    private static final Path SANDBOX_SOURCES = Path.of("src", "sandbox", "java");

    @TempDir
    Path dir;

    @Test
    void theProductionJarHoldsNothingOfTheSandbox() throws IOException {
        List<String> entries = entries(JarProcess.JAR);
        assertThat(entries).as("the production jar's entries").isNotEmpty().contains("dev/paylink/Application.class")
                .noneMatch(e -> e.startsWith("dev/paylink/sandbox/"))
                .noneMatch(e -> e.startsWith("com/icegreen/") || e.startsWith("META-INF/maven/com.icegreen/") || e.equals("greenmail.p12"))
                .noneMatch(e -> e.startsWith("sandbox-examples/"))
                .doesNotContain("META-INF/services/dev.paylink.config.Sandbox");
    }

    @Test
    void theProductionJarRefusesSandboxModeInOneLine() throws Exception {
        Path log = dir.resolve("app.log");
        try (JarProcess app = JarProcess.start(JarProcess.JAR, log, Map.of(), List.of("-Dpaylink.sandbox=true"), dir)) {
            assertThat(app.awaitExit(Duration.ofSeconds(60))).isEqualTo(2);
            String output = app.output();
            assertThat(output.lines().filter(l -> l.startsWith("configuration: "))).containsExactly(
                    "configuration: paylink.sandbox: true, but this jar has no sandbox (the simulators ship in paylink-routes-sandbox.jar); "
                            + "set it to false");
            assertThat(output).doesNotContain("\tat ", "Exception", "SANDBOX MODE");
        }
        assertThat(dir.resolve("data")).as("nothing created: no folder, no ledger").doesNotExist();
    }

    @Test
    void theSandboxJarHoldsExactlyTheSandbox() throws IOException {
        List<String> entries = entries(JarProcess.SANDBOX_JAR);
        // Every class comes from a source under src/sandbox/java (none of the tests compiled beside it), and every source is there.
        Set<String> classSources = entries.stream().filter(e -> e.endsWith(".class")).map(e -> e.replaceAll("(\\$.*)?\\.class$", ".java"))
                .collect(Collectors.toCollection(TreeSet::new));
        Set<String> sources;
        try (Stream<Path> files = Files.walk(SANDBOX_SOURCES)) {
            sources = files.filter(f -> f.toString().endsWith(".java")).map(f -> SANDBOX_SOURCES.relativize(f).toString().replace('\\', '/'))
                    .collect(Collectors.toCollection(TreeSet::new));
        }
        assertThat(classSources).isEqualTo(sources);
        // Besides the classes: the ServiceLoader file the production code looks for, and the demo's input files.
        Set<String> examples;
        try (Stream<Path> files = Files.list(Path.of("examples"))) {
            examples = files.filter(Files::isRegularFile).map(f -> "sandbox-examples/" + f.getFileName())
                    .filter(n -> n.matches(".*\\.(csv|json|ndjson)")).collect(Collectors.toCollection(TreeSet::new));
        }
        assertThat(examples).isNotEmpty();
        Set<String> others = entries.stream().filter(e -> !e.endsWith(".class") && !e.endsWith("/")).collect(Collectors.toCollection(TreeSet::new));
        assertThat(others).containsExactlyElementsOf(concat(Set.of("META-INF/MANIFEST.MF", "META-INF/services/dev.paylink.config.Sandbox"), examples));
        try (JarFile jar = new JarFile(JarProcess.SANDBOX_JAR.toFile())) {
            Manifest manifest = jar.getManifest();
            assertThat(manifest.getMainAttributes().getValue("Main-Class")).isEqualTo("dev.paylink.sandbox.SandboxApplication");
            String classPath = manifest.getMainAttributes().getValue("Class-Path");
            assertThat(classPath).isEqualTo("paylink-routes.jar sandbox-lib/greenmail.jar");
            for (String beside : classPath.split(" ")) {
                assertThat(JarProcess.SANDBOX_JAR.resolveSibling(beside)).as("on the sandbox jar's class path").isRegularFile();
            }
        }
        assertThat(entries(JarProcess.SANDBOX_JAR.resolveSibling("sandbox-lib/greenmail.jar"))).contains("com/icegreen/greenmail/util/GreenMail.class");
    }

    @Test
    void aSimulatorRunsFromTheSandboxJarAlone() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        // As bench/run.sh starts it.
        try (JarProcess simulator = JarProcess.java(dir.resolve("simulator.log"), Map.of(),
                List.of("-cp", JarProcess.SANDBOX_JAR.toAbsolutePath().toString(), "dev.paylink.sandbox.OnOfficeSimulator", String.valueOf(port), "0"), dir)) {
            simulator.awaitLogged("onOffice sandbox simulator listening on http://127.0.0.1:" + port + "/", Duration.ofSeconds(60));
            assertThat(simulator.stop(Duration.ofSeconds(30))).as("stops on SIGTERM").isTrue();
            assertThat(simulator.output()).contains("onOffice sandbox stopping: 0 requests, 0 actions executed, 0 repeated executions");
        }
    }

    private static List<String> entries(Path jar) throws IOException {
        try (JarFile file = new JarFile(jar.toFile())) {
            return file.stream().map(ZipEntry::getName).toList();
        }
    }

    private static Set<String> concat(Set<String> a, Set<String> b) {
        Set<String> all = new TreeSet<>(a);
        all.addAll(b);
        return all;
    }
}
