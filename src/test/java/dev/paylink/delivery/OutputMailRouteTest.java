package dev.paylink.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.InternetAddress;
import java.net.ConnectException;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.camel.BeanInject;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The route {@code output-mail} alone, under Camel Main (camel-test-main-junit5), against GreenMail (a real SMTP
 * server): a mail accepted, an SMTP server that is down (retry), one that refuses a recipient for good (failed), and a
 * recipient that is no address (failed without a send). The SMTP replies one by one are MailOutputTest's.
 */
@CamelMainTest(configurationClasses = OutputMailRouteTest.Beans.class, properties = {
        "paylink.test.route-only=output-mail", "camel.main.routes-include-pattern=classpath:routes/outputs.camel.yaml,classpath:routes/output-mail.camel.yaml"})
class OutputMailRouteTest {

    @RegisterExtension
    static GreenMailExtension smtp = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort()).withPerMethodLifecycle(false);

    /** What PaylinkConfiguration binds for the route: the mail bean and the typed settings, at GreenMail. */
    public static class Beans implements CamelConfiguration {
        @Override
        public void configure(CamelContext camel) {
            // Camel Main's package scan (PaylinkApp's Main(Application.class)) finds this class too: only act for this test
            if (!camel.getPropertiesComponent().resolveProperty("paylink.test.route-only").filter("output-mail"::equals).isPresent()) {
                return;
            }
            MailSettings settings = new MailSettings("127.0.0.1", smtp.getSmtp().getPort(), MailSettings.Security.NONE, null, null,
                    "paylink@example.com", Path.of("target"), Duration.ofSeconds(2), Duration.ofSeconds(5), true);
            camel.getPropertiesComponent().addPropertiesFunction(MailRoute.settings(settings));
            camel.getRegistry().bind("mailOutput", new MailOutput(settings, new MailRenderer(settings.outbox())));
        }
    }

    @BeanInject
    CamelContext camel;

    @org.junit.jupiter.api.BeforeEach
    void noMailYet() throws Exception {
        // one GreenMail for the class (it must run before Camel Main's context is made): start each test with none
        smtp.purgeEmailFromAllMailboxes();
    }

    private Exchange send(String to) {
        return camel.createProducerTemplate().send("direct:output-mail", e -> {
            e.setProperty(RouteOutput.TARGET, to);
            e.setProperty(RouteOutput.EVENT_ID, "ev-route");
            e.setProperty(RouteOutput.EVENT_TYPE, "file.failed");
            e.getIn().setBody(TestEvents.fileFailed("orders.csv", "no header line", null));
        });
    }

    @Test
    void aMailAcceptedByTheServerIsDelivered() throws Exception {
        Exchange done = send("ops@example.com");

        assertThat(done.getException()).isNull();
        assertThat(done.getProperty(RouteOutput.OUTCOME)).isNull();
        await().atMost(Duration.ofSeconds(10)).until(() -> smtp.getReceivedMessages().length == 1);
        assertThat(((InternetAddress) smtp.getReceivedMessages()[0].getAllRecipients()[0]).getAddress()).isEqualTo("ops@example.com");
    }

    @Test
    void anSmtpServerThatIsDownIsRetry() throws Exception {
        AdviceWith.adviceWith(camel, "output-mail", a -> a.weaveById("smtp-send").replace()
                .throwException(new MessagingException("Couldn't connect to host", new ConnectException("Connection refused"))));
        Exchange done = send("ops@example.com");

        assertThat(done.getException()).isNull();
        assertThat(done.getProperty(RouteOutput.OUTCOME)).isEqualTo(RouteOutput.RETRY);
        assertThat(done.getProperty(RouteOutput.DETAIL, String.class)).startsWith("SMTP server not reachable");
    }

    @Test
    void aRecipientRefusedForGoodIsFailed() throws Exception {
        AdviceWith.adviceWith(camel, "output-mail", a -> a.weaveById("smtp-send").replace()
                .throwException(new SMTPAddressFailedException(new InternetAddress("ops@example.com"), "RCPT TO", 550, "550 no such mailbox")));
        Exchange done = send("ops@example.com");

        assertThat(done.getProperty(RouteOutput.OUTCOME)).isEqualTo(RouteOutput.FAILED);
        assertThat(done.getProperty(RouteOutput.DETAIL, String.class)).startsWith("SMTP server refused the mail (550)");
    }

    @Test
    void aRecipientThatIsNoAddressIsFailedWithoutASend() {
        Exchange done = send("not an address");

        assertThat(done.getProperty(RouteOutput.OUTCOME)).isEqualTo(RouteOutput.FAILED);
        assertThat(done.getProperty(RouteOutput.DETAIL, String.class)).startsWith("bad recipient address");
        assertThat(smtp.getReceivedMessages()).isEmpty();
    }
}
