package dev.paylink.smartpay;

import static dev.paylink.smartpay.FakeSmartPay.Reply.json;
import static dev.paylink.smartpay.FakeSmartPay.replies;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.paylink.support.MutableClock;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * DEBUG per call, WARN per failed attempt with traceIds, and never a secret, token or Authorization value: neither in
 * our lines (dev.paylink at DEBUG) nor in Camel's (its error handler, camel-http) at their usual levels.
 */
class SmartPayLoggingTest {

    private static final String SECRET_TOKEN = "tok-SECRET-value";

    @TempDir
    Path data;

    private FakeSmartPay fake;
    private final Logger ours = (Logger) LoggerFactory.getLogger("dev.paylink");
    private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
    private Level before;

    @BeforeEach
    void start() throws IOException {
        fake = FakeSmartPay.start();
        before = ours.getLevel();
        ours.setLevel(Level.DEBUG);
        appender.start();
        root.addAppender(appender);
    }

    @AfterEach
    void stop() {
        root.detachAppender(appender);
        ours.setLevel(before);
        fake.close();
    }

    @Test
    void logsCallsAndTraceIdsButNoSecrets() throws Exception {
        AtomicInteger tokens = new AtomicInteger();
        fake.on(FakeSmartPay.TOKEN_PATH, request -> tokens.incrementAndGet() == 3
                        ? json(401, "{\"error\":\"invalid_client\"}")
                        : json(200, "{\"access_token\":\"" + SECRET_TOKEN + tokens.get() + "\",\"expires_in\":3600}"))
                .on("/payment-links/PL-1", replies(json(401, "{\"message\":\"expired\"}"), json(200, "{\"id\":\"PL-1\"}")))
                .on("/payment-links/PL-2", replies(json(500, "{\"traceId\":\"trace-77\",\"errors\":[{\"message\":\"boom\"}]}")))
                .on("/payment-links/PL-3", replies(json(401, "{\"message\":\"no\"}")));
        MutableClock clock = new MutableClock(Instant.parse("2025-01-01T00:00:00Z"));
        try (SmartPayRoute oauth = SmartPayRoute.start(data.resolve("oauth"), SmartPayRoute.settings(fake, "oauth2", 2,
                "paylink.smartpay.backoff", "10ms"), clock);
             SmartPayRoute basic = SmartPayRoute.start(data.resolve("basic"), SmartPayRoute.settings(fake, "basic", 2,
                     "paylink.smartpay.backoff", "10ms"), clock)) {
            oauth.lookup("PL-1");
            oauth.lookup("PL-2");
            oauth.lookup("PL-3");
            basic.lookup("PL-2");
            basic.lookup("PL-3");
        }

        List<String> lines = appender.list.stream().map(e -> e.getLevel() + " " + e.getFormattedMessage()).toList();
        assertThat(lines).anySatisfy(l -> assertThat(l).matches("DEBUG SmartPay GET /payment-links/PL-1 -> HTTP 200 in \\d+ ms"));
        assertThat(lines).anySatisfy(l -> assertThat(l).matches("DEBUG SmartPay POST /oauth2/token -> HTTP 200 in \\d+ ms"));
        assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("WARN ").contains("trace-77"));
        assertThat(lines).anySatisfy(l -> assertThat(l)
                .isEqualTo("WARN SmartPay GET /payment-links/PL-2 (attempt 1 of 2): HTTP 500 for link PL-2: boom (traceId trace-77); "
                        + "next attempt in 10 ms"));
        assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("WARN ").contains("cl****42"));
        String all = String.join("\n", lines) + appender.list.stream()
                .map(e -> e.getThrowableProxy() == null ? "" : e.getThrowableProxy().getMessage()).reduce("", String::concat);
        assertThat(all).doesNotContain(SECRET_TOKEN, SmartPayRoute.CLIENT_SECRET, "s3cr", SmartPayRoute.CLIENT_ID,
                SmartPayRoute.AUTH_KEY, SmartPayRoute.MERCHANT_KEY, SmartPayRoute.BASIC.substring(6), "Bearer ", "Basic ");
    }
}
