package dev.paylink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.paylink.support.JarProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * The class data sharing archives mvn package makes (pom.xml, exec-maven-plugin "cds-archive"): the JVM maps each jar's
 * classes from its archive when started as the README says, {@code java -XX:SharedArchiveFile=target/<jar>.jsa -jar target/<jar>.jar}.
 * A JVM that cannot use an archive (another JDK, other jars) starts without it and says nothing, so only the class loading
 * log shows whether it was used. The jars are started misconfigured: they exit at once, after the main class has loaded.
 */
class ClassDataSharingIT {

    @TempDir
    Path dir;

    @ParameterizedTest
    @CsvSource({"paylink-routes.jar, dev.paylink.Application", "paylink-routes-sandbox.jar, dev.paylink.sandbox.SandboxApplication"})
    void theJarsClassesComeFromItsArchive(String jar, String mainClass) throws Exception {
        Path path = Path.of("target", jar);
        assertThat(JarProcess.archive(path)).isRegularFile();
        Path classes = dir.resolve("classes.txt");
        try (JarProcess app = JarProcess.start(path, dir.resolve("app.log"), Map.of("PAYLINK_INTAKE_MIN_AGE", "soon"),
                List.of("-Xlog:class+load=info:file=" + classes), dir)) {
            assertThat(app.awaitExit(Duration.ofSeconds(60))).isEqualTo(2);
        }
        List<String> loaded = Files.readAllLines(classes);
        assertThat(loaded).anyMatch(l -> l.contains(" " + mainClass + " source: shared objects file (top)"));
        // Camel's classes too: the archive holds the start, not only our own classes.
        assertThat(loaded).anyMatch(l -> l.contains(" org.apache.camel.main.Main source: shared objects file (top)"));
    }
}
