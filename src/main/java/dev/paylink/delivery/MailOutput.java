package dev.paylink.delivery;

import jakarta.activation.DataHandler;
import jakarta.activation.DataSource;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.camel.Exchange;
import org.apache.camel.attachment.AttachmentMessage;
import org.apache.camel.component.mail.MailConstants;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.eclipse.angus.mail.smtp.SMTPSenderFailedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The domain of the {@code mail} output; sending is the route {@code output-mail} ({@code routes/output-mail.camel.yaml},
 * camel-mail). {@link #render} checks the recipients in the delivery's target (comma-separated) and renders the event
 * ({@link MailRenderer}); the parts travel as exchange <em>properties</em> ({@link #TO}, {@link #FROM}, {@link #SUBJECT},
 * {@link #TEXT}, {@link #HTML}, {@link #EVENT_ID}) and the results file as a Camel attachment; the route strips every
 * header and {@link MailComposer} builds the whole message from them (MIME structure, stable Message-ID). What went wrong
 * becomes retry (the server or the network may recover, credentials may be fixed) or failed (the server refused the mail
 * or an address for good), see {@link #classify(Throwable)}, in the {@link RouteOutput} contract.
 */
public final class MailOutput {

    public static final String NAME = "mail";
    public static final String TO = "paylinkMailTo";
    public static final String FROM = "paylinkMailFrom";
    public static final String SUBJECT = "paylinkMailSubject";
    public static final String TEXT = "paylinkMailText";
    public static final String HTML = "paylinkMailHtml";
    /** The event's id: the mail's Message-ID and {@code X-Paylink-Event-Id} are derived from it. */
    public static final String EVENT_ID = "paylinkMailEventId";

    private static final Logger LOG = LoggerFactory.getLogger(MailOutput.class);

    private final MailSettings settings;
    private final MailRenderer renderer;

    public MailOutput(MailSettings settings, MailRenderer renderer) {
        this.settings = settings;
        this.renderer = renderer;
        try {
            new InternetAddress(settings.from(), true).validate();
        } catch (AddressException e) {
            throw new IllegalArgumentException("paylink.mail.from is not a mail address: " + settings.from() + " (" + e.getMessage() + ")", e);
        }
    }

    /** The recipients checked and the event rendered into the properties the route sends; or the delivery marked failed. */
    public void render(Exchange exchange) {
        String target = exchange.getProperty(RouteOutput.TARGET, String.class);
        Object id = exchange.getProperty(RouteOutput.DELIVERY_ID);
        List<String> recipients;
        try {
            recipients = recipients(target);
        } catch (AddressException e) {
            refuse(exchange, id, "bad recipient address in '" + MailRenderer.headerSafe(target) + "': " + e.getMessage());
            return;
        }
        RenderedMail mail;
        try {
            mail = renderer.render(exchange.getMessage().getBody(String.class));
        } catch (RuntimeException e) {
            // The same payload renders the same way next time: retrying cannot help.
            refuse(exchange, id, "cannot render a mail for " + exchange.getProperty(RouteOutput.EVENT_TYPE) + ": " + e.getMessage());
            return;
        }
        exchange.setProperty(TO, String.join(",", recipients));
        exchange.setProperty(FROM, settings.from());
        exchange.setProperty(SUBJECT, mail.subject());
        exchange.setProperty(TEXT, mail.textBody());
        exchange.setProperty(HTML, mail.htmlBody());
        exchange.setProperty(EVENT_ID, exchange.getProperty(RouteOutput.EVENT_ID, String.class));
        if (!mail.attachments().isEmpty()) {
            AttachmentMessage message = exchange.getIn(AttachmentMessage.class);
            for (Path file : mail.attachments()) {
                message.addAttachment(file.getFileName().toString(), new DataHandler(new FileAttachment(file)));
            }
        }
    }

    /** The server took the mail. */
    public void accepted(Exchange exchange) {
        String to = exchange.getProperty(TO, String.class);
        LOG.info("delivery {}: mail '{}' ({}) accepted by {}:{} for {}", exchange.getProperty(RouteOutput.DELIVERY_ID), exchange.getProperty(SUBJECT),
                exchange.getMessage().getHeader(MailConstants.MAIL_MESSAGE_ID), settings.host(), settings.port(), to);
        exchange.setProperty(RouteOutput.DETAIL, "accepted by " + settings.host() + ":" + settings.port() + " for " + to);
    }

    /** The send failed ({@link Exchange#EXCEPTION_CAUGHT}): retry or failed, see {@link #classify}. */
    public void failed(Exchange exchange) {
        Throwable error = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        DeliveryResult r = classify(error);
        boolean retry = r instanceof DeliveryResult.Retry;
        exchange.setProperty(RouteOutput.OUTCOME, retry ? RouteOutput.RETRY : RouteOutput.FAILED);
        exchange.setProperty(RouteOutput.DETAIL, r.summary());
        // The Dispatcher logs the one WARN per failed try (and the ERROR of a dead letter); here only the detail.
        LOG.debug("delivery {}: mail '{}' to {} not sent ({}): {}", exchange.getProperty(RouteOutput.DELIVERY_ID), exchange.getProperty(SUBJECT),
                exchange.getProperty(TO), retry ? "will retry" : "refused for good", r.summary());
    }

    private static void refuse(Exchange exchange, Object id, String error) {
        LOG.error("delivery {}: {}", id, error);
        exchange.setProperty(RouteOutput.OUTCOME, RouteOutput.FAILED);
        exchange.setProperty(RouteOutput.DETAIL, error);
    }

    /**
     * Bare addresses ({@code a@example.com}) from a comma-separated list, strictly parsed (RFC 822 syntax, a domain,
     * no group, no CR/LF); display names are dropped because camel-mail splits its To header at commas again.
     */
    static List<String> recipients(String target) throws AddressException {
        if (target == null || target.isBlank()) {
            throw new AddressException("no recipient");
        }
        Set<String> out = new LinkedHashSet<>();
        for (InternetAddress a : InternetAddress.parse(target, true)) {
            a.validate();
            if (a.isGroup() || a.getAddress().indexOf('@') < 1) {
                throw new AddressException("not a single mailbox", a.getAddress());
            }
            out.add(a.getAddress());
        }
        if (out.isEmpty()) {
            throw new AddressException("no recipient", target);
        }
        return new ArrayList<>(out);
    }

    /**
     * Retry or Failed for what the send threw. SMTP reply codes win: 5xx (550 no such mailbox, 553 bad address, 554
     * refused, 552 too large) is Failed, except the login codes 530/534/535/538; 4xx is Retry. Without a reply code: a
     * refused login is Retry (credentials can be fixed), an {@link AddressException} Failed, an I/O cause (connection
     * refused, timeout, TLS handshake, unknown host) Retry, and anything else Retry too: nothing is dropped on a guess.
     */
    static DeliveryResult classify(Throwable error) {
        List<Throwable> chain = chain(error);
        int permanent = 0;
        int transientCode = 0;
        String permanentText = null;
        String transientText = null;
        for (Throwable t : chain) {
            int code = replyCode(t);
            if (code >= 500 && code < 600 && !isLoginCode(code) && permanent == 0) {
                permanent = code;
                permanentText = describe(t);
            } else if (code >= 400 && code < 500 && transientCode == 0) {
                transientCode = code;
                transientText = describe(t);
            }
        }
        for (Throwable t : chain) {
            if (t instanceof AuthenticationFailedException || isLoginCode(replyCode(t))) {
                return new DeliveryResult.Retry("SMTP login refused: the credentials (paylink.mail.username / PAYLINK_MAIL_PASSWORD) "
                        + "are wrong or not accepted; fix them and the mail is sent on a later try: " + describe(t), null);
            }
        }
        if (permanent > 0) {
            return new DeliveryResult.Failed("SMTP server refused the mail (" + permanent + "): " + permanentText);
        }
        if (transientCode > 0) {
            return new DeliveryResult.Retry("SMTP server deferred the mail (" + transientCode + "): " + transientText, null);
        }
        for (Throwable t : chain) {
            if (t instanceof AddressException) {
                return new DeliveryResult.Failed("bad mail address: " + describe(t));
            }
        }
        for (Throwable t : chain) {
            if (t instanceof IOException) {
                return new DeliveryResult.Retry("SMTP server not reachable: " + describe(t), null);
            }
        }
        return new DeliveryResult.Retry("mail not sent: " + describe(error), null);
    }

    private static boolean isLoginCode(int code) {
        // 530 authentication required, 534 mechanism too weak, 535 credentials invalid, 538 encryption required for it.
        return code == 530 || code == 534 || code == 535 || code == 538;
    }

    private static int replyCode(Throwable t) {
        if (t instanceof SMTPAddressFailedException e) {
            return e.getReturnCode();
        }
        if (t instanceof SMTPSenderFailedException e) {
            return e.getReturnCode();
        }
        if (t instanceof SMTPSendFailedException e) {
            return e.getReturnCode();
        }
        return 0;
    }

    /** The exception and its causes, including the "next" exceptions Jakarta Mail chains, each once. */
    private static List<Throwable> chain(Throwable error) {
        List<Throwable> out = new ArrayList<>();
        Set<Throwable> seen = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        List<Throwable> todo = new ArrayList<>(List.of(error));
        while (!todo.isEmpty() && out.size() < 50) {
            Throwable t = todo.remove(0);
            if (t == null || !seen.add(t)) {
                continue;
            }
            out.add(t);
            todo.add(t.getCause());
            if (t instanceof MessagingException m) {
                todo.add(m.getNextException());
            }
        }
        return out;
    }

    private static String describe(Throwable t) {
        String message = t.getMessage() == null ? t.getClass().getSimpleName() : t.getClass().getSimpleName() + ": " + t.getMessage();
        if (t instanceof SMTPAddressFailedException a && a.getAddress() != null) {
            message += " [" + a.getAddress() + "]";
        }
        return message.lines().map(String::strip).collect(Collectors.joining(" "));
    }

    /** A file attached by reference (read when the mail is written to the server), as UTF-8 CSV text. */
    private record FileAttachment(Path file) implements DataSource {

        @Override
        public InputStream getInputStream() throws IOException {
            return Files.newInputStream(file);
        }

        @Override
        public OutputStream getOutputStream() {
            throw new UnsupportedOperationException("read only");
        }

        @Override
        public String getContentType() {
            return file.getFileName().toString().endsWith(".csv") ? "text/csv; charset=UTF-8" : "application/octet-stream";
        }

        @Override
        public String getName() {
            return file.getFileName().toString();
        }
    }
}
