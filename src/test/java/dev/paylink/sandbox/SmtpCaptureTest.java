package dev.paylink.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.paylink.delivery.Delivery;
import dev.paylink.delivery.DeliveryResult;
import dev.paylink.delivery.MailOutput;
import dev.paylink.delivery.MailRenderer;
import dev.paylink.delivery.MailRoute;
import dev.paylink.delivery.MailSettings;
import dev.paylink.delivery.Output;
import dev.paylink.delivery.TestEvents;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;
import org.apache.camel.CamelContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SmtpCaptureTest {

    @TempDir
    Path dir;

    private static Session session(int port) {
        Properties p = new Properties();
        p.put("mail.smtp.host", "127.0.0.1");
        p.put("mail.smtp.port", String.valueOf(port));
        p.put("mail.smtp.connectiontimeout", "5000");
        p.put("mail.smtp.timeout", "5000");
        return Session.getInstance(p);
    }

    private static List<Path> emlFiles(Path folder) throws Exception {
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".eml")).sorted().toList();
        }
    }

    @Test
    void aMailToSeveralRecipientsIsSavedOnceAndParsesBack() throws Exception {
        Path folder = dir.resolve("outbox/mail");
        Clock clock = Clock.fixed(Instant.parse("2025-06-02T10:15:30Z"), ZoneOffset.UTC);
        try (SmtpCapture capture = new SmtpCapture(folder, clock)) {
            Session session = session(capture.port());
            MimeMessage m = new MimeMessage(session);
            m.setFrom(new InternetAddress("paylink@example.com"));
            m.setRecipients(Message.RecipientType.TO, InternetAddress.parse("a@example.com, b@example.com"));
            m.setRecipients(Message.RecipientType.CC, InternetAddress.parse("c@example.com"));
            m.setSubject("Grüße aus dem Sandkasten", "UTF-8");
            m.setText("Hallo Müller\nzweite Zeile\n", "UTF-8");
            Transport.send(m);

            await().atMost(Duration.ofSeconds(10)).until(() -> !emlFiles(folder).isEmpty());
            List<Path> files = emlFiles(folder);
            assertThat(files).hasSize(1);
            assertThat(capture.saved()).containsExactlyElementsOf(files);
            assertThat(files.get(0).getFileName().toString()).isEqualTo("20250602-101530-1.eml");
            try (Stream<Path> all = Files.list(folder)) {
                assertThat(all).as("no temporary files left").hasSize(1);
            }

            MimeMessage back;
            try (InputStream in = Files.newInputStream(files.get(0))) {
                back = new MimeMessage(session, in);
            }
            assertThat(back.getSubject()).isEqualTo("Grüße aus dem Sandkasten");
            assertThat(back.getAllRecipients()).extracting(a -> ((InternetAddress) a).getAddress())
                    .containsExactly("a@example.com", "b@example.com", "c@example.com");
            // (GreenMail keeps the body without the line break that ends the SMTP DATA.)
            assertThat(((String) back.getContent()).replace("\r\n", "\n").stripTrailing()).isEqualTo("Hallo Müller\nzweite Zeile");
        }
    }

    @Test
    void everyMailGetsItsOwnFileEvenInTheSameSecond() throws Exception {
        Path folder = dir.resolve("mail");
        Clock clock = Clock.fixed(Instant.parse("2025-06-02T10:15:30Z"), ZoneOffset.UTC);
        // An earlier run left a file with the name the first mail would get: it is kept, the mail takes the next number.
        Files.createDirectories(folder);
        Files.writeString(folder.resolve("20250602-101530-1.eml"), "earlier");
        try (SmtpCapture capture = new SmtpCapture(folder, clock)) {
            Session session = session(capture.port());
            for (int i = 1; i <= 3; i++) {
                MimeMessage m = new MimeMessage(session);
                m.setFrom(new InternetAddress("paylink@example.com"));
                m.setRecipients(Message.RecipientType.TO, InternetAddress.parse("ops@example.com"));
                m.setSubject("mail " + i);
                m.setText("body " + i);
                Transport.send(m);
            }

            await().atMost(Duration.ofSeconds(10)).until(() -> capture.saved().size() == 3);
            assertThat(capture.saved()).extracting(p -> p.getFileName().toString())
                    .containsExactly("20250602-101530-2.eml", "20250602-101530-3.eml", "20250602-101530-4.eml");
            assertThat(Files.readString(folder.resolve("20250602-101530-1.eml"))).isEqualTo("earlier");
            for (int i = 0; i < 3; i++) {
                try (InputStream in = Files.newInputStream(capture.saved().get(i))) {
                    assertThat(new MimeMessage(session, in).getSubject()).isEqualTo("mail " + (i + 1));
                }
            }
        }
    }

    @Test
    void theSandboxMailOutputLandsInTheCaptureWithItsAttachment() throws Exception {
        Path outbox = Files.createDirectories(dir.resolve("outbox"));
        Files.writeString(outbox.resolve("orders.results.csv"), "line,status\n1,CREATED\n", StandardCharsets.UTF_8);
        try (SmtpCapture capture = new SmtpCapture(outbox.resolve("mail"))) {
            MailSettings settings = new MailSettings("127.0.0.1", capture.port(), MailSettings.Security.NONE, null, null,
                    "paylink@example.com", outbox, Duration.ofSeconds(5), Duration.ofSeconds(5));
            try (CamelContext camel = MailRoute.start(settings)) {
                Output output = MailRoute.output(camel);

                DeliveryResult result = output.deliver(new Delivery(1, "ev-1", "file.completed", "mail", "ops@example.com",
                        TestEvents.fileCompleted("orders.csv", TestEvents.counts(2, 0, 0, 0, 0, 0), List.of(), "orders.results.csv"), 0, Instant.now()));

                assertThat(result).isInstanceOf(DeliveryResult.Delivered.class);
                await().atMost(Duration.ofSeconds(10)).until(() -> capture.saved().size() == 1);
                String eml = Files.readString(capture.saved().get(0), StandardCharsets.UTF_8);
                assertThat(eml).contains("multipart/alternative").contains("Content-Type: text/html; charset=UTF-8")
                        .contains("Content-Disposition: attachment; filename=orders.results.csv").contains("line,status\r\n1,CREATED");
                try (InputStream in = Files.newInputStream(capture.saved().get(0))) {
                    assertThat(new MimeMessage(session(capture.port()), in).getSubject()).isEqualTo("paylink: orders.csv done — 2 created");
                }
            }
        }
    }

    @Test
    void aMailThatCannotBeSavedIsRefusedToTheSender() throws Exception {
        Path folder = dir.resolve("mail");
        try (SmtpCapture capture = new SmtpCapture(folder)) {
            // The folder goes away and a file takes its place: nothing can be written there.
            Files.delete(folder);
            Files.writeString(folder, "in the way");
            MimeMessage m = new MimeMessage(session(capture.port()));
            m.setFrom(new InternetAddress("paylink@example.com"));
            m.setRecipients(Message.RecipientType.TO, InternetAddress.parse("ops@example.com"));
            m.setSubject("lost?");
            m.setText("body");

            assertThatThrownBy(() -> Transport.send(m)).isInstanceOf(jakarta.mail.MessagingException.class);
            assertThat(capture.saved()).isEmpty();
        }
    }
}
