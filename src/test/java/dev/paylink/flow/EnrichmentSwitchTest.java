package dev.paylink.flow;

import static dev.paylink.support.Drops.awaitSummary;
import static dev.paylink.support.Drops.drop;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import dev.paylink.enrichment.Enrichment;
import dev.paylink.support.LogCapture;
import dev.paylink.support.PaylinkApp;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Whether tracked payment links are looked up is never a silent matter: SmartPay credentials turn enrichment on unless
 * {@code paylink.smartpay.enabled=false}, and while it is off, links that wait are named at start and per file.
 */
class EnrichmentSwitchTest {

    private static final String TRACKING = "paymentLinkId,reference\nPL-1,T-1\nPL-2,T-2\n";

    @TempDir
    Path data;

    @RegisterExtension
    final LogCapture logs = LogCapture.all();

    /** Production mode against nothing: no file here is sent to onOffice, and no enrichment cycle is due. */
    private static Map<String, String> production(String... keysAndValues) {
        Map<String, String> m = new LinkedHashMap<>(Map.of("paylink.sandbox", "false", "paylink.onoffice.url", "http://127.0.0.1:9/api.php",
                "paylink.onoffice.token", "token-for-tests", "paylink.onoffice.secret", "secret-for-tests",
                "paylink.smartpay.url", "http://127.0.0.1:9", "paylink.smartpay.cron", "0 0 0 1 1 ? 2099"));
        for (int i = 0; i < keysAndValues.length; i += 2) {
            m.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return m;
    }

    private List<String> warnings(String containing) {
        return logs.messages(Level.WARN).filter(m -> m.contains(containing)).toList();
    }

    @Test
    void smartPayCredentialsAloneTurnEnrichmentOn() throws Exception {
        try (PaylinkApp app = PaylinkApp.start(data, production("paylink.smartpay.merchant-key", "merchant",
                "paylink.smartpay.authentication-key", "auth-key-for-tests"))) {
            assertThat(app.camel().getRoute("enrichment")).isNotNull();
            assertThat(app.bean("enrichment", Enrichment.class)).isNotNull();
        }
        assertThat(logs.messages())
                .anyMatch(m -> m.startsWith("SmartPay enrichment: on (SmartPay credentials are set and paylink.smartpay.enabled is not false)"));
    }

    @Test
    void switchedOffEnrichmentSaysSoForEachFileThatTracksLinksAndAtEveryStart() throws Exception {
        Map<String, String> off = production("paylink.smartpay.enabled", "false", "paylink.smartpay.merchant-key", "merchant",
                "paylink.smartpay.authentication-key", "auth-key-for-tests");
        try (PaylinkApp app = PaylinkApp.start(data, off)) {
            assertThat(app.camel().getRoute("enrichment")).isNull();
            drop(app.inbox(), "tracking.csv", TRACKING);
            drop(app.inbox(), "orders.csv", "transactionid,priceNet,description\n");
            awaitSummary(app.outbox(), "tracking");
            awaitSummary(app.outbox(), "orders");
        }
        assertThat(warnings("SmartPay enrichment is off")).containsExactly("tracking.csv: 2 payment links to track, but SmartPay enrichment is "
                + "off (paylink.smartpay.enabled=false); they are not looked up until enrichment is on");

        logs.clear();
        try (PaylinkApp app = PaylinkApp.start(data, off)) {
            assertThat(warnings("SmartPay enrichment is off")).containsExactly("SmartPay enrichment is off (paylink.smartpay.enabled=false), "
                    + "but 2 tracked payment links are open: they are not looked up until enrichment is on");
        }
    }
}
