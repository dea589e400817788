package dev.paylink.smartpay;

import dev.paylink.support.MutableClock;
import static dev.paylink.smartpay.FakeSmartPay.Reply.json;
import static dev.paylink.smartpay.FakeSmartPay.replies;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.paylink.smartpay.SmartPaySettings.Auth;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** DEBUG per call, WARN with traceIds, and never a secret, token or Authorization value. */
class SmartPayLoggingTest {

    private static final String SECRET_TOKEN = "tok-SECRET-value";

    private FakeSmartPay fake;
    private final Logger logger = (Logger) LoggerFactory.getLogger(SmartPayClient.class);
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
    private Level before;

    @BeforeEach
    void start() throws IOException {
        fake = FakeSmartPay.start();
        before = logger.getLevel();
        logger.setLevel(Level.DEBUG);
        appender.start();
        logger.addAppender(appender);
    }

    @AfterEach
    void stop() {
        logger.detachAppender(appender);
        logger.setLevel(before);
        fake.close();
    }

    @Test
    void logsCallsAndTraceIdsButNoSecrets() {
        AtomicInteger tokens = new AtomicInteger();
        fake.on(FakeSmartPay.TOKEN_PATH, request -> tokens.incrementAndGet() == 3
                        ? json(401, "{\"error\":\"invalid_client\"}")
                        : json(200, "{\"access_token\":\"" + SECRET_TOKEN + tokens.get() + "\",\"expires_in\":3600}"))
                .on("/payment-links/PL-1", replies(json(401, "{\"message\":\"expired\"}"), json(200, "{\"id\":\"PL-1\"}")))
                .on("/payment-links/PL-2", replies(json(500, "{\"traceId\":\"trace-77\",\"errors\":[{\"message\":\"boom\"}]}")))
                .on("/payment-links/PL-3", replies(json(401, "{\"message\":\"no\"}")));
        SmartPayClient oauth = new SmartPayClient(new SmartPaySettings(fake.url(), Auth.OAUTH2, null, null,
                SmartPayClientTest.CLIENT_ID, SmartPayClientTest.CLIENT_SECRET, fake.tokenUrl(), SmartPayClientTest.ORIGIN,
                SmartPayClientTest.USER_AGENT, Duration.ofSeconds(2), Duration.ofSeconds(5), 2, Duration.ofMillis(10), false),
                new MutableClock(Instant.parse("2025-01-01T00:00:00Z")), new RecordingSleeper());
        SmartPayClient basic = new SmartPayClient(new SmartPaySettings(fake.url(), Auth.BASIC, SmartPayClientTest.MERCHANT_KEY,
                SmartPayClientTest.AUTH_KEY, null, null, null, SmartPayClientTest.ORIGIN, SmartPayClientTest.USER_AGENT,
                Duration.ofSeconds(2), Duration.ofSeconds(5), 2, Duration.ofMillis(10), false),
                new MutableClock(Instant.parse("2025-01-01T00:00:00Z")), new RecordingSleeper());

        oauth.lookup("PL-1");
        oauth.lookup("PL-2");
        oauth.lookup("PL-3");
        basic.lookup("PL-2");
        basic.lookup("PL-3");

        List<String> lines = appender.list.stream().map(e -> e.getLevel() + " " + e.getFormattedMessage()).toList();
        assertThat(lines).anySatisfy(l -> assertThat(l).matches("DEBUG SmartPay GET /payment-links/PL-1 -> HTTP 200 in \\d+ ms"));
        assertThat(lines).anySatisfy(l -> assertThat(l).matches("DEBUG SmartPay POST /oauth2/token -> HTTP 200 in \\d+ ms"));
        assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("WARN ").contains("trace-77"));
        assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("WARN ").contains("cl****42"));
        String all = String.join("\n", lines) + appender.list.stream()
                .map(e -> e.getThrowableProxy() == null ? "" : e.getThrowableProxy().getMessage()).reduce("", String::concat);
        assertThat(all).doesNotContain(SECRET_TOKEN, SmartPayClientTest.CLIENT_SECRET, "s3cr", SmartPayClientTest.CLIENT_ID,
                SmartPayClientTest.AUTH_KEY, SmartPayClientTest.MERCHANT_KEY, SmartPayClientTest.BASIC.substring(6), "Bearer ",
                "Basic ");
    }
}
