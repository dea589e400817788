package dev.paylink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.paylink.config.ConfigurationException;
import dev.paylink.support.PaylinkApp;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.camel.main.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A start refused for its configuration, run as {@code Application.main} runs Camel Main: one line per problem on
 * standard error, exit status 2, nothing created, in sandbox mode too.
 */
class ApplicationTest {

    @TempDir
    Path dir;

    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int start(Map<String, String> overrides) {
        Path data = dir.resolve("data");
        Main main = new Main(Application.class);
        PaylinkApp.testDefaults(data).forEach(main::addOverrideProperty);
        overrides.forEach(main::addOverrideProperty);
        return Application.run(main, new String[0], new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private List<String> errLines() {
        return err.toString(StandardCharsets.UTF_8).lines().toList();
    }

    @Test
    void aMisconfiguredSandboxExitsWithOneLinePerProblemAndCreatesNothing() {
        int status = start(Map.of("paylink.sandbox", "true", "paylink.intake.min-age", "soon", "paylink.onoffice.url", "htps//api.onoffice.de",
                "paylink.smartpay.auth", "token"));

        assertThat(status).isEqualTo(ConfigurationException.EXIT_STATUS).isEqualTo(2);
        assertThat(errLines()).containsExactly(
                "configuration: paylink.onoffice.url: 'htps//api.onoffice.de' is not an http or https URL (e.g. https://api.onoffice.de/api/stable/api.php)",
                "configuration: paylink.smartpay.auth: 'token' is not basic or oauth2",
                "configuration: paylink.intake.min-age: 'soon' is not a duration (e.g. 3s, 500ms, PT3S)");
        assertThat(dir.resolve("data")).doesNotExist();
    }

    @Test
    void aLedgerThatCannotBeReachedIsOneLineNamingItsKeyAndTheDriversReason() {
        int status = start(Map.of("paylink.sandbox", "true", "paylink.ledger.url", "jdbc:postgresql://127.0.0.1:1/test",
                "paylink.ledger.username", "postgres"));

        assertThat(status).isEqualTo(2);
        assertThat(errLines()).containsExactly("configuration: paylink.ledger.url: cannot open the ledger at jdbc:postgresql://127.0.0.1:1/test "
                + "as user 'postgres': Connection to 127.0.0.1:1 refused. Check that the hostname and port are correct and that the postmaster "
                + "is accepting TCP/IP connections.");
        assertThat(dir.resolve("data")).doesNotExist();
    }

    @Test
    void deliveryMailAndReportSettingsAreCheckedBeforeAnythingStarts() {
        int status = start(Map.of("paylink.sandbox", "true", "paylink.deliver.max-retry-after", "never", "paylink.report.delimiter", "|",
                "paylink.mail.host", "smtp.example.invalid", "paylink.mail.security", "none", "paylink.mail.username", "mailer"));

        assertThat(status).isEqualTo(2);
        assertThat(errLines()).containsExactlyInAnyOrder(
                "configuration: paylink.deliver.max-retry-after: 'never' is not a duration (e.g. 3s, 500ms, PT3S)",
                "configuration: paylink.report.delimiter: '|' is not , or ; (; with paylink.report.bom=true opens in German Excel)",
                "configuration: paylink.mail.security: 'none' would send the SMTP password in clear; use starttls or tls, "
                        + "or set paylink.mail.allow-plain-auth=true");
        assertThat(dir.resolve("data")).doesNotExist();
    }

    @Test
    void aNamedWebhookEndpointWithoutItsSecretStopsTheStartBeforeAnythingIsCreated() {
        int status = start(Map.of("paylink.sandbox", "true", "paylink.webhook.crm.url", "https://crm.example.invalid/hooks"));

        assertThat(status).isEqualTo(2);
        assertThat(errLines()).singleElement().asString().startsWith("configuration: ").contains("crm").contains("PAYLINK_WEBHOOK_CRM_SECRET");
        assertThat(dir.resolve("data")).doesNotExist();
    }
}
