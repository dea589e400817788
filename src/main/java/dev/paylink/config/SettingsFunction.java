package dev.paylink.config;

import java.time.Duration;
import org.apache.camel.spi.PropertiesFunction;

/**
 * {@code {{settings:<key>}}} in a route: a {@code paylink.*} value as {@link PaylinkSettings} checked it, in the form Camel
 * reads. Durations go over as milliseconds (Camel would take {@code PT3S} as 0 ms), whether enrichment runs is decided
 * once (credentials, {@code paylink.smartpay.enabled}, sandbox), and mail's endpoint is spelled from its security. In
 * sandbox mode the values are the sandbox's (its simulators' addresses). Nothing is added to the properties: a route
 * that reads a typed value says so with the {@code settings:} prefix, and every key it reads is in application.properties.
 */
public final class SettingsFunction implements PropertiesFunction {

    public static final String NAME = "settings";

    private final PaylinkSettings settings;

    public SettingsFunction(PaylinkSettings settings) {
        this.settings = settings;
    }

    @Override
    public String getName() {
        return NAME;
    }

    /** The mail login is optional: {@code {{?settings:paylink.mail.username}}} leaves the option out when none is configured. */
    @Override
    public boolean optional(String remainder) {
        return remainder.strip().equals("paylink.mail.username") || remainder.strip().equals("paylink.mail.password");
    }

    @Override
    public String apply(String remainder) {
        String key = remainder.strip();
        PaylinkSettings.Mail mail = settings.mail();
        return switch (key) {
            case "paylink.intake.min-age" -> millis(settings.intake().minAge());
            case "paylink.intake.poll-delay" -> millis(settings.intake().pollDelay());
            case "paylink.intake.progress-interval" -> millis(settings.intake().progressInterval());
            case "paylink.onoffice.url" -> settings.onOffice().connection().url().toString();
            case "paylink.onoffice.connect-timeout" -> millis(settings.onOffice().connection().connectTimeout());
            case "paylink.onoffice.request-timeout" -> millis(settings.onOffice().connection().requestTimeout());
            case "paylink.onoffice.connect-backoff" -> millis(settings.onOffice().connection().connectBackoff());
            // Camel counts redeliveries, the setting counts attempts.
            case "paylink.onoffice.connect-redeliveries" -> String.valueOf(settings.onOffice().connection().connectAttempts() - 1);
            // One connection per sender, and one for the probe.
            case "paylink.onoffice.connections" -> String.valueOf(settings.onOffice().concurrency() + 1);
            case "paylink.deliver.poll-interval" -> millis(settings.delivery().pollInterval());
            case "paylink.deliver.concurrency" -> String.valueOf(settings.delivery().concurrency());
            case "paylink.webhook.connect-timeout" -> millis(settings.webhook().connectTimeout());
            case "paylink.webhook.timeout" -> millis(settings.webhook().timeout());
            case "paylink.smartpay.enabled" -> String.valueOf(settings.smartPay().on());
            case "paylink.smartpay.cron" -> settings.smartPay().cron();
            case "paylink.smartpay.oauth2" -> String.valueOf(settings.smartPay().on()
                    && settings.smartPay().auth() == dev.paylink.smartpay.SmartPaySettings.Auth.OAUTH2);
            // The API base without a trailing slash: each request's path (CamelHttpPath) starts with one.
            case "paylink.smartpay.url" -> settings.smartPay().url().toString().replaceAll("/+$", "");
            case "paylink.smartpay.token-url" -> settings.smartPay().tokenUrl() == null ? "" : settings.smartPay().tokenUrl().toString();
            case "paylink.smartpay.origin" -> settings.smartPay().origin();
            case "paylink.smartpay.user-agent" -> settings.smartPay().userAgent();
            case "paylink.smartpay.connect-timeout" -> millis(settings.smartPay().connectTimeout());
            case "paylink.smartpay.read-timeout" -> millis(settings.smartPay().readTimeout());
            case "paylink.smartpay.concurrency" -> String.valueOf(settings.smartPay().concurrency());
            // Camel counts redeliveries, the setting counts attempts.
            case "paylink.smartpay.redeliveries" -> String.valueOf(settings.smartPay().attempts() - 1);
            case "paylink.smartpay.backoff" -> millis(settings.smartPay().backoff());
            // max-requests-per-second as the Throttle EIP takes it: one request per this many ms (rounded up, so never
            // more than the rate; 0.5 is one per 2000 ms), and whether there is a limit at all (0: none).
            case "paylink.smartpay.throttled" -> String.valueOf(settings.smartPay().maxRequestsPerSecond().signum() > 0);
            case "paylink.smartpay.request-spacing" -> requestSpacing(settings.smartPay().maxRequestsPerSecond());
            case "paylink.mail.enabled" -> String.valueOf(mail.on());
            case "paylink.mail.host" -> mail.host();
            case "paylink.mail.port" -> String.valueOf(mail.port());
            case "paylink.mail.scheme" -> mail.security() == dev.paylink.delivery.MailSettings.Security.TLS ? "smtps" : "smtp";
            case "paylink.mail.starttls" -> String.valueOf(mail.security() == dev.paylink.delivery.MailSettings.Security.STARTTLS);
            case "paylink.mail.connect-timeout" -> millis(mail.connectTimeout());
            case "paylink.mail.read-timeout" -> millis(mail.readTimeout());
            // No login configured: no value, so an optional placeholder ({{?settings:...}}) leaves the option out (no SMTP AUTH).
            case "paylink.mail.username" -> blankToNull(mail.username());
            case "paylink.mail.password" -> mail.username() == null || mail.password() == null ? null : mail.password().value();
            default -> throw new IllegalArgumentException("{{settings:" + key + "}}: no such typed setting (see config.SettingsFunction)");
        };
    }

    private static String requestSpacing(java.math.BigDecimal perSecond) {
        if (perSecond.signum() <= 0) {
            return "1";
        }
        return java.math.BigDecimal.valueOf(1000).divide(perSecond, 0, java.math.RoundingMode.CEILING).max(java.math.BigDecimal.ONE).toPlainString();
    }

    private static String millis(Duration d) {
        return String.valueOf(d.toMillis());
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
