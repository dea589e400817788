package dev.paylink.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.paylink.delivery.MailSettings.Security;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class MailSettingsTest {

    private static final String SECRET = "pw-in-clear?";

    private final ListAppender<ILoggingEvent> log = new ListAppender<>();
    private final Logger logger = (Logger) LoggerFactory.getLogger(MailSettings.class);

    @BeforeEach
    void capture() {
        log.start();
        logger.addAppender(log);
    }

    @AfterEach
    void release() {
        logger.detachAppender(log);
    }

    private static MailSettings settings(Security security, String username, boolean allowPlainAuth) {
        return new MailSettings("smtp.example.com", 25, security, username, SECRET, "paylink@example.com", Path.of("outbox"),
                Duration.ofSeconds(10), Duration.ofSeconds(30), allowPlainAuth);
    }

    private List<ILoggingEvent> warnings() {
        return log.list.stream().filter(e -> e.getLevel() == Level.WARN).toList();
    }

    @Test
    void aLoginOverAPlainConnectionIsRefusedInOneLineNamingTheKey() {
        assertThatThrownBy(() -> settings(Security.NONE, "paylink", false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("paylink.mail.security: 'none' would send the SMTP password in clear; use starttls or tls, "
                        + "or set paylink.mail.allow-plain-auth=true")
                .hasMessageNotContaining(SECRET);
        // The 9-argument form (sandbox, tests) allows no plain login either.
        assertThatThrownBy(() -> new MailSettings("smtp.example.com", 25, Security.NONE, "paylink", SECRET, "paylink@example.com",
                Path.of("outbox"), Duration.ofSeconds(10), Duration.ofSeconds(30)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("paylink.mail.security: ");
    }

    @Test
    void allowedItIsWarnedAboutOnce() {
        MailSettings s = settings(Security.NONE, "paylink", true);

        assertThat(s.authenticates()).isTrue();
        assertThat(warnings()).singleElement().satisfies(e -> assertThat(e.getFormattedMessage())
                .contains("in clear").contains("paylink.mail.allow-plain-auth=true").contains("smtp.example.com:25").doesNotContain(SECRET));
    }

    @Test
    void noLoginOrAProtectedConnectionNeedsNothingAndSaysNothing() {
        settings(Security.NONE, null, false);
        settings(Security.NONE, "  ", false);
        settings(Security.STARTTLS, "paylink", false);
        settings(Security.TLS, "paylink", false);
        settings(Security.STARTTLS, "paylink", true);

        assertThat(warnings()).isEmpty();
    }
}
