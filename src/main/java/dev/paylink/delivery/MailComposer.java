package dev.paylink.delivery;

import jakarta.mail.BodyPart;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.io.UnsupportedEncodingException;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.attachment.Attachment;
import org.apache.camel.attachment.AttachmentMessage;

/**
 * Builds the whole mail for the {@code output-mail} route from the exchange properties {@link MailOutput} sets, so that
 * camel-mail sends it as it is (a {@link MimeMessage} body is not touched by camel-mail's binding):
 * <ul>
 *   <li>with attachments {@code multipart/mixed [multipart/alternative [text/plain, text/html], attachment...]}, so a
 *   client that shows the plain part shows the attachments too; without, {@code multipart/alternative [text/plain,
 *   text/html]}. (camel-mail's own binding nests them the other way round: {@code alternative [plain, mixed [html,
 *   attachment]]}, where a text client never sees the attachment.)</li>
 *   <li>{@code Message-ID: <eventId@domain of From>} and {@code X-Paylink-Event-Id}, the same for every send of one
 *   event, so a mail sent again (retry, replayed dead letter) can be recognised as the same one downstream.</li>
 * </ul>
 * UTF-8 throughout: subject and display name RFC 2047 encoded, body parts with {@code charset=UTF-8}.
 */
public final class MailComposer {

    /** The header that carries the event id. */
    public static final String EVENT_ID_HEADER = "X-Paylink-Event-Id";
    /** The right-hand side of the Message-ID when the From address has no domain. */
    static final String FALLBACK_DOMAIN = "paylink-routes";
    private static final String UTF8 = "UTF-8";

    /** Called by the route ({@code bean} step); the returned message becomes the body camel-mail sends. */
    public MimeMessage compose(Exchange exchange) throws MessagingException {
        String from = required(exchange, MailOutput.FROM);
        String eventId = exchange.getProperty(MailOutput.EVENT_ID, String.class);
        MimeMessage message = new StableIdMessage(eventId == null ? null : messageId(eventId, from));
        message.setFrom(encoded(new InternetAddress(from, true)));
        message.setRecipients(Message.RecipientType.TO, InternetAddress.parse(required(exchange, MailOutput.TO), true));
        message.setSubject(required(exchange, MailOutput.SUBJECT), UTF8);
        if (eventId != null) {
            message.setHeader(EVENT_ID_HEADER, MailRenderer.headerSafe(eventId));
        }

        MimeBodyPart plain = new MimeBodyPart();
        plain.setText(required(exchange, MailOutput.TEXT), UTF8, "plain");
        MimeBodyPart html = new MimeBodyPart();
        html.setText(required(exchange, MailOutput.HTML), UTF8, "html");
        MimeMultipart alternative = new MimeMultipart("alternative", plain, html);

        AttachmentMessage in = exchange.getIn(AttachmentMessage.class);
        if (in.hasAttachments()) {
            MimeBodyPart bodies = new MimeBodyPart();
            bodies.setContent(alternative);
            MimeMultipart mixed = new MimeMultipart("mixed", bodies);
            for (Map.Entry<String, Attachment> a : in.getAttachmentObjects().entrySet()) {
                mixed.addBodyPart(attachment(a.getKey(), a.getValue()));
            }
            message.setContent(mixed);
        } else {
            message.setContent(alternative);
        }
        return message;
    }

    /**
     * {@code <eventId@domain>}: the domain of the From address ({@value #FALLBACK_DOMAIN} if it has none); characters of
     * the event id that may not stand in a Message-ID (event ids are UUIDs, so this is a guard) become {@code _}.
     */
    static String messageId(String eventId, String from) {
        String left = eventId.replaceAll("[^A-Za-z0-9_-]", "_");
        String domain = FALLBACK_DOMAIN;
        try {
            String address = new InternetAddress(from, true).getAddress();
            int at = address.lastIndexOf('@');
            if (at > 0 && at < address.length() - 1) {
                domain = address.substring(at + 1);
            }
        } catch (MessagingException e) {
            // keep the constant; MailOutput refuses such a From address at start anyway
        }
        return "<" + (left.isEmpty() ? "_" : left) + "@" + domain + ">";
    }

    private static BodyPart attachment(String name, Attachment attachment) throws MessagingException {
        MimeBodyPart part = new MimeBodyPart();
        part.setDataHandler(attachment.getDataHandler());
        part.setFileName(name);
        part.setDisposition(Part.ATTACHMENT);
        return part;
    }

    /** The address with its display name RFC 2047 encoded as UTF-8 (a name such as {@code Büro} stays readable). */
    private static InternetAddress encoded(InternetAddress a) throws MessagingException {
        if (a.getPersonal() == null) {
            return a;
        }
        try {
            return new InternetAddress(a.getAddress(), a.getPersonal(), UTF8);
        } catch (UnsupportedEncodingException e) {
            throw new MessagingException("UTF-8 not supported", e);
        }
    }

    private static String required(Exchange exchange, String property) {
        String value = exchange.getProperty(property, String.class);
        if (value == null) {
            throw new IllegalArgumentException("the output-mail route needs the exchange property " + property);
        }
        return value;
    }

    /**
     * A message whose Message-ID is ours. Jakarta Mail replaces Message-ID in {@code saveChanges()} (via
     * {@link #updateMessageID()}), which camel-mail calls before sending.
     */
    private static final class StableIdMessage extends MimeMessage {

        private final String messageId;

        StableIdMessage(String messageId) {
            super((Session) null);
            this.messageId = messageId;
        }

        // Found in camel-mail 4.18: MailProducer sends a MimeMessage body as is, and DefaultJavaMailSender.send() restores a
        // Message-ID set before saveChanges(); this override keeps it whichever JavaMailSender sends.
        @Override
        protected void updateMessageID() throws MessagingException {
            if (messageId == null) {
                super.updateMessageID();
            } else {
                setHeader("Message-ID", messageId);
            }
        }
    }
}
