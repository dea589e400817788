package dev.paylink.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.paylink.smartpay.SmartPaySettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every kind of misconfiguration, read as the app reads it (application.properties with its placeholders, then the
 * overrides), is one line naming the key, the value and what was expected; all of them at once.
 */
class PaylinkSettingsTest {

    @TempDir
    Path dir;

    private CamelContext camel;

    @BeforeEach
    void camel() {
        camel = new DefaultCamelContext();
        camel.getPropertiesComponent().setLocation("classpath:application.properties");
    }

    @AfterEach
    void close() throws Exception {
        camel.close();
    }

    /** The shipped defaults, the data folder under the test's directory, and {@code overrides}. */
    private PaylinkSettings bind(Map<String, String> overrides) {
        Properties p = new Properties();
        p.setProperty("paylink.data", dir.resolve("data").toString());
        p.putAll(overrides);
        camel.getPropertiesComponent().setOverrideProperties(p);
        return PaylinkSettings.bind(camel.getPropertiesComponent());
    }

    private List<String> problems(Map<String, String> overrides) {
        ConfigurationException e = catchThrowableOfType(ConfigurationException.class, () -> bind(overrides));
        assertThat(e).as("refused").isNotNull();
        return e.lines();
    }

    private static Map<String, String> sandbox(String... keysAndValues) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("paylink.sandbox", "true");
        for (int i = 0; i < keysAndValues.length; i += 2) {
            m.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return m;
    }

