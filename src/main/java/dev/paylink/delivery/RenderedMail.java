package dev.paylink.delivery;

import java.nio.file.Path;
import java.util.List;

/**
 * One mail, ready to send: a single-line, header-safe subject (see {@link MailRenderer#headerSafe(String)}), a plain-text
 * and an HTML body saying the same, and the files to attach (existing, readable, inside the outbox).
 */
public record RenderedMail(String subject, String textBody, String htmlBody, List<Path> attachments) {

    public RenderedMail {
        attachments = List.copyOf(attachments);
    }
}
