package dev.paylink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.paylink.support.JarProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sandbox jar (production jar + simulators), misconfigured as an operator would (a -D option, an environment variable), in sandbox mode: it
 * prints one line per problem, no stack trace, creates nothing, and exits with status 2 at once instead of hanging on
 * the threads of simulators it would otherwise have started.
 */
class ConfigurationErrorIT {

    @TempDir
    Path dir;

    @Test
    void aMisconfiguredJarExitsWithStatus2AndOneLinePerProblem() throws Exception {
        Path log = dir.resolve("app.log");
        try (JarProcess app = JarProcess.start(JarProcess.SANDBOX_JAR, log, Map.of("PAYLINK_INTAKE_MIN_AGE", "soon"),
                List.of("-Dpaylink.sandbox=true", "-Dpaylink.smartpay.auth=token", "-Dpaylink.ledger.url=jdbc:h2:file:./ledger"), dir)) {
            assertThat(app.awaitExit(Duration.ofSeconds(60))).isEqualTo(2);
            String output = app.output();
            assertThat(output.lines().filter(l -> l.startsWith("configuration: "))).containsExactly(
                    "configuration: paylink.smartpay.auth: 'token' is not basic or oauth2",
                    "configuration: paylink.ledger.url: 'jdbc:h2:file:./ledger' is refused: an H2 file ledger needs WRITE_DELAY=0 in its URL "
                            + "(append ;WRITE_DELAY=0); otherwise a kill loses the last half second of commits and rows would be sent twice",
                    "configuration: paylink.intake.min-age: 'soon' is not a duration (e.g. 3s, 500ms, PT3S)");
            assertThat(output).doesNotContain("\tat ", "Exception", "SIGTERM");
            // The only lines besides the problems are Camel Main's two start lines.
            assertThat(output.lines().filter(l -> !l.startsWith("configuration: "))).hasSizeLessThanOrEqualTo(2);
        }
        assertThat(dir.resolve("data")).doesNotExist();
        assertThat(dir.resolve("ledger.mv.db")).doesNotExist();
    }
}
