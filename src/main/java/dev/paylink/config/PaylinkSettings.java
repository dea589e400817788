package dev.paylink.config;

import static dev.paylink.config.Binder.bool;
import static dev.paylink.config.Binder.duration;
import static dev.paylink.config.Binder.folder;
import static dev.paylink.config.Binder.httpUrl;
import static dev.paylink.config.Binder.positive;

import dev.paylink.Durations;
import dev.paylink.delivery.MailSettings;
import dev.paylink.delivery.WebhookEndpoint;
import dev.paylink.events.EventTypes;
import dev.paylink.intake.IntakeSettings;
import dev.paylink.ledger.H2Durability;
import dev.paylink.smartml.OnOfficeSettings;
import dev.paylink.smartml.SmartmlCredentials;
import dev.paylink.smartpay.SmartPaySettings;
import jakarta.mail.internet.InternetAddress;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.camel.spi.PropertiesComponent;

/**
 * Every {@code paylink.*} key, read, typed and checked in one go before anything is created or started: folders,
 * ledger, simulators and ports come after. {@link #bind} reports all problems at once as a {@link ConfigurationException},
 * one line per problem naming its key. The wiring in {@code PaylinkConfiguration} builds its beans from these values.
 */
public record PaylinkSettings(Folders folders, Sandbox sandbox, OnOffice onOffice, SmartPay smartPay, Delivery delivery, Mail mail, Webhook webhook,
                              Ledger ledger, Intake intake, Report report, Cluster cluster) {

    /** The same settings with onOffice replaced (the sandbox points them at its simulator). */
    public PaylinkSettings with(OnOffice o) {
        return new PaylinkSettings(folders, sandbox, o, smartPay, delivery, mail, webhook, ledger, intake, report, cluster);
    }

    /** The same settings with SmartPay replaced. */
    public PaylinkSettings with(SmartPay p) {
        return new PaylinkSettings(folders, sandbox, onOffice, p, delivery, mail, webhook, ledger, intake, report, cluster);
    }

    /** The same settings with mail replaced. */
    public PaylinkSettings with(Mail m) {
        return new PaylinkSettings(folders, sandbox, onOffice, smartPay, delivery, m, webhook, ledger, intake, report, cluster);
    }

    /** The same settings with webhooks replaced. */
    public PaylinkSettings with(Webhook w) {
        return new PaylinkSettings(folders, sandbox, onOffice, smartPay, delivery, mail, w, ledger, intake, report, cluster);
    }

    /** A secret value; never shown by {@code toString}. */
    public record Secret(String value) {
        @Override
        public String toString() {
            return "<hidden>";
        }

        static Secret of(Optional<String> value) {
            return value.map(Secret::new).orElse(null);
        }

        static String value(Secret s) {
            return s == null ? null : s.value();
        }
    }

    /** The folders by their keys ({@code paylink.data}, {@code paylink.inbox}, ...), in the order they are made. */
    public record Folders(Map<String, Path> byKey) {
        public Path data() {
            return byKey.get("paylink.data");
        }

        public Path inbox() {
            return byKey.get("paylink.inbox");
        }

        public Path archive() {
            return byKey.get("paylink.archive");
        }

        public Path error() {
            return byKey.get("paylink.error");
        }

        public Path outbox() {
            return byKey.get("paylink.outbox");
        }
    }

    /** {@code examples} is null when none are to be dropped. */
    public record Sandbox(boolean on, Path examples, String smartPayCron, Duration smartPayInterval) {
    }

    /** {@code credentials} is null in sandbox mode (the simulator brings its own). */
    public record OnOffice(OnOfficeSettings connection, SmartmlCredentials credentials, int batchSize, int concurrency, Duration pauseRetry,
                           Duration outageRetry) {
    }

    /**
     * SmartPay enrichment. {@code enabled} is the configured value (null: not set, on when credentials are);
     * {@code on} whether it runs, and {@code why} says why it does or does not, for the log.
     */
    public record SmartPay(Boolean enabled, boolean on, String why, URI url, SmartPaySettings.Auth auth, String merchantKey,
                           Secret authenticationKey, String clientId, Secret clientSecret, URI tokenUrl, String origin, String userAgent,
                           String cron, int concurrency, BigDecimal maxRequestsPerSecond, int maxLinksPerCycle, Duration firstInterval,
                           Duration maxInterval, Duration graceAfterExpiry, boolean fetchPaymentStatus, Duration connectTimeout,
                           Duration readTimeout, int attempts, Duration backoff) {

        /** The client settings against the configured SmartPay (not the sandbox simulator). */
        public SmartPaySettings client() {
            return new SmartPaySettings(url, auth, merchantKey, Secret.value(authenticationKey), clientId, Secret.value(clientSecret), tokenUrl,
                    origin, userAgent, connectTimeout, readTimeout, attempts, backoff, fetchPaymentStatus);
        }
    }

    /** {@code routes}: the outputs of each event type (empty: none). */
    public record Delivery(Map<String, List<String>> routes, int maxAttempts, Duration firstBackoff, Duration maxBackoff, Duration maxRetryAfter,
                           int concurrency, Duration pollInterval, Path deadletter, Path replay) {
    }

    /** The results files: field delimiter ({@code ,} or {@code ;}) and whether a UTF-8 byte order mark starts them. */
    public record Report(String delimiter, boolean bom) {
    }

    /** {@code host} is null when mail is off; {@code toByType} holds only the types given a recipient list of their own. */
    public record Mail(String host, int port, MailSettings.Security security, String username, Secret password, String from, String to,
                       Map<String, String> toByType, Duration connectTimeout, Duration readTimeout, boolean allowPlainAuth) {

        public boolean on() {
            return host != null;
        }
    }

    /** {@code added}: endpoints that come from no key (the sandbox's built-in receiver), beside the configured ones. */
    public record Webhook(List<URI> urls, Secret secret, Duration connectTimeout, Duration timeout, List<WebhookEndpoint> added) {
    }

    /**
     * Several instances on one PostgreSQL ledger (README "Running several instances"): Quartz's cluster check-in, and
     * how long a claim on a delivery and on a tracked link holds.
     */
    public record Cluster(Duration checkinInterval, Duration deliveryLease, Duration linkLease) {
    }

    /**
     * {@code url} is null for the default: an H2 file in the data folder; {@code compress} applies to that default only.
     */
    public record Ledger(String url, String username, Secret password, int poolSize, boolean compress) {

        /**
         * H2 keeps 8 parsed statements per connection by default; the ledger, the delivery queue, the file locks and the
         * metrics use more than that on each pooled connection, and H2's parser was still being compiled while files were sent.
         */
        static final String QUERY_CACHE = ";QUERY_CACHE_SIZE=64";
        /**
         * H2 does not compact the file as it closes; the app's own housekeeping (H2Housekeeping) keeps it near its data while
         * the app runs and shrinks it when idle, each step followed by a commit. H2 2.3.232's compaction on close lost commits:
         * it wrote the clean-shutdown header without committing the chunk moves it had just made, so the next open fell back
         * to an older version (a ledger left by a kill, opened at the next start and closed again: the last 100 rows' marks
         * gone, and sent again; KilledLedgerTest). 2.4.240 commits there; this keeps the app off that path whatever the H2
         * version, and makes a stop, and the first open after a kill, quick.
         */
        static final String NO_COMPACT_ON_CLOSE = ";MAX_COMPACT_TIME=0";
        /**
         * H2 compresses the pages it writes (LZF; a page then splits at 64 KB instead of 4 KB, or at 48 entries, MVStore's
         * keysPerPage). Measured by bench/million.sh,
         * 200,000 rows, two pairs back to back: the file 534 / 533 instead of 664 / 657 bytes/row once idle, 1,018 / 1,052
         * instead of 1,344 / 1,398 at most while sent; for 443 / 478 instead of 395 / 354 µs CPU per row (README "Disk space
         * (H2)"). H2 reads compressed and plain pages either way, so the setting may change on an existing ledger.
         */
        static final String COMPRESS = ";COMPRESS=TRUE";

        /** The JDBC URL to open: the configured one, or the H2 file {@link #defaultFile} with the durability settings. */
        public String jdbcUrl(Path data) {
            return url != null ? url : h2Url(defaultFile(data));
        }

        /** The default ledger's H2 file, {@code <data>/ledger} (H2 adds {@code .mv.db}). */
        public static Path defaultFile(Path data) {
            return data.toAbsolutePath().resolve("ledger");
        }

        /** The URL of an H2 file ledger at {@code file} with the default ledger's settings. */
        public String h2Url(Path file) {
            return "jdbc:h2:file:" + file + ";DB_CLOSE_ON_EXIT=FALSE" + H2Durability.URL_SETTINGS + QUERY_CACHE + NO_COMPACT_ON_CLOSE + (compress ? COMPRESS : "");
        }
    }

    public record Intake(String uri, IntakeSettings rows, Duration minAge, Duration pollDelay, Duration retryBackoff, Duration progressInterval,
                         Duration stallWarning, Ownership ownership) {
    }

    /**
     * One owner per input file among instances on one ledger database and inbox (paylink.cluster.*): this instance's id,
     * how long a file lock lives without renewal before another instance takes the file over, and how often it is renewed.
     */
    public record Ownership(String instanceId, Duration lease, Duration heartbeat) {
    }

    private static final List<String> OUTPUTS = List.of("file", "mail", "webhook");
    /** The name of an output of its own: its route is {@code output-<name>}. */
    private static final java.util.regex.Pattern OUTPUT_NAME = java.util.regex.Pattern.compile("[a-z0-9]([a-z0-9-]{0,62}[a-z0-9])?");

    /** Reads and checks every key from Camel's properties (application.properties, -D, environment). */
    public static PaylinkSettings bind(PropertiesComponent properties) {
        return bind(properties::resolveProperty);
    }

    /**
     * Reads and checks every key.
     *
     * @throws ConfigurationException naming every key that is missing, malformed or out of range, or at odds with another
     */
    public static PaylinkSettings bind(Function<String, Optional<String>> properties) {
        Binder b = new Binder(properties);
        Folders folders = folders(b);
        Sandbox sandbox = new Sandbox(b.required("paylink.sandbox", false, "false", bool()),
                b.optional("paylink.sandbox.examples", Binder::path).orElse(null),
                b.required("paylink.sandbox.smartpay-cron", "", "0/5 * * * * ?", Binder.cron()),
                b.required("paylink.sandbox.smartpay-interval", Duration.ZERO, "4s", duration(false)));
        PaylinkSettings settings = new PaylinkSettings(folders, sandbox, onOffice(b, sandbox.on()), smartPay(b, sandbox.on()), delivery(b), mail(b),
                webhook(b), ledger(b), intake(b), report(b), cluster(b));
        if (!b.problems().isEmpty()) {
            throw new ConfigurationException(b.problems());
        }
        return settings;
    }

    /** The key part of an event type, as documented: {@code payment.status_changed} → {@code payment-status-changed}. */
    public static String keyOf(String eventType) {
        return eventType.replace('.', '-').replace('_', '-');
    }

    // ---------------------------------------------------------------- groups

    private static Folders folders(Binder b) {
        Map<String, Path> byKey = new LinkedHashMap<>();
        for (String name : List.of("data", "inbox", "archive", "error", "outbox", "resolve")) {
            String key = "paylink." + name;
            byKey.put(key, b.required(key, null, name.equals("data") ? "./data" : "./data/" + name, folder()));
        }
        return new Folders(byKey);
    }

    private static OnOffice onOffice(Binder b, boolean sandbox) {
        OnOfficeSettings connection = new OnOfficeSettings(
                b.required("paylink.onoffice.url", null, "https://api.onoffice.de/api/stable/api.php", httpUrl("https://api.onoffice.de/api/stable/api.php")),
                b.required("paylink.onoffice.connect-timeout", Duration.ZERO, "10s", duration(false)),
                b.required("paylink.onoffice.request-timeout", Duration.ZERO, "60s", duration(false)),
                b.required("paylink.onoffice.connect-attempts", 1, "4", positive()),
                b.required("paylink.onoffice.connect-backoff", Duration.ZERO, "2s", duration(true)));
        Optional<String> token = b.text("paylink.onoffice.token");
        Optional<String> secret = b.text("paylink.onoffice.secret");
        Optional<Path> file = b.optional("paylink.onoffice.secrets-file", Binder.readableFile());
        SmartmlCredentials credentials = null;
        if (file.isPresent() && (token.isEmpty() || secret.isEmpty())) {
            Properties p = new Properties();
            try (InputStream in = Files.newInputStream(file.get())) {
                p.load(in);
                token = token.or(() -> Optional.ofNullable(p.getProperty("paylink.onoffice.token")).map(String::strip).filter(t -> !t.isEmpty()));
                secret = secret.or(() -> Optional.ofNullable(p.getProperty("paylink.onoffice.secret")).map(String::strip).filter(t -> !t.isEmpty()));
            } catch (IOException | IllegalArgumentException e) {
                b.problem("paylink.onoffice.secrets-file", "'" + file.get() + "' cannot be read: " + e.getMessage());
            }
        }
        if (!sandbox) {
            String where = file.isPresent() ? " (it is not in " + file.get() + " either)" : "";
            String alternatives = " (or paylink.onoffice.secrets-file), or run with paylink.sandbox=true for the built-in simulator";
            if (token.isEmpty()) {
                b.problem("paylink.onoffice.token", "no onOffice token" + where + ": set PAYLINK_ONOFFICE_TOKEN" + alternatives);
            }
            if (secret.isEmpty()) {
                b.problem("paylink.onoffice.secret", "no onOffice secret" + where + ": set PAYLINK_ONOFFICE_SECRET" + alternatives);
            }
            if (token.isPresent() && secret.isPresent()) {
                credentials = new SmartmlCredentials(token.get(), secret.get());
            }
        }
        return new OnOffice(connection, credentials, b.required("paylink.onoffice.batch-size", 1, "25", positive()),
                b.required("paylink.onoffice.concurrency", 1, "2", positive()),
                b.required("paylink.onoffice.pause-retry", Duration.ZERO, "5m", duration(false)),
                b.required("paylink.onoffice.outage-retry", Duration.ZERO, "30s", duration(false)));
    }

    private static SmartPay smartPay(Binder b, boolean sandbox) {
        Boolean enabled = b.optional("paylink.smartpay.enabled", bool()).orElse(null);
        URI url = b.required("paylink.smartpay.url", null, "https://api.smartpay.jpmmps.com", httpUrl("https://api.smartpay.jpmmps.com"));
        SmartPaySettings.Auth auth = b.required("paylink.smartpay.auth", SmartPaySettings.Auth.BASIC, "basic", Binder.oneOf(SmartPaySettings.Auth.class));
        Optional<String> merchantKey = b.text("paylink.smartpay.merchant-key");
        Optional<String> authenticationKey = b.text("paylink.smartpay.authentication-key");
        Optional<String> clientId = b.text("paylink.smartpay.client-id");
        Optional<String> clientSecret = b.text("paylink.smartpay.client-secret");
        Optional<URI> tokenUrl = b.optional("paylink.smartpay.token-url", httpUrl("https://auth.example.com/oauth2/token"));
        URI origin = b.required("paylink.smartpay.origin", null, "https://shop.example.com", httpUrl("https://shop.example.com"));
        String userAgent = b.required("paylink.smartpay.user-agent", "", "paylink-routes/0.1", Binder.headerValue());
        boolean anyCredential = merchantKey.isPresent() || authenticationKey.isPresent() || clientId.isPresent() || clientSecret.isPresent();
        boolean on;
        String why;
        if (sandbox) {
            on = true;
            why = "sandbox mode: the built-in SmartPay simulator";
        } else if (enabled != null) {
            on = enabled;
            why = "paylink.smartpay.enabled=" + enabled;
        } else {
            on = anyCredential;
            why = anyCredential ? "SmartPay credentials are set and paylink.smartpay.enabled is not false"
                    : "no SmartPay credentials set (paylink.smartpay.enabled is empty)";
        }
        if (on && !sandbox) {
            String need = "SmartPay enrichment is on (" + why + ") with " + auth.name().toLowerCase(Locale.ROOT) + " auth: set %s"
                    + (enabled == null ? ", or paylink.smartpay.enabled=false to keep it off" : "");
            if (auth == SmartPaySettings.Auth.BASIC) {
                missing(b, merchantKey, "paylink.smartpay.merchant-key", need.formatted("PAYLINK_SMARTPAY_MERCHANT_KEY"));
                missing(b, authenticationKey, "paylink.smartpay.authentication-key", need.formatted("PAYLINK_SMARTPAY_AUTHENTICATION_KEY"));
            } else {
                missing(b, clientId, "paylink.smartpay.client-id", need.formatted("PAYLINK_SMARTPAY_CLIENT_ID"));
                missing(b, clientSecret, "paylink.smartpay.client-secret", need.formatted("PAYLINK_SMARTPAY_CLIENT_SECRET"));
                missing(b, tokenUrl, "paylink.smartpay.token-url", need.formatted("the OAuth2 token endpoint"));
            }
        }
        Duration first = b.required("paylink.smartpay.first-interval", Duration.ZERO, "5m", duration(false));
        Duration max = b.required("paylink.smartpay.max-interval", Duration.ZERO, "6h", duration(false));
        if (max.compareTo(first) < 0) {
            b.problem("paylink.smartpay.max-interval", Durations.spoken(max) + " is shorter than paylink.smartpay.first-interval ("
                    + Durations.spoken(first) + ")");
        }
        return new SmartPay(enabled, on, why, url, auth, merchantKey.orElse(null), Secret.of(authenticationKey), clientId.orElse(null),
                Secret.of(clientSecret), tokenUrl.orElse(null), origin == null ? "" : origin.toString(), userAgent,
                b.required("paylink.smartpay.cron", "", "0 0/5 * * * ?", Binder.cron()),
                b.required("paylink.smartpay.concurrency", 1, "4", positive()),
                b.required("paylink.smartpay.max-requests-per-second", BigDecimal.ZERO, "5", Binder.decimal(true)),
                b.required("paylink.smartpay.max-links-per-cycle", 1, "1000", positive()), first, max,
                b.required("paylink.smartpay.grace-after-expiry", Duration.ZERO, "24h", duration(true)),
                b.required("paylink.smartpay.fetch-payment-status", false, "false", bool()),
                b.required("paylink.smartpay.connect-timeout", Duration.ZERO, "10s", duration(false)),
                b.required("paylink.smartpay.read-timeout", Duration.ZERO, "90s", duration(false)),
                b.required("paylink.smartpay.attempts", 1, "3", positive()),
                b.required("paylink.smartpay.backoff", Duration.ZERO, "2s", duration(true)));
    }

    private static void missing(Binder b, Optional<?> value, String key, String what) {
        if (value.isEmpty() && !b.reported(key)) {
            b.problem(key, "missing: " + what);
        }
    }

    private static Delivery delivery(Binder b) {
        Map<String, List<String>> routes = new LinkedHashMap<>();
        for (String type : EventTypes.ALL) {
            routes.put(type, b.required("paylink.deliver." + keyOf(type), List.of(), "file,webhook", PaylinkSettings::outputs));
        }
        Duration first = b.required("paylink.deliver.first-backoff", Duration.ZERO, "20s", duration(false));
        Duration max = b.required("paylink.deliver.max-backoff", Duration.ZERO, "10m", duration(false));
        if (max.compareTo(first) < 0) {
            b.problem("paylink.deliver.max-backoff", Durations.spoken(max) + " is shorter than paylink.deliver.first-backoff ("
                    + Durations.spoken(first) + ")");
        }
        Duration maxRetryAfter = b.required("paylink.deliver.max-retry-after", Duration.ZERO, "1h", duration(false));
        return new Delivery(routes, b.required("paylink.deliver.max-attempts", 1, "6", positive()), first, max, maxRetryAfter,
                b.required("paylink.deliver.concurrency", 1, "4", positive()),
                b.required("paylink.deliver.poll-interval", Duration.ZERO, "1000", PaylinkSettings::millisOrDuration),
                b.required("paylink.deliver.deadletter", null, "./data/outbox/deadletter", folder()),
                b.required("paylink.deliver.replay", null, "./data/outbox/replay", folder()));
    }

    /** The results CSV for German Excel (report.ReportFormat): ',' or ';', and a BOM or not. */
    private static Report report(Binder b) {
        return new Report(b.required("paylink.report.delimiter", ",", ",", text -> {
            if (!text.equals(",") && !text.equals(";")) {
                throw new Binder.Unfit("is not , or ; (; with paylink.report.bom=true opens in German Excel)");
            }
            return text;
        }), b.required("paylink.report.bom", false, "false", bool()));
    }

    /**
     * {@code none}, or outputs, comma-separated: file, mail, webhook, or the name of an output route {@code output-<name>}
     * (lower-case letters, digits, dashes); that such a route is loaded is checked when the routes are (DeliveryWiring).
     */
    private static List<String> outputs(String text) {
        if (text.equalsIgnoreCase("none")) {
            return List.of();
        }
        List<String> outputs = Binder.list(text.toLowerCase(Locale.ROOT));
        if (outputs.isEmpty() || !outputs.stream().allMatch(o -> OUTPUTS.contains(o) || OUTPUT_NAME.matcher(o).matches())) {
            throw new Binder.Unfit("is not none or a list of outputs: file, mail, webhook, or the name of an output route "
                    + "(lower-case letters, digits, dashes; e.g. file,mail,webhook,event-drop)");
        }
        return outputs.stream().distinct().toList();
    }

    /** A whole number of milliseconds (as documented for the poll interval), or a duration. */
    private static Duration millisOrDuration(String text) {
        if (text.matches("\\d{1,12}")) {
            return duration(false).read(text + "ms");
        }
        return duration(false).read(text);
    }

    private static Mail mail(Binder b) {
        Optional<String> host = b.optional("paylink.mail.host", PaylinkSettings::hostName);
        Map<String, String> toByType = new LinkedHashMap<>();
        for (String type : EventTypes.ALL) {
            b.optional("paylink.mail.to." + keyOf(type), Binder.mailAddresses()).ifPresent(to -> toByType.put(type, addresses(to)));
        }
        boolean allowPlainAuth = b.required("paylink.mail.allow-plain-auth", false, "false", bool());
        return new Mail(host.orElse(null), b.required("paylink.mail.port", 1, "587", Binder.whole(1, 65535)),
                plainAuthChecked(b, host.isPresent(), allowPlainAuth, b.required("paylink.mail.security", MailSettings.Security.STARTTLS, "starttls",
                        Binder.oneOf(MailSettings.Security.class))),
                b.text("paylink.mail.username").orElse(null), Secret.of(b.text("paylink.mail.password")),
                b.required("paylink.mail.from", "", "paylink <paylink@example.com>", PaylinkSettings::oneAddress),
                b.optional("paylink.mail.to", Binder.mailAddresses()).map(PaylinkSettings::addresses).orElse(null), toByType,
                b.required("paylink.mail.connect-timeout", Duration.ZERO, "10s", duration(false)),
                b.required("paylink.mail.read-timeout", Duration.ZERO, "30s", duration(false)), allowPlainAuth);
    }

    private static String oneAddress(String text) {
        List<InternetAddress> all = Binder.mailAddresses().read(text);
        if (all.size() != 1) {
            throw new Binder.Unfit("is not one mail address (e.g. paylink <paylink@example.com>)");
        }
        return text;
    }

    private static String addresses(List<InternetAddress> all) {
        return all.stream().map(InternetAddress::toString).collect(Collectors.joining(", "));
    }

    private static String hostName(String text) {
        if (!text.matches("[A-Za-z0-9._-]+|\\[[0-9A-Fa-f:.]+]")) {
            throw new Binder.Unfit("is not a host name (e.g. smtp.example.com; the port goes in paylink.mail.port)");
        }
        return text;
    }

    /** SMTP AUTH over a plain connection would send the password in clear: refused unless explicitly allowed. */
    private static MailSettings.Security plainAuthChecked(Binder b, boolean mailOn, boolean allowed, MailSettings.Security security) {
        if (mailOn && security == MailSettings.Security.NONE && b.text("paylink.mail.username").isPresent() && !allowed
                && !b.reported("paylink.mail.security")) {
            b.problem("paylink.mail.security", "'none' would send the SMTP password in clear; use starttls or tls, "
                    + "or set paylink.mail.allow-plain-auth=true");
        }
        return security;
    }

    private static Webhook webhook(Binder b) {
        List<URI> urls = b.optional("paylink.webhook.urls", text -> Binder.list(text).stream()
                .map(url -> httpUrl("https://hooks.example.com/paylink").read(url)).toList()).orElse(List.of());
        Optional<String> secret = b.text("paylink.webhook.secret");
        if (!urls.isEmpty() && secret.isEmpty()) {
            b.problem("paylink.webhook.secret", "missing: paylink.webhook.urls is set and every webhook is signed; set PAYLINK_WEBHOOK_SECRET");
        }
        return new Webhook(urls, Secret.of(secret), b.required("paylink.webhook.connect-timeout", Duration.ZERO, "5s", duration(false)),
                b.required("paylink.webhook.timeout", Duration.ZERO, "10s", duration(false)), List.of());
    }

    private static Cluster cluster(Binder b) {
        return new Cluster(b.required("paylink.cluster.checkin-interval", Duration.ZERO, "7500ms", duration(false)),
                b.required("paylink.cluster.delivery-lease", Duration.ZERO, "2m", duration(false)),
                b.required("paylink.cluster.link-lease", Duration.ZERO, "1m", duration(false)));
    }

    private static Ledger ledger(Binder b) {
        return new Ledger(b.optional("paylink.ledger.url", PaylinkSettings::jdbcUrl).orElse(null), b.text("paylink.ledger.username").orElse(null),
                Secret.of(b.text("paylink.ledger.password")), b.required("paylink.ledger.pool-size", 1, "5", positive()),
                b.required("paylink.ledger.compress", true, "true", bool()));
    }

    /** An H2 or PostgreSQL JDBC URL; an H2 file ledger must write each commit through (H2Durability). */
    private static String jdbcUrl(String url) {
        String u = url.toLowerCase(Locale.ROOT);
        if (u.startsWith("jdbc:postgresql:")) {
            if (org.postgresql.Driver.parseURL(url, null) == null) {
                throw new Binder.Unfit("is not a PostgreSQL JDBC URL (e.g. jdbc:postgresql://db.example.com:5432/paylink)");
            }
        } else if (!u.startsWith("jdbc:h2:")) {
            throw new Binder.Unfit("is not an H2 or PostgreSQL JDBC URL (jdbc:h2:... or jdbc:postgresql://host:5432/db)");
        }
        try {
            H2Durability.check(url);
        } catch (IllegalArgumentException e) {
            throw new Binder.Unfit(e.getMessage().replaceFirst("^paylink\\.ledger\\.url: ", "is refused: "));
        }
        return url;
    }

    private static Intake intake(Binder b) {
        IntakeSettings rows = new IntakeSettings(b.required("paylink.intake.charset", StandardCharsets.UTF_8, "UTF-8", Binder.charset()),
                b.optional("paylink.intake.fallback-charset", Binder.charset()).orElse(null),
                b.required("paylink.intake.locale", Locale.GERMANY, "de-DE", Binder.locale()),
                b.required("paylink.intake.max-price-net", BigDecimal.ONE, "10000.00", Binder.decimal(false)),
                b.required("paylink.intake.send-mail-default", false, "false", bool()),
                // The ledger keeps a description in 1000 characters (ledger_entry.description).
                b.required("paylink.intake.max-description-length", 1, "255", Binder.whole(1, 1000)),
                b.required("paylink.intake.transactionid-pattern", Pattern.compile(""), "[0-9]{1,20}", Binder.regex()));
        return new Intake(b.required("paylink.intake.uri", "", "file:data/inbox", Binder.endpoint()), rows,
                b.required("paylink.intake.min-age", Duration.ZERO, "3s", duration(true)),
                b.required("paylink.intake.poll-delay", Duration.ZERO, "1s", duration(false)),
                b.required("paylink.intake.retry-backoff", Duration.ZERO, "30s", duration(false)),
                b.required("paylink.intake.progress-interval", Duration.ZERO, "5s", duration(false)),
                b.required("paylink.intake.stall-warning", Duration.ZERO, "3m", duration(false)), ownership(b));
    }

    private static Ownership ownership(Binder b) {
        String id = b.optional("paylink.cluster.instance-id", v -> {
            if (!dev.paylink.ledger.OwnerLocks.INSTANCE_ID.matcher(v).matches()) {
                throw new Binder.Unfit("is not an instance id: up to 200 letters, digits and . _ : @ -");
            }
            return v;
        }).orElseGet(PaylinkSettings::hostAndPid);
        Duration lease = b.required("paylink.cluster.file-lease", Duration.ofSeconds(30), "30s", duration(false));
        Duration heartbeat = b.required("paylink.cluster.heartbeat", Duration.ofSeconds(10), "10s", duration(false));
        if (!b.reported("paylink.cluster.file-lease") && !b.reported("paylink.cluster.heartbeat")
                && heartbeat.multipliedBy(2).compareTo(lease) > 0) {
            b.problem("paylink.cluster.heartbeat", "'" + Durations.spoken(heartbeat) + "' is more than half of paylink.cluster.file-lease ("
                    + Durations.spoken(lease) + "): one late renewal would lose a live owner's files");
        }
        return new Ownership(id, lease, heartbeat);
    }

    /** The default instance id: host name and process id, unique per running process. */
    private static String hostAndPid() {
        String host;
        try {
            host = java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            host = "localhost";
        }
        String safe = host.replaceAll("[^A-Za-z0-9._-]", "_");
        return (safe.length() > 150 ? safe.substring(0, 150) : safe) + "-" + ProcessHandle.current().pid();
    }
}
