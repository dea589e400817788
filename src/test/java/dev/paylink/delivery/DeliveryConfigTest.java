package dev.paylink.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.paylink.events.EventTypes;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Reading routing and webhook endpoints from configuration keys and environment variables, and naming what is not used. */
class DeliveryConfigTest {

    private static final Instant START = Instant.parse("2026-11-21T10:00:00Z");

    private final Map<String, String> props = new HashMap<>();
    private final Map<String, String> env = new HashMap<>();

    /** Keys as the properties component has them; values as the app resolves them (environment included). */
    private DeliveryConfig config() {
        return new DeliveryConfig(k -> Optional.ofNullable(props.get(k)).map(String::strip).filter(v -> !v.isEmpty()),
                v -> Duration.ofDays(Long.parseLong(v.replace("d", ""))), props.keySet(), env);
    }

    /** {@code prefix + key = value} for each pair. */
    private void set(String prefix, String... keysAndValues) {
        for (int i = 0; i < keysAndValues.length; i += 2) {
            props.put(prefix + keysAndValues[i], keysAndValues[i + 1]);
        }
    }

    @Test
    void endpointsAreNamedByTheirKeysAndByEnvironmentVariablesAndTheOldUrlsBecomeDefault() {
        set("paylink.webhook.crm.", "url", "https://crm.example.com/hooks", "secret", "s-crm", "events", "payment.*, file.completed");
        // Only in the environment: the name comes from PAYLINK_WEBHOOK_ORDERS_CRM_URL, and Camel resolves
        // paylink.webhook.orders-crm.url and .secret from PAYLINK_WEBHOOK_ORDERS_CRM_URL and _SECRET (the lookup here stands in for it)
        env.put("PAYLINK_WEBHOOK_ORDERS_CRM_URL", "https://orders.example.com/in");
        DeliveryConfig config = new DeliveryConfig(k -> Optional.ofNullable(Map.of("paylink.webhook.orders-crm.url", "https://orders.example.com/in",
                "paylink.webhook.orders-crm.secret", "s-orders").getOrDefault(k, props.get(k))), v -> Duration.ZERO, props.keySet(), env);
        set("paylink.webhook.", "urls", "https://a.example.com/h, https://b.example.com/h", "secret", "s-shared");

        List<WebhookEndpoint> endpoints = config.endpoints(START);

        assertThat(endpoints).extracting(WebhookEndpoint::name).containsExactly("crm", "orders-crm", "default", "default-2");
        assertThat(endpoints).extracting(WebhookEndpoint::secret).containsExactly("s-crm", "s-orders", "s-shared", "s-shared");
        assertThat(endpoints.get(0).events()).containsExactly("payment.*", "file.completed");
        assertThat(endpoints.get(3).url()).isEqualTo("https://b.example.com/h");
        WebhookEndpoints all = WebhookEndpoints.of(endpoints);
        assertThat(all.takers(EventTypes.PAYMENT_PAID)).containsExactly("crm", "orders-crm", "default", "default-2");
        assertThat(all.takers(EventTypes.LINK_UNCERTAIN)).containsExactly("orders-crm", "default", "default-2");
    }

