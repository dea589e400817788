package dev.paylink.sandbox;

import com.icegreen.greenmail.mail.MovingMessage;
import com.icegreen.greenmail.user.MessageDeliveryHandler;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.Address;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sandbox's mail server: SMTP (GreenMail) on 127.0.0.1, a free port, no login; every mail it accepts is saved as
 * {@code <folder>/<yyyyMMdd-HHmmss>-<n>.eml} (UTC time, {@code n} counting up), the raw message as received, so it can
 * be opened in a mail client. Nothing is relayed anywhere.
 *
 * <p>A mail is written in GreenMail's delivery step, before the server answers the client's DATA: a mail the client saw
 * accepted is on disk. One file per mail, however many recipients it has (GreenMail delivers per recipient; the
 * first delivery writes it). If the file cannot be written, the delivery fails and the client is told so.
 */
public final class SmtpCapture implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SmtpCapture.class);
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT).withZone(ZoneOffset.UTC);

    private final Path folder;
    private final Clock clock;
    private final GreenMail greenMail;
    private final AtomicLong counter = new AtomicLong();
    private final List<Path> saved = Collections.synchronizedList(new ArrayList<>());
    /** Messages already written (GreenMail hands the same MovingMessage over once per recipient). */
    private final Set<MovingMessage> written = Collections.newSetFromMap(new WeakHashMap<>());

    public SmtpCapture(Path folder) throws IOException {
        this(folder, Clock.systemUTC());
    }

    public SmtpCapture(Path folder, Clock clock) throws IOException {
        this.folder = Files.createDirectories(folder);
        this.clock = clock;
        this.greenMail = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP).dynamicPort());
        greenMail.start();
        var users = greenMail.getUserManager();
        MessageDeliveryHandler delivery = users.getMessageDeliveryHandler();
        users.setMessageDeliveryHandler((message, recipient) -> {
            save(message);
            return delivery.handle(message, recipient);
        });
        LOG.debug("SANDBOX MODE: mail goes to the built-in SMTP capture at 127.0.0.1:{}, saved as .eml files in {}", port(), this.folder);
    }

    /** The port SMTP listens on (127.0.0.1). */
    public int port() {
        return greenMail.getSmtp().getPort();
    }

    public Path folder() {
        return folder;
    }

    /** The .eml files written so far, in the order they were written. */
    public List<Path> saved() {
        synchronized (saved) {
            return List.copyOf(saved);
        }
    }

    private void save(MovingMessage moving) throws MessagingException {
        synchronized (written) {
            if (written.contains(moving)) {
                return;
            }
            MimeMessage message = moving.getMessage();
            Path file = write(message);
            written.add(moving);
            saved.add(file);
            LOG.info("SANDBOX MODE: mail to {}: '{}' saved as {}", recipients(moving), message.getSubject(), file.getFileName());
        }
    }

    private Path write(MimeMessage message) throws MessagingException {
        Path tmp = null;
        try {
            tmp = Files.createTempFile(folder, ".capture-", ".eml.tmp");
            try (OutputStream out = Files.newOutputStream(tmp)) {
                message.writeTo(out);
            }
            // A name is never reused: an existing file (same second, earlier run) moves the counter on.
            while (true) {
                Path file = folder.resolve(STAMP.format(clock.instant()) + "-" + counter.incrementAndGet() + ".eml");
                try {
                    // Without REPLACE_EXISTING (an atomic rename would silently replace an existing file).
                    Files.move(tmp, file);
                    return file;
                } catch (FileAlreadyExistsException e) {
                    // next number
                }
            }
        } catch (IOException e) {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // the write failure is what matters
                }
            }
            LOG.error("SANDBOX MODE: a mail could not be saved in {}: {}", folder, e.toString());
            throw new MessagingException("could not save the mail in " + folder, e);
        }
    }

    private static String recipients(MovingMessage moving) {
        try {
            Address[] to = moving.getMessage().getAllRecipients();
            if (to != null && to.length > 0) {
                return Arrays.stream(to).map(Address::toString).collect(Collectors.joining(", "));
            }
        } catch (MessagingException e) {
            // fall back to the envelope
        }
        return moving.getToAddresses().stream().map(Object::toString).collect(Collectors.joining(", "));
    }

    @Override
    public void close() {
        greenMail.stop();
    }
}