    @Test
    void theShippedDefaultsAreValidAndNothingIsCreatedByReadingThem() {
        PaylinkSettings s = bind(sandbox());

        assertThat(s.folders().inbox()).isEqualTo(dir.resolve("data").resolve("inbox"));
        assertThat(s.intake().minAge()).isEqualTo(Duration.ofSeconds(3));
        assertThat(s.intake().ownership().lease()).isEqualTo(Duration.ofSeconds(30));
        assertThat(s.intake().ownership().heartbeat()).isEqualTo(Duration.ofSeconds(10));
        assertThat(s.intake().ownership().instanceId()).as("host name and process id").endsWith("-" + ProcessHandle.current().pid());
        assertThat(s.onOffice().batchSize()).isEqualTo(25);
        assertThat(s.smartPay().enabled()).isNull();
        assertThat(s.delivery().routes().get("payment.status_changed")).containsExactly("file", "webhook");
        assertThat(dir.resolve("data")).doesNotExist();
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', textBlock = """
            paylink.intake.min-age              | soon             | configuration: paylink.intake.min-age: 'soon' is not a duration (e.g. 3s, 500ms, PT3S)
            paylink.intake.poll-delay           | 0s               | configuration: paylink.intake.poll-delay: '0s' is not longer than 0
            paylink.intake.retry-backoff        | 30               | configuration: paylink.intake.retry-backoff: '30' is not a duration (e.g. 3s, 500ms, PT3S)
            paylink.onoffice.batch-size         | 0                | configuration: paylink.onoffice.batch-size: '0' is less than 1
            paylink.onoffice.concurrency        | two              | configuration: paylink.onoffice.concurrency: 'two' is not a whole number of 1 or more
            paylink.mail.port                   | 70000            | configuration: paylink.mail.port: '70000' is more than 65535
            paylink.intake.max-description-length | 5000           | configuration: paylink.intake.max-description-length: '5000' is more than 1000
            paylink.intake.send-mail-default    | yes              | configuration: paylink.intake.send-mail-default: 'yes' is not true or false
            paylink.intake.max-price-net        | 10.000,00        | configuration: paylink.intake.max-price-net: '10.000,00' is not a decimal number (e.g. 10000.00)
            paylink.onoffice.url                | htps//api.onoffice.de/x | configuration: paylink.onoffice.url: 'htps//api.onoffice.de/x' is not an http or https URL (e.g. https://api.onoffice.de/api/stable/api.php)
            paylink.onoffice.url                | https://api onoffice.de | configuration: paylink.onoffice.url: 'https://api onoffice.de' is not a URL: illegal character (a space) at character 12 (e.g. https://api.onoffice.de/api/stable/api.php)
            paylink.smartpay.url                | https:///v1      | configuration: paylink.smartpay.url: 'https:///v1' has no host name (e.g. https://api.smartpay.jpmmps.com)
            paylink.smartpay.auth               | token            | configuration: paylink.smartpay.auth: 'token' is not basic or oauth2
            paylink.mail.security               | ssl              | configuration: paylink.mail.security: 'ssl' is not none, starttls or tls
            paylink.intake.charset              | UTF-9            | configuration: paylink.intake.charset: 'UTF-9' is not a charset Java knows (e.g. UTF-8, windows-1252, ISO-8859-15)
            paylink.intake.locale               | de_DE            | configuration: paylink.intake.locale: 'de_DE' is not a language tag (e.g. de-DE, en-US; write de-DE)
            paylink.intake.locale               | xx-YY            | configuration: paylink.intake.locale: 'xx-YY' is not a locale Java knows number formats for (e.g. de-DE, en-US, de-CH)
            paylink.intake.transactionid-pattern | [0-9             | configuration: paylink.intake.transactionid-pattern: '[0-9' is not a regular expression: unclosed character class near character 4
            paylink.smartpay.cron               | 0 0/5 * * *      | configuration: paylink.smartpay.cron: '0 0/5 * * *' is not a Quartz cron expression (seconds first, e.g. 0 0/5 * * * ?): Unexpected end of expression.
            paylink.sandbox.smartpay-cron       | every 5 s        | configuration: paylink.sandbox.smartpay-cron: 'every 5 s' is not a Quartz cron expression (seconds first, e.g. 0 0/5 * * * ?): Illegal characters for this position: 'EVE'
            paylink.ledger.compress             | lzf              | configuration: paylink.ledger.compress: 'lzf' is not true or false
            paylink.ledger.url                  | jdbc:mysql://db/x | configuration: paylink.ledger.url: 'jdbc:mysql://db/x' is not an H2 or PostgreSQL JDBC URL (jdbc:h2:... or jdbc:postgresql://host:5432/db)
            paylink.ledger.url                  | jdbc:h2:file:/tmp/l | configuration: paylink.ledger.url: 'jdbc:h2:file:/tmp/l' is refused: an H2 file ledger needs WRITE_DELAY=0 in its URL (append ;WRITE_DELAY=0); otherwise a kill loses the last half second of commits and rows would be sent twice
            paylink.ledger.url                  | jdbc:postgresql://db:port/x | configuration: paylink.ledger.url: 'jdbc:postgresql://db:port/x' is not a PostgreSQL JDBC URL (e.g. jdbc:postgresql://db.example.com:5432/paylink)
            paylink.deliver.file-failed         | file,fax_1       | configuration: paylink.deliver.file-failed: 'file,fax_1' is not none or a list of outputs: file, mail, webhook, or the name of an output route (lower-case letters, digits, dashes; e.g. file,mail,webhook,event-drop)
            paylink.deliver.poll-interval       | 0                | configuration: paylink.deliver.poll-interval: '0' is not longer than 0
            paylink.cluster.checkin-interval    | 7500             | configuration: paylink.cluster.checkin-interval: '7500' is not a duration (e.g. 3s, 500ms, PT3S)
            paylink.cluster.delivery-lease      | 0s               | configuration: paylink.cluster.delivery-lease: '0s' is not longer than 0
            paylink.cluster.link-lease          | 0s               | configuration: paylink.cluster.link-lease: '0s' is not longer than 0
            paylink.mail.from                   | paylink          | configuration: paylink.mail.from: 'paylink' is not a mail address (e.g. backoffice@example.com): Missing final '@domain'
            paylink.mail.host                   | smtp://mail.example.com | configuration: paylink.mail.host: 'smtp://mail.example.com' is not a host name (e.g. smtp.example.com; the port goes in paylink.mail.port)
            paylink.webhook.urls                | https://a.example/h, ftp://b.example/h | configuration: paylink.webhook.urls: 'https://a.example/h, ftp://b.example/h' is not an http or https URL (e.g. https://hooks.example.com/paylink)
            paylink.smartpay.user-agent         | pay\u0007link     | configuration: paylink.smartpay.user-agent: 'pay?link' is not one line of printable ASCII characters, as an HTTP header must be
            paylink.intake.uri                  | data/inbox       | configuration: paylink.intake.uri: 'data/inbox' is not an endpoint URI (e.g. file:data/inbox)
            paylink.cluster.file-lease          | 30               | configuration: paylink.cluster.file-lease: '30' is not a duration (e.g. 3s, 500ms, PT3S)
            paylink.cluster.heartbeat           | 20s              | configuration: paylink.cluster.heartbeat: '20 s' is more than half of paylink.cluster.file-lease (30 s): one late renewal would lose a live owner's files
            paylink.cluster.instance-id         | node 1           | configuration: paylink.cluster.instance-id: 'node 1' is not an instance id: up to 200 letters, digits and . _ : @ -
            """)
    void eachMalformedValueIsOneLineNamingTheKeyTheValueAndAnExample(String key, String value, String expected) {
        assertThat(problems(sandbox(key, value))).containsExactly(expected);
    }

    @Test
    void everyProblemIsReportedAtOnceInTheOrderOfTheProperties() {
        assertThat(problems(sandbox("paylink.intake.min-age", "soon", "paylink.onoffice.url", "api.onoffice.de", "paylink.smartpay.auth", "token",
                "paylink.smartpay.max-interval", "1m", "paylink.deliver.max-backoff", "10s", "paylink.webhook.urls", "https://h.example/x")))
                .containsExactly(
                        "configuration: paylink.onoffice.url: 'api.onoffice.de' is not an http or https URL (e.g. https://api.onoffice.de/api/stable/api.php)",
                        "configuration: paylink.smartpay.auth: 'token' is not basic or oauth2",
                        "configuration: paylink.smartpay.max-interval: 1 min is shorter than paylink.smartpay.first-interval (5 min)",
                        "configuration: paylink.deliver.max-backoff: 10 s is shorter than paylink.deliver.first-backoff (20 s)",
                        "configuration: paylink.webhook.secret: missing: paylink.webhook.urls is set and every webhook is signed; set PAYLINK_WEBHOOK_SECRET",
                        "configuration: paylink.intake.min-age: 'soon' is not a duration (e.g. 3s, 500ms, PT3S)");
    }

    @Test
    void theDefaultH2LedgerIsCompressedUnlessSwitchedOffAndAConfiguredUrlIsTakenAsItIs() {
        Path data = dir.resolve("data");
        assertThat(bind(sandbox()).ledger().jdbcUrl(data)).startsWith("jdbc:h2:file:" + data.toAbsolutePath().resolve("ledger") + ";")
                .contains(";WRITE_DELAY=0").endsWith(";COMPRESS=TRUE");
        assertThat(bind(sandbox("paylink.ledger.compress", "false")).ledger().jdbcUrl(data)).contains(";WRITE_DELAY=0").doesNotContain("COMPRESS");
        assertThat(bind(sandbox("paylink.ledger.url", "jdbc:h2:file:/srv/l;WRITE_DELAY=0")).ledger().jdbcUrl(data)).isEqualTo("jdbc:h2:file:/srv/l;WRITE_DELAY=0");
    }

    @Test
    void durationsTakeTheReadmeFormsAndReachTheRoutesAsMilliseconds() {
        PaylinkSettings s = bind(sandbox("paylink.intake.min-age", "PT3S", "paylink.intake.poll-delay", "500ms", "paylink.intake.progress-interval", "5m",
                "paylink.intake.stall-warning", "1h", "paylink.deliver.poll-interval", "2s"));

        assertThat(s.intake().minAge()).isEqualTo(Duration.ofSeconds(3));
        assertThat(s.intake().ownership().lease()).isEqualTo(Duration.ofSeconds(30));
        assertThat(s.intake().ownership().heartbeat()).isEqualTo(Duration.ofSeconds(10));
        assertThat(s.intake().ownership().instanceId()).as("host name and process id").endsWith("-" + ProcessHandle.current().pid());
        assertThat(s.intake().stallWarning()).isEqualTo(Duration.ofHours(1));
        // Camel reads "PT3S" in a route option as 0 ms: the routes get milliseconds.
        SettingsFunction routes = new SettingsFunction(s);
        assertThat(routes.apply("paylink.intake.min-age")).isEqualTo("3000");
        assertThat(routes.apply("paylink.intake.poll-delay")).isEqualTo("500");
        assertThat(routes.apply("paylink.intake.progress-interval")).isEqualTo("300000");
        assertThat(routes.apply("paylink.deliver.poll-interval")).isEqualTo("2000");
    }

    @Test
    void mailReachesItsRouteAsTheEndpointItNeedsAndWithoutALoginNoAuthOptionIsSet() {
        SettingsFunction tls = new SettingsFunction(bind(sandbox("paylink.mail.host", "smtp.example.com", "paylink.mail.port", "465",
                "paylink.mail.security", "tls", "paylink.mail.username", "user", "paylink.mail.password", "pw", "paylink.mail.read-timeout", "30s")));
        assertThat(tls.apply("paylink.mail.enabled")).isEqualTo("true");
        assertThat(tls.apply("paylink.mail.scheme")).isEqualTo("smtps");
        assertThat(tls.apply("paylink.mail.starttls")).isEqualTo("false");
        assertThat(tls.apply("paylink.mail.read-timeout")).isEqualTo("30000");
        assertThat(tls.apply("paylink.mail.username")).isEqualTo("user");
        assertThat(tls.apply("paylink.mail.password")).isEqualTo("pw");

        SettingsFunction plain = new SettingsFunction(bind(sandbox("paylink.mail.host", "relay", "paylink.mail.security", "starttls")));
        assertThat(plain.apply("paylink.mail.scheme")).isEqualTo("smtp");
        assertThat(plain.apply("paylink.mail.starttls")).isEqualTo("true");
        assertThat(plain.apply("paylink.mail.username")).isNull();
        assertThat(plain.apply("paylink.mail.password")).isNull();
        assertThat(new SettingsFunction(bind(sandbox())).apply("paylink.mail.enabled")).isEqualTo("false");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> plain.apply("paylink.nope")).hasMessageContaining("paylink.nope");
    }

    @Test
    void withoutSandboxTheOnOfficeCredentialsAreRequiredEachNamedByItsKey() {
        assertThat(problems(Map.of("paylink.sandbox", "false"))).containsExactly(
                "configuration: paylink.onoffice.token: no onOffice token: set PAYLINK_ONOFFICE_TOKEN (or paylink.onoffice.secrets-file), "
                        + "or run with paylink.sandbox=true for the built-in simulator",
                "configuration: paylink.onoffice.secret: no onOffice secret: set PAYLINK_ONOFFICE_SECRET (or paylink.onoffice.secrets-file), "
                        + "or run with paylink.sandbox=true for the built-in simulator");
        assertThat(problems(Map.of("paylink.sandbox", "false", "paylink.onoffice.secrets-file", dir.resolve("nope.properties").toString())))
                .first().isEqualTo("configuration: paylink.onoffice.secrets-file: '" + dir.resolve("nope.properties") + "' does not exist");
    }

    @Test
    void credentialsComeFromTheSecretsFile() throws Exception {
        Path secrets = Files.writeString(dir.resolve("secrets.properties"), "paylink.onoffice.token=tok-123456\npaylink.onoffice.secret=sec\n");

        PaylinkSettings s = bind(Map.of("paylink.sandbox", "false", "paylink.onoffice.secrets-file", secrets.toString()));

        assertThat(s.onOffice().credentials().token()).isEqualTo("tok-123456");
        assertThat(s.onOffice().credentials().secret()).isEqualTo("sec");
    }

    @Test
    void smartPayCredentialsTurnEnrichmentOnUnlessItIsSwitchedOff() {
        Map<String, String> basic = Map.of("paylink.sandbox", "false", "paylink.onoffice.token", "t", "paylink.onoffice.secret", "s",
                "paylink.smartpay.merchant-key", "m", "paylink.smartpay.authentication-key", "a");
        PaylinkSettings.SmartPay on = bind(basic).smartPay();
        assertThat(on.on()).isTrue();
        assertThat(on.why()).isEqualTo("SmartPay credentials are set and paylink.smartpay.enabled is not false");
        assertThat(new SettingsFunction(bind(basic)).apply("paylink.smartpay.enabled")).isEqualTo("true");

        Map<String, String> off = new LinkedHashMap<>(basic);
        off.put("paylink.smartpay.enabled", "false");
        assertThat(bind(off).smartPay().on()).isFalse();
        assertThat(bind(off).smartPay().why()).isEqualTo("paylink.smartpay.enabled=false");
        assertThat(new SettingsFunction(bind(off)).apply("paylink.smartpay.enabled")).isEqualTo("false");

        PaylinkSettings.SmartPay none = bind(Map.of("paylink.sandbox", "false", "paylink.onoffice.token", "t", "paylink.onoffice.secret", "s")).smartPay();
        assertThat(none.on()).isFalse();
        assertThat(none.why()).isEqualTo("no SmartPay credentials set (paylink.smartpay.enabled is empty)");
    }

    @Test
    void enrichmentThatIsOnNamesEveryMissingCredentialOfItsAuth() {
        assertThat(problems(Map.of("paylink.sandbox", "false", "paylink.onoffice.token", "t", "paylink.onoffice.secret", "s",
                "paylink.smartpay.merchant-key", "m"))).containsExactly(
                "configuration: paylink.smartpay.authentication-key: missing: SmartPay enrichment is on (SmartPay credentials are set and "
                        + "paylink.smartpay.enabled is not false) with basic auth: set PAYLINK_SMARTPAY_AUTHENTICATION_KEY, or "
                        + "paylink.smartpay.enabled=false to keep it off");
        assertThat(problems(Map.of("paylink.sandbox", "false", "paylink.onoffice.token", "t", "paylink.onoffice.secret", "s",
                "paylink.smartpay.enabled", "true", "paylink.smartpay.auth", "oauth2"))).containsExactly(
                "configuration: paylink.smartpay.client-id: missing: SmartPay enrichment is on (paylink.smartpay.enabled=true) with oauth2 auth: "
                        + "set PAYLINK_SMARTPAY_CLIENT_ID",
                "configuration: paylink.smartpay.client-secret: missing: SmartPay enrichment is on (paylink.smartpay.enabled=true) with oauth2 auth: "
                        + "set PAYLINK_SMARTPAY_CLIENT_SECRET",
                "configuration: paylink.smartpay.token-url: missing: SmartPay enrichment is on (paylink.smartpay.enabled=true) with oauth2 auth: "
                        + "set the OAuth2 token endpoint");
        assertThat(bind(Map.of("paylink.sandbox", "false", "paylink.onoffice.token", "t", "paylink.onoffice.secret", "s",
                "paylink.smartpay.auth", "OAuth2", "paylink.smartpay.client-id", "c", "paylink.smartpay.client-secret", "x",
                "paylink.smartpay.token-url", "https://auth.example/token")).smartPay().client().auth()).isEqualTo(SmartPaySettings.Auth.OAUTH2);
    }

    @Test
    void foldersMustBeFoldersThisUserCanMake() throws Exception {
        Path file = Files.writeString(dir.resolve("inbox.txt"), "not a folder");

        assertThat(problems(sandbox("paylink.inbox", file.toString(), "paylink.archive", file.resolve("archive").toString())))
                .containsExactly("configuration: paylink.inbox: '" + file + "' is a file, not a folder",
                        "configuration: paylink.archive: '" + file.resolve("archive") + "' cannot be created: " + file + " is a file");
    }

    @Test
    void theDocumentedKeyOfPaymentStatusChangedRoutesIt() {
        PaylinkSettings s = bind(sandbox("paylink.deliver.payment-status-changed", "none", "paylink.mail.to.payment-status-changed", "a@example.com"));

        assertThat(s.delivery().routes().get("payment.status_changed")).isEmpty();
        assertThat(s.mail().toByType().get("payment.status_changed")).isEqualTo("a@example.com");
    }

    @Test
    void secretsAndPasswordsInUrlsNeverReachAProblemLine() {
        List<String> lines = problems(sandbox("paylink.ledger.url", "jdbc:h2:file:/tmp/l;PASSWORD=hunter2", "paylink.webhook.urls",
                "ftp://h.example/x?token=hunter3", "paylink.smartpay.client-secret", "hunter4"));

        assertThat(String.join("\n", lines)).doesNotContain("hunter2", "hunter3", "hunter4").contains("PASSWORD=****", "ftp://h.example/x?...");
    }
}
