package dev.paylink.smartpay;

import ch.qos.logback.classic.Level;
import dev.paylink.Durations;
import dev.paylink.config.PaylinkSettings;
import dev.paylink.support.LogCapture;
import dev.paylink.support.RouteContext;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;

/**
 * routes/smartpay.camel.yaml as the app runs it, alone in a CamelContext of its own: the real routes, the beans of
 * {@link SmartPayWiring}, the settings from application.properties with the test's overrides, SmartPay on 127.0.0.1.
 */
public final class SmartPayRoute implements AutoCloseable {

    static final String MERCHANT_KEY = "MK-4711";
    static final String AUTH_KEY = "äuth:key";
    /** base64(UTF-8 "MK-4711:äuth:key"), computed outside Java. */
    static final String BASIC = "Basic TUstNDcxMTrDpHV0aDprZXk=";
    static final String CLIENT_ID = "client-id-0042";
    static final String CLIENT_SECRET = "s3cr&t=x+y z/ä";
    static final String ORIGIN = "https://makler.example.de";
    static final String USER_AGENT = "paylink-routes/0.1.0 (+https://makler.example.de)";
    static final Duration BACKOFF = Duration.ofMillis(100);

    final CamelContext camel;
    final PaylinkSettings config;
    private final ProducerTemplate template;
    private final LogCapture retries = LogCapture.of(SmartPayHttp.class.getName());

    private SmartPayRoute(Path data, Map<String, String> settings, Clock clock) throws Exception {
        camel = RouteContext.camel(data, settings);
        config = RouteContext.settings(camel);
        SmartPayWiring.bind(camel, config.smartPay().client(), clock);
        RouteContext.routes(camel, "smartpay");
        camel.start();
        template = camel.createProducerTemplate();
    }

    /** Production settings for SmartPay at {@code fake}: basic or oauth2, {@code attempts}, a 100 ms backoff, then {@code more}. */
    public static Map<String, String> settings(FakeSmartPay fake, String auth, int attempts, String... more) {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("paylink.sandbox", "false");
        s.put("paylink.onoffice.token", "onoffice-token-for-tests");
        s.put("paylink.onoffice.secret", "onoffice-secret-for-tests");
        s.put("paylink.smartpay.enabled", "true");
        s.put("paylink.smartpay.url", fake.url().toString());
        s.put("paylink.smartpay.auth", auth);
        if (auth.equals("basic")) {
            s.put("paylink.smartpay.merchant-key", MERCHANT_KEY);
            s.put("paylink.smartpay.authentication-key", AUTH_KEY);
        } else {
            s.put("paylink.smartpay.client-id", CLIENT_ID);
            s.put("paylink.smartpay.client-secret", CLIENT_SECRET);
            s.put("paylink.smartpay.token-url", fake.tokenUrl().toString());
        }
        s.put("paylink.smartpay.origin", ORIGIN);
        s.put("paylink.smartpay.user-agent", USER_AGENT);
        s.put("paylink.smartpay.connect-timeout", "2s");
        s.put("paylink.smartpay.read-timeout", "5s");
        s.put("paylink.smartpay.attempts", String.valueOf(attempts));
        s.put("paylink.smartpay.backoff", BACKOFF.toMillis() + "ms");
        s.put("paylink.smartpay.fetch-payment-status", "false");
        for (int i = 0; i < more.length; i += 2) {
            s.put(more[i], more[i + 1]);
        }
        return s;
    }

    static SmartPayRoute start(Path data, Map<String, String> settings, Clock clock) throws Exception {
        return new SmartPayRoute(data, settings, clock);
    }

    /** One look-up through direct:smartpay-lookup, as the enrichment route makes it. */
    LinkLookup lookup(String paymentLinkId) {
        return template.requestBody("direct:smartpay-lookup", paymentLinkId, LinkLookup.class);
    }

    /** The waits announced before each further attempt ("next attempt in 100 ms"), in order, as the log says them. */
    List<String> waits() {
        Pattern next = Pattern.compile("next attempt in (.+)$");
        return retries.messages(Level.WARN).map(next::matcher).filter(Matcher::find).map(m -> m.group(1)).toList();
    }

    static String spoken(Duration d) {
        return Durations.spoken(d);
    }

    @Override
    public void close() {
        retries.close();
        camel.stop();
    }
}
