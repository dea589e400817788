package dev.paylink.observe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.paylink.config.ConfigurationException;
import java.io.InputStream;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class ObserveSettingsTest {

    private static Map<String, String> shipped() throws Exception {
        Properties p = new Properties();
        try (InputStream in = ObserveSettingsTest.class.getResourceAsStream("/application.properties")) {
            p.load(in);
        }
        Map<String, String> m = new HashMap<>();
        p.stringPropertyNames().forEach(k -> m.put(k, p.getProperty(k)));
        return m;
    }

    private static ObserveSettings read(Map<String, String> keys) {
        return ObserveSettings.read(k -> Optional.ofNullable(keys.get(k)));
    }

    @Test
    void theShippedDefaultsAreValid() throws Exception {
        ObserveSettings s = read(shipped());

        assertThat(s.maxDeadLetters()).isZero();
        assertThat(s.maxPendingDeliveries()).isEqualTo(1000);
        assertThat(s.maxPendingAge()).isEqualTo(Duration.ofMinutes(30));
        assertThat(s.smartPayCache()).isEqualTo(Duration.ofSeconds(30));
        assertThat(s.countsCache()).isEqualTo(Duration.ofSeconds(10));
        assertThat(s.ledgerTimeout()).isEqualTo(Duration.ofSeconds(3));
    }

    @Test
    void everyMalformedKeyIsOneLineNamingIt() throws Exception {
        Map<String, String> keys = shipped();
        keys.put("paylink.observe.max-dead-letters", "-1");
        keys.put("paylink.observe.max-pending-deliveries", "many");
        keys.put("paylink.observe.max-pending-age", "soon");
        keys.put("paylink.observe.ledger-timeout", "0s");
        keys.remove("paylink.observe.counts-cache");
        keys.put("paylink.observe.port", "abc");
        keys.put("paylink.observe.host", " ");

        ConfigurationException e = catchThrowableOfType(ConfigurationException.class, () -> read(keys));

        assertThat(e.lines()).containsExactlyInAnyOrder(
                "configuration: paylink.observe.port: 'abc' is not a port from 0 to 65535",
                "configuration: paylink.observe.host: must be set (e.g. 127.0.0.1)",
                "configuration: paylink.observe.ledger-timeout: '0s' is not a positive duration (e.g. 3s, 500ms, PT3S)",
                "configuration: paylink.observe.counts-cache: must be set (e.g. 5s)",
                "configuration: paylink.observe.max-dead-letters: '-1' is not a whole number of 0 or more",
                "configuration: paylink.observe.max-pending-deliveries: 'many' is not a whole number of 0 or more",
                "configuration: paylink.observe.max-pending-age: 'soon' is not a duration (e.g. 3s, 500ms, PT3S)");
    }
}