    @Test
    void anEndpointWithoutASecretOrWithABadUrlOrNameStopsTheStartSayingWhatToSet() {
        props.put("paylink.webhook.crm.url", "https://crm.example.com/hooks");
        assertThatThrownBy(() -> config().endpoints(START)).isInstanceOf(IllegalStateException.class)
                .hasMessage("webhook endpoint crm has no signing secret: set PAYLINK_WEBHOOK_CRM_SECRET (or paylink.webhook.crm.secret outside the repository)");

        props.put("paylink.webhook.crm.secret", "s");
        props.put("paylink.webhook.crm.url", "ftp://user:PASSWORD@crm.example.com/?token=TOKEN");
        assertThatThrownBy(() -> config().endpoints(START)).isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("paylink.webhook.crm.url: the webhook URL must be an absolute http(s) URL: ftp://***@crm.example.com/?token=***")
                .message().doesNotContain("PASSWORD", "TOKEN");

        props.clear();
        props.put("paylink.webhook.CRM.url", "https://crm.example.com/hooks");
        assertThatThrownBy(() -> config().endpoints(START)).isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("'CRM' in paylink.webhook.CRM.* is no endpoint name: use lower-case letters, digits and dashes");

        props.clear();
        props.put("paylink.webhook.default.url", "https://a.example.com/h");
        props.put("paylink.webhook.default.secret", "s");
        props.put("paylink.webhook.urls", "https://b.example.com/h");
        props.put("paylink.webhook.secret", "s");
        assertThatThrownBy(() -> config().endpoints(START)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("paylink.webhook.urls makes an endpoint named default, and paylink.webhook.default.url names one too");
    }

    @Test
    void thePreviousSecretIsUsedUntilAnInstantOrForADurationFromTheStart() {
        set("paylink.webhook.a.", "url", "https://a.example.com/h", "secret", "new", "previous-secret", "old", "previous-secret-until", "7d");
        set("paylink.webhook.b.", "url", "https://b.example.com/h", "secret", "new", "previous-secret", "old",
                "previous-secret-until", "2026-12-01T00:00:00Z");
        set("paylink.webhook.c.", "url", "https://c.example.com/h", "secret", "new", "previous-secret", "old");

        List<WebhookEndpoint> endpoints = config().endpoints(START);
        assertThat(endpoints.get(0).previousSecretUntil()).isEqualTo(START.plus(Duration.ofDays(7)));
        assertThat(endpoints.get(1).previousSecretUntil()).isEqualTo(Instant.parse("2026-12-01T00:00:00Z"));
        assertThat(endpoints.get(2).previousSecretUntil()).isNull();
        WebhookEndpoint b = endpoints.get(1);
        assertThat(b.secrets(Instant.parse("2026-11-30T23:59:59Z"))).containsExactly("new", "old");
        assertThat(b.secrets(Instant.parse("2026-12-01T00:00:00Z"))).containsExactly("new");
        assertThat(endpoints.get(2).secrets(START.plus(Duration.ofDays(999)))).containsExactly("new", "old");
        assertThat(endpoints).allSatisfy(e -> assertThat(e.toString()).doesNotContain("new", "old"));

        props.put("paylink.webhook.b.previous-secret-until", "next tuesday");
        assertThatThrownBy(() -> config().endpoints(START)).isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("configuration key paylink.webhook.b.previous-secret-until is 'next tuesday'; expected an instant");
    }

    @Test
    void keysAndEnvironmentVariablesThatNameNoEventTypeOrSettingAreNamed() {
        set("paylink.deliver.", "payment-status-changed", "file,webhook", "max-retry-after", "1h", "payment.status_changed", "file,webhook");
        set("paylink.mail.to.", "payment-paid", "a@example.com", "payment-payed", "a@example.com");
        set("paylink.webhook.", "timeout", "10s", "secrte", "x");
        set("paylink.webhook.crm.", "url", "https://crm.example.com/h", "secret", "s", "events", "payment.*,payment.payed,link.created");
        env.putAll(Map.of("PAYLINK_DELIVER_FILE_COMPLETED", "file", "PAYLINK_DELIVER_POLL_INTERVAL", "500", "PAYLINK_DELIVER_FILE_COMPLETE", "file",
                "PAYLINK_MAIL_TO_FILE_FAILED", "a@example.com", "PAYLINK_MAIL_TO_FILES_FAILED", "a@example.com"));

        DeliveryConfig config = config();
        List<WebhookEndpoint> endpoints = config.endpoints(START);
        List<String> warnings = config.warnings(config.outputsByType(), endpoints);

        String known = "; the event types are link-created, link-rejected, link-uncertain, link-duplicate, link-resolved, file-completed, "
                + "file-failed, payment-status-changed, payment-paid, payment-expired";
        assertThat(warnings).containsExactlyInAnyOrder(
                "paylink.deliver.payment.status_changed names no event type and no delivery setting: it is ignored" + known,
                "paylink.mail.to.payment-payed names no event type: it is ignored" + known,
                "paylink.webhook.secrte is no webhook setting: it is ignored; an endpoint has events, previous-secret, previous-secret-until, "
                        + "secret, url (paylink.webhook.<name>.url, ...)",
                "environment variable PAYLINK_DELIVER_FILE_COMPLETE names no event type and no delivery setting: it is ignored" + known,
                "environment variable PAYLINK_MAIL_TO_FILES_FAILED names no event type: it is ignored" + known,
                "webhook endpoint crm: events 'payment.payed' matches no event type; the event types are " + String.join(", ", EventTypes.ALL),
                "webhook endpoint crm asks for link.created, but paylink.deliver.link-created does not include webhook: it gets none");
    }

    @Test
    void theRoutingTableNamesOutputsRecipientsAndEndpointsAndNoSecret() {
        set("paylink.deliver.", "payment-paid", "file,mail,webhook", "payment-status-changed", "file,webhook", "link-created", "none");
        set("paylink.webhook.crm.", "url", "https://user:PASS@crm.example.com/h?token=TOKEN", "secret", "SECRET-CRM",
                "previous-secret", "SECRET-OLD", "events", "payment.paid");
        DeliveryConfig config = config();
        List<WebhookEndpoint> endpoints = config.endpoints(START);
        Map<String, List<String>> outputs = config.outputsByType();
        DeliveryRouting routing = new DeliveryRouting(outputs, config.mailRecipients("ops@example.com"),
                DeliveryConfig.webhookTargets(outputs, WebhookEndpoints.of(endpoints)));

        List<String> table = DeliveryConfig.table(routing, Set.of("file", "mail", "webhook"), endpoints, START);

        assertThat(table).contains(
                "  link.created           -> nothing (none)",
                "  payment.paid           -> file, mail to ops@example.com, webhook to crm",
                "  payment.status_changed -> file, webhook (no endpoint takes it)",
                "  webhook endpoint crm -> https://***@crm.example.com/h?token=***; events payment.paid; secret rotation: old and new signature");
        assertThat(String.join("\n", table)).doesNotContain("PASS", "TOKEN", "SECRET");
        assertThat(DeliveryConfig.table(routing, Set.of("file"), List.of(), START))
                .contains("  payment.paid           -> file, mail (off: no mail server), webhook (off: no endpoint)");
    }

    @Test
    void anUnknownOutputStopsTheStart() {
        props.put("paylink.deliver.file-completed", "file,sms!");
        assertThatThrownBy(() -> config().outputsByType()).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("paylink.deliver.file-completed names an unknown output 'sms!'; expected file, mail, webhook, the name of an output "
                        + "route (output-<name>), or none");
    }
}
