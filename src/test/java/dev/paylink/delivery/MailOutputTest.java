package dev.paylink.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;
import dev.paylink.events.EventTypes;
import jakarta.mail.BodyPart;
import jakarta.mail.Message;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MailOutputTest {

    private static final String FROM = "paylink@example.com";
    private static final String OPS = "ops@example.com";
    private static final String PASSWORD = "s3cr&t+pw%=?x";

    @RegisterExtension
    static GreenMailExtension smtp = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort());

    @TempDir
    Path outbox;
    CamelContext camel;

    @AfterEach
    void stop() throws Exception {
        if (camel != null) {
            camel.close();
        }
    }

    private MailSettings settings(int port, MailSettings.Security security, String username, String password, Duration readTimeout) {
        // allowPlainAuth: GreenMail speaks plain SMTP only, and the login tests run over it.
        return new MailSettings("127.0.0.1", port, security, username, password, "paylink <" + FROM + ">", outbox, Duration.ofSeconds(2), readTimeout,
                true);
    }

    private Output output(MailSettings settings) throws Exception {
        camel = MailRoute.start(settings);
        return MailRoute.output(camel);
    }

    private Output greenMailOutput() throws Exception {
        return output(settings(smtp.getSmtp().getPort(), MailSettings.Security.NONE, null, null, Duration.ofSeconds(5)));
    }

    private static Delivery delivery(String target, String payload) {
        return new Delivery(1, "ev-1", "file.completed", "mail", target, payload, 0, Instant.now());
    }

    private MimeMessage onlyMessage() {
        await().atMost(Duration.ofSeconds(10)).until(() -> smtp.getReceivedMessages().length >= 1);
        MimeMessage[] all = smtp.getReceivedMessages();
        assertThat(all).hasSize(1);
        return all[0];
    }

    @Test
    void fileCompletedMailHasTextHtmlAndTheResultsCsv() throws Exception {
        String csv = "line,status,url\n1,CREATED,https://pay.example.com/a\n2,REJECTED,\n";
        Files.writeString(outbox.resolve("orders.results.csv"), csv, StandardCharsets.UTF_8);
        Output mail = greenMailOutput();

        DeliveryResult result = mail.deliver(delivery(OPS, TestEvents.fileCompleted("orders.csv", TestEvents.counts(4, 1, 0, 0, 1, 0),
                List.of("colour"), "orders.results.csv")));

        assertThat(result).isInstanceOf(DeliveryResult.Delivered.class);
        MimeMessage m = onlyMessage();
        assertThat(m.getRecipients(Message.RecipientType.TO)).extracting(a -> ((InternetAddress) a).getAddress()).containsExactly(OPS);
        assertThat(((InternetAddress) m.getFrom()[0]).getAddress()).isEqualTo(FROM);
        assertThat(m.getSubject()).isEqualTo("paylink: orders.csv done — 4 created, 1 rejected, 1 invalid");
        // The attachment sits beside the text/HTML alternative, not inside its HTML branch: a client that shows the plain
        // part lists it too.
        assertThat(structure(m)).isEqualTo("multipart/mixed[multipart/alternative[text/plain, text/html], text/csv attachment orders.results.csv]");

        List<Part> leaves = leaves(m);
        Part text = leaves.stream().filter(p -> is(p, "text/plain")).findFirst().orElseThrow();
        Part html = leaves.stream().filter(p -> is(p, "text/html")).findFirst().orElseThrow();
        Part attachment = leaves.stream().filter(p -> "orders.results.csv".equals(fileName(p))).findFirst().orElseThrow();
        assertThat(text.getContentType()).containsIgnoringCase("charset=UTF-8");
        assertThat((String) text.getContent()).contains("The file orders.csv was processed: 6 rows.").containsPattern("CREATED:\\s+4");
        assertThat((String) html.getContent()).contains("<b>orders.csv</b>").contains("attached as <b>orders.results.csv</b>");
        assertThat(attachment.getDisposition()).isEqualToIgnoringCase(Part.ATTACHMENT);
        assertThat(attachment.getContentType()).startsWith("text/csv");
        assertThat(new String(attachment.getInputStream().readAllBytes(), StandardCharsets.UTF_8).replace("\r\n", "\n")).isEqualTo(csv);
    }

    @Test
    void aMailWithoutAttachmentIsTextAndHtmlAlternatives() throws Exception {
        Output mail = greenMailOutput();

        // file.completed whose results file is missing: nothing to attach.
        DeliveryResult result = mail.deliver(delivery(OPS, TestEvents.fileCompleted("orders.csv", TestEvents.counts(1, 0, 0, 0, 0, 0),
                List.of(), "orders.results.csv")));

        assertThat(result).isInstanceOf(DeliveryResult.Delivered.class);
        assertThat(structure(onlyMessage())).isEqualTo("multipart/alternative[text/plain, text/html]");
    }

    @Test
    void everySendOfOneEventCarriesTheSameMessageIdAndTheEventId() throws Exception {
        Output mail = greenMailOutput();
        String payload = TestEvents.fileFailed("x.csv", "empty file", null);

        assertThat(mail.deliver(new Delivery(1, "0f8e5a52-3b8c-3d4e-9a7f-2c1d5e6f7a8b", EventTypes.FILE_FAILED, "mail", OPS, payload, 0,
                Instant.now()))).isInstanceOf(DeliveryResult.Delivered.class);
        // The same event again (a retry after a lost answer, a replayed dead letter), then another event.
        assertThat(mail.deliver(new Delivery(1, "0f8e5a52-3b8c-3d4e-9a7f-2c1d5e6f7a8b", EventTypes.FILE_FAILED, "mail", OPS, payload, 3,
                Instant.now()))).isInstanceOf(DeliveryResult.Delivered.class);
        assertThat(mail.deliver(new Delivery(2, "6a1b2c3d-0000-3000-8000-000000000002", EventTypes.FILE_FAILED, "mail", OPS, payload, 0,
                Instant.now()))).isInstanceOf(DeliveryResult.Delivered.class);

        await().atMost(Duration.ofSeconds(10)).until(() -> smtp.getReceivedMessages().length == 3);
        MimeMessage[] got = smtp.getReceivedMessages();
        assertThat(got[0].getMessageID()).isEqualTo("<0f8e5a52-3b8c-3d4e-9a7f-2c1d5e6f7a8b@example.com>");
        assertThat(got[1].getMessageID()).isEqualTo(got[0].getMessageID());
        assertThat(got[2].getMessageID()).isEqualTo("<6a1b2c3d-0000-3000-8000-000000000002@example.com>");
        assertThat(got[0].getHeader(MailComposer.EVENT_ID_HEADER)).containsExactly("0f8e5a52-3b8c-3d4e-9a7f-2c1d5e6f7a8b");
        assertThat(got[1].getHeader(MailComposer.EVENT_ID_HEADER)).containsExactly("0f8e5a52-3b8c-3d4e-9a7f-2c1d5e6f7a8b");
        assertThat(got[2].getHeader(MailComposer.EVENT_ID_HEADER)).containsExactly("6a1b2c3d-0000-3000-8000-000000000002");
    }

    @Test
    void theMessageIdTakesTheDomainOfFromAndOnlySafeCharacters() {
        assertThat(MailComposer.messageId("ab-12", "paylink <paylink@mail.example.com>")).isEqualTo("<ab-12@mail.example.com>");
        assertThat(MailComposer.messageId("a b<c>@d\r\n", "paylink@example.com")).isEqualTo("<a_b_c__d__@example.com>");
        assertThat(MailComposer.messageId("ab-12", "paylink")).isEqualTo("<ab-12@paylink-routes>");
    }

    @Test
    void paymentMailGoesToEveryRecipientOnce() throws Exception {
        Output mail = greenMailOutput();

        DeliveryResult result = mail.deliver(new Delivery(2, "ev-2", EventTypes.PAYMENT_PAID, "mail", "a@example.com, b@example.com",
                TestEvents.payment(EventTypes.PAYMENT_PAID, "OPEN", "CAPTURED", new BigDecimal("149.00")), 0, Instant.now()));

        assertThat(result).isInstanceOf(DeliveryResult.Delivered.class);
        await().atMost(Duration.ofSeconds(10)).until(() -> smtp.getReceivedMessages().length == 2);
        for (MimeMessage m : smtp.getReceivedMessages()) {
            assertThat(m.getSubject()).isEqualTo("paylink: payment received 149.00 EUR (PL-4711)");
            assertThat(m.getAllRecipients()).extracting(a -> ((InternetAddress) a).getAddress()).containsExactly("a@example.com", "b@example.com");
            assertThat(leaves(m)).extracting(MailOutputTest::fileName).containsOnlyNulls();
        }
    }

    @Test
    void dataCannotInjectHeadersAndNonAsciiSurvives() throws Exception {
        Output mail = greenMailOutput();
        String name = "Müller – Übersetzung\r\nBcc: victim@example.com\r\nX-Evil: 1.csv";

        DeliveryResult result = mail.deliver(delivery(OPS, TestEvents.fileCompleted(name, TestEvents.counts(1, 0, 0, 0, 0, 0), List.of(), null)));

        assertThat(result).isInstanceOf(DeliveryResult.Delivered.class);
        MimeMessage m = onlyMessage();
        assertThat(m.getAllRecipients()).extracting(a -> ((InternetAddress) a).getAddress()).containsExactly(OPS);
        assertThat(m.getHeader("Bcc")).isNull();
        assertThat(m.getHeader("X-Evil")).isNull();
        assertThat(smtp.getUserManager().getUserByEmail("victim@example.com")).isNull();
        assertThat(m.getSubject()).isEqualTo("paylink: Müller – Übersetzung Bcc: victim@example.com X-Evil: 1.csv done — 1 created");
        // On the wire the subject is RFC 2047 encoded UTF-8 (pure ASCII, folded lines only).
        String raw = m.getHeader("Subject")[0];
        assertThat(raw).contains("=?UTF-8?").matches("[\\x20-\\x7e\\r\\n\\t]+");
    }

    @Test
    void camelHeadersFromUpstreamHaveNoEffect() throws Exception {
        greenMailOutput();
        // A caller of the route that leaves headers behind: recipients, Jakarta Mail session properties (camel-mail
        // reads mail.smtp.* headers; mail.smtp.from would become the envelope sender), a header with a line break.
        Exchange result = camel.createProducerTemplate().send(RouteOutput.endpoint("mail"), e -> {
            e.getIn().setHeader("To", "attacker@evil.example");
            e.getIn().setHeader("Bcc", "victim@example.com");
            e.getIn().setHeader("Subject", "forged");
            e.getIn().setHeader("mail.smtp.port", "1");
            e.getIn().setHeader("mail.smtp.host", "192.0.2.1");
            e.getIn().setHeader("mail.smtp.from", "bounces@evil.example");
            e.getIn().setHeader("Content-Type", "text/plain; charset=US-ASCII");
            e.getIn().setHeader("X-Injected", "yes\r\nBcc: victim2@example.com");
            e.setProperty(RouteOutput.TARGET, OPS);
            e.setProperty(RouteOutput.EVENT_ID, "ev-1");
            e.setProperty(RouteOutput.EVENT_TYPE, "file.completed");
            e.getIn().setBody(TestEvents.fileCompleted("orders-äöü.csv", TestEvents.counts(1, 0, 0, 0, 0, 0), List.of(), "orders.results.csv"));
        });

        assertThat(result.getException()).isNull();
        MimeMessage m = onlyMessage();
        assertThat(m.getAllRecipients()).extracting(a -> ((InternetAddress) a).getAddress()).containsExactly(OPS);
        assertThat(m.getSubject()).isNotEqualTo("forged").contains("orders-äöü.csv");
        assertThat(m.getHeader("Bcc")).isNull();
        assertThat(m.getHeader("X-Injected")).isNull();
        // mail.smtp.from as a header would have become the envelope sender (where bounces go).
        assertThat(m.getHeader("Return-Path")).singleElement().asString().contains(FROM);
        assertThat(m.getContentType()).startsWith("multipart/alternative");
        assertThat(smtp.getUserManager().getUserByEmail("attacker@evil.example")).isNull();
        assertThat(smtp.getUserManager().getUserByEmail("victim2@example.com")).isNull();
    }

    @Test
    void loginWithAPasswordFullOfUriCharacters() throws Exception {
        smtp.setUser(FROM, "paylink", PASSWORD);
        Output mail = output(settings(smtp.getSmtp().getPort(), MailSettings.Security.NONE, "paylink", PASSWORD, Duration.ofSeconds(5)));

        DeliveryResult result = mail.deliver(delivery(OPS, TestEvents.fileFailed("x.csv", "empty file", null)));

        assertThat(result).isInstanceOf(DeliveryResult.Delivered.class);
        assertThat(onlyMessage().getSubject()).isEqualTo("paylink: x.csv could not be read — empty file");
    }

    @Test
    void wrongCredentialsAreRetryWithAHintAndNoPassword() throws Exception {
        smtp.setUser(FROM, "paylink", "the-right-one");
        Output mail = output(settings(smtp.getSmtp().getPort(), MailSettings.Security.NONE, "paylink", PASSWORD, Duration.ofSeconds(5)));

        DeliveryResult result = mail.deliver(delivery(OPS, TestEvents.fileFailed("x.csv", "empty file", null)));

        assertThat(result).isInstanceOfSatisfying(DeliveryResult.Retry.class, r -> assertThat(r.error())
                .contains("credentials").contains("wrong").doesNotContain(PASSWORD).doesNotContain("s3cr"));
        assertThat(smtp.getReceivedMessages()).isEmpty();
    }

    @Test
    void starttlsRequiredIsNeverAPlainTextFallBack() throws Exception {
        // GreenMail's plain SMTP does not offer STARTTLS: the mail must not go out unprotected.
        Output mail = output(settings(smtp.getSmtp().getPort(), MailSettings.Security.STARTTLS, null, null, Duration.ofSeconds(5)));

        DeliveryResult result = mail.deliver(delivery(OPS, TestEvents.fileFailed("x.csv", "empty file", null)));

        assertThat(result).isInstanceOfSatisfying(DeliveryResult.Retry.class, r -> assertThat(r.error()).containsIgnoringCase("STARTTLS"));
        assertThat(smtp.getReceivedMessages()).isEmpty();
    }

    @Test
    void smtpDownIsRetry() throws Exception {
        int unused;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            unused = s.getLocalPort();
        }
        Output mail = output(settings(unused, MailSettings.Security.NONE, null, null, Duration.ofSeconds(5)));

        DeliveryResult result = mail.deliver(delivery(OPS, TestEvents.fileFailed("x.csv", "empty file", null)));

        assertThat(result).isInstanceOfSatisfying(DeliveryResult.Retry.class, r -> assertThat(r.error()).contains("not reachable"));
    }

    @Test
    void aServerThatNeverAnswersIsRetryAfterTheReadTimeout() throws Exception {
        try (StubSmtp silent = new StubSmtp(Map.of(), true)) {
            Output mail = output(settings(silent.port(), MailSettings.Security.NONE, null, null, Duration.ofMillis(500)));

            long start = System.nanoTime();
            DeliveryResult result = mail.deliver(delivery(OPS, TestEvents.fileFailed("x.csv", "empty file", null)));

            assertThat(result).isInstanceOfSatisfying(DeliveryResult.Retry.class, r -> assertThat(r.error()).containsIgnoringCase("timed out"));
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(4));
        }
    }

    /**
     * Reply codes GreenMail will not give on demand come from {@link StubSmtp}, a scripted server on loopback: it
     * answers the named command with the given reply and everything else with 250.
     */
    @ParameterizedTest(name = "{0} answered ''{1}'' -> {2}")
    @CsvSource(delimiter = '|', value = {
            "RCPT | 550 5.1.1 mailbox unavailable       | Failed",
            "RCPT | 553 5.1.3 bad destination address   | Failed",
            "RCPT | 450 4.2.1 mailbox busy, try later   | Retry",
            "RCPT | 452 4.3.1 insufficient storage      | Retry",
            "MAIL | 553 5.7.1 sender address rejected   | Failed",
            "MAIL | 451 4.3.0 try again later           | Retry",
            "MAIL | 530 5.7.0 authentication required   | Retry",
            "DATA | 554 5.7.1 message refused as spam   | Failed",
            "DATA | 552 5.3.4 message too big           | Failed",
            "DATA | 421 4.3.2 shutting down             | Retry",
    })
    void smtpRepliesMapToRetryOrFailed(String command, String reply, String expected) throws Exception {
        try (StubSmtp stub = new StubSmtp(Map.of(command, reply), false)) {
            Output mail = output(settings(stub.port(), MailSettings.Security.NONE, null, null, Duration.ofSeconds(5)));

            DeliveryResult result = mail.deliver(delivery(OPS, TestEvents.fileFailed("x.csv", "empty file", null)));

            assertThat(result.getClass().getSimpleName()).isEqualTo(expected);
            String error = result instanceof DeliveryResult.Retry r ? r.error() : ((DeliveryResult.Failed) result).error();
            assertThat(error).contains(reply.substring(0, 3));
            if (reply.startsWith("530")) {
                assertThat(error).contains("credentials");
            }
        }
    }

    @Test
    void malformedRecipientsFailWithoutSending() throws Exception {
        Output mail = greenMailOutput();
        String payload = TestEvents.fileFailed("x.csv", "empty file", null);

        for (String target : List.of("", "not an address", "ops@example.com\r\nBcc: victim@example.com", "ops@", "group: a@example.com;")) {
            assertThat(mail.deliver(delivery(target, payload))).as(target).isInstanceOf(DeliveryResult.Failed.class);
        }
        assertThat(smtp.getReceivedMessages()).isEmpty();
    }

    @Test
    void anEventWithoutAMailIsFailed() throws Exception {
        Output mail = greenMailOutput();

        DeliveryResult result = mail.deliver(delivery(OPS, TestEvents.json("thing.happened", Map.of("a", 1))));

        assertThat(result).isInstanceOfSatisfying(DeliveryResult.Failed.class, f -> assertThat(f.error()).contains("no mail for event type"));
        assertThat(smtp.getReceivedMessages()).isEmpty();
    }

    @Test
    void theOutputIsCalledMailAndSettingsHideThePassword() {
        MailSettings s = settings(25, MailSettings.Security.TLS, "user", PASSWORD, Duration.ofSeconds(30));
        assertThat(new RouteOutput(MailOutput.NAME, null, false, t -> t, java.time.Clock.systemUTC()).name()).isEqualTo("mail");
        assertThat(s.toString()).doesNotContain(PASSWORD).contains("<hidden>");
    }

    @Test
    void withoutMailConfiguredTheRouteIsNotCreated() throws Exception {
        try (CamelContext plain = new org.apache.camel.impl.DefaultCamelContext()) {
            // paylink.mail.host not set: the typed settings say mail is off.
            plain.getPropertiesComponent().setLocation("classpath:application.properties");
            plain.getPropertiesComponent().addOverrideProperty("paylink.sandbox", "true");
            plain.getPropertiesComponent().addPropertiesFunction(new dev.paylink.config.SettingsFunction(
                    dev.paylink.config.PaylinkSettings.bind(plain.getPropertiesComponent())));
            org.apache.camel.support.PluginHelper.getRoutesLoader(plain)
                    .loadRoutes(org.apache.camel.support.ResourceHelper.resolveResource(plain, "classpath:routes/output-mail.camel.yaml"));
            plain.start();
            assertThat(plain.getRoute("output-mail")).isNull();
        }
    }

    private static boolean is(Part p, String type) {
        try {
            return p.isMimeType(type) && fileName(p) == null;
        } catch (Exception e) {
            return false;
        }
    }

    private static String fileName(Part p) {
        try {
            return p.getFileName();
        } catch (Exception e) {
            return null;
        }
    }

    /** The MIME tree as base types, e.g. {@code multipart/mixed[multipart/alternative[text/plain, text/html], text/csv attachment x.csv]}. */
    private static String structure(Part part) throws Exception {
        String type = new ContentType(part.getContentType()).getBaseType().toLowerCase(java.util.Locale.ROOT);
        if (part.isMimeType("multipart/*")) {
            Multipart mp = (Multipart) part.getContent();
            List<String> children = new ArrayList<>();
            for (int i = 0; i < mp.getCount(); i++) {
                children.add(structure(mp.getBodyPart(i)));
            }
            return type + "[" + String.join(", ", children) + "]";
        }
        return Part.ATTACHMENT.equalsIgnoreCase(part.getDisposition()) ? type + " attachment " + part.getFileName() : type;
    }

    private static List<Part> leaves(Part part) throws Exception {
        List<Part> out = new ArrayList<>();
        if (part.isMimeType("multipart/*")) {
            Multipart mp = (Multipart) part.getContent();
            for (int i = 0; i < mp.getCount(); i++) {
                BodyPart child = mp.getBodyPart(i);
                out.addAll(leaves(child));
            }
        } else {
            out.add(part);
        }
        return out;
    }
}
