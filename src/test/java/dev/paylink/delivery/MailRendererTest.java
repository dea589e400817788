package dev.paylink.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.paylink.events.EventTypes;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MailRendererTest {

    @TempDir
    Path outbox;
    MailRenderer renderer;

    @BeforeEach
    void setUp() {
        renderer = new MailRenderer(outbox);
    }

    @Test
    void perFileSummaryHasCountsInSubjectAndBothPartsAndAttachesTheResults() throws Exception {
        Path results = Files.writeString(outbox.resolve("orders.results.csv"), "line;status\n1;CREATED\n", StandardCharsets.UTF_8);

        RenderedMail mail = renderer.render(TestEvents.fileCompleted("orders.csv", TestEvents.counts(4, 1, 0, 0, 1, 0),
                List.of("colour", "remark"), "orders.results.csv"));

        assertThat(mail.subject()).isEqualTo("paylink: orders.csv done — 4 created, 1 rejected, 1 invalid");
        assertThat(mail.attachments()).containsExactly(results.toAbsolutePath().normalize());
        assertThat(mail.textBody())
                .contains("The file orders.csv was processed: 6 rows.")
                .containsPattern("CREATED:\\s+4")
                .containsPattern("REJECTED:\\s+1")
                .containsPattern("UNCERTAIN:\\s+0")
                .containsPattern("INVALID:\\s+1")
                .contains("Columns that were not used: colour, remark")
                .contains("Input file now in: archive/orders.csv")
                .contains("attached as orders.results.csv");
        assertThat(mail.htmlBody())
                .startsWith("<!DOCTYPE html>")
                .contains("<b>orders.csv</b>")
                .contains(">CREATED</td><td style=\"padding:6px 12px;border:1px solid #dde1e6;text-align:right;\">4</td>")
                .contains("<code style=\"background:#f0f2f5;padding:1px 4px;\">colour</code>")
                .contains("archive/orders.csv")
                .contains("attached as <b>orders.results.csv</b>")
                .doesNotContain("${");
    }

    @Test
    void uncertainRowsAreCalledOutForAPerson() {
        RenderedMail mail = renderer.render(TestEvents.fileCompleted("a.csv", TestEvents.counts(1, 0, 2, 0, 0, 0), List.of(), null));

        assertThat(mail.subject()).isEqualTo("paylink: a.csv done — 1 created, 2 uncertain");
        assertThat(mail.textBody()).contains("2 rows have an unknown outcome: please check them in onOffice");
        assertThat(mail.htmlBody()).contains("2 rows have an unknown outcome");
    }

    @Test
    void aMissingResultsFileIsSaidInTheBodyAndNothingIsAttached() {
        RenderedMail mail = renderer.render(TestEvents.fileCompleted("orders.csv", TestEvents.counts(1, 0, 0, 0, 0, 0), List.of(),
                "orders.results.csv"));

        assertThat(mail.attachments()).isEmpty();
        assertThat(mail.textBody()).contains("The results file orders.results.csv was not found in the outbox, so nothing is attached.");
        assertThat(mail.htmlBody()).contains("was not found in the outbox");
    }

    @Test
    void aResultsFileOutsideTheOutboxIsNeverAttached() throws Exception {
        Files.writeString(outbox.getParent().resolve("secret.csv"), "x");

        RenderedMail mail = renderer.render(TestEvents.fileCompleted("orders.csv", TestEvents.counts(1, 0, 0, 0, 0, 0), List.of(),
                "../secret.csv"));

        assertThat(mail.attachments()).isEmpty();
        assertThat(mail.textBody()).contains("points outside the outbox");
    }

    @Test
    void aResultsFileOverTheLimitIsNotAttached() throws Exception {
        Files.write(outbox.resolve("big.results.csv"), new byte[2048]);

        RenderedMail mail = new MailRenderer(outbox, 1024).render(TestEvents.fileCompleted("big.csv", TestEvents.counts(1, 0, 0, 0, 0, 0),
                List.of(), "big.results.csv"));

        assertThat(mail.attachments()).isEmpty();
        assertThat(mail.textBody()).contains("big.results.csv (2.0 KB) is larger than 1.0 KB and is not attached");
    }

    @Test
    void htmlEscapesDataAndTheTextPartKeepsItAsWritten() {
        String name = "<script>alert('x')</script>&.csv";
        RenderedMail mail = renderer.render(TestEvents.fileCompleted(name, TestEvents.counts(1, 0, 0, 0, 0, 0), List.of("<img src=x>"), null));

        assertThat(mail.htmlBody())
                .doesNotContain("<script>")
                .doesNotContain("<img")
                .contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;.csv")
                .contains("&lt;img src=x&gt;");
        assertThat(mail.textBody()).contains(name);
        assertThat(mail.subject()).isEqualTo("paylink: " + name + " done — 1 created");
    }

    @Test
    void failedFileSaysWhyAndWhere() {
        RenderedMail mail = renderer.render(TestEvents.fileFailed("broken.csv", "unterminated quote", 12L));

        assertThat(mail.subject()).isEqualTo("paylink: broken.csv could not be read — unterminated quote");
        assertThat(mail.attachments()).isEmpty();
        assertThat(mail.textBody()).contains("(line 12)").contains("Reason:        unterminated quote").contains("File moved to: error/broken.csv");
        assertThat(mail.htmlBody()).contains("unterminated quote").contains("error/broken.csv");
    }

    @Test
    void paymentReceivedShowsExactAmountAndDetails() {
        RenderedMail mail = renderer.render(TestEvents.payment(EventTypes.PAYMENT_PAID, "OPEN", "CAPTURED", new BigDecimal("149.00")));

        assertThat(mail.subject()).isEqualTo("paylink: payment received 149.00 EUR (PL-4711)");
        assertThat(mail.textBody())
                .contains("Payment link PL-4711: OPEN → CAPTURED")
                .contains("Amount:             149.00 EUR")
                .contains("Expiry:             2025-07-01 00:00:00 UTC")
                .contains("Customer:           Jürgen Müller")
                .contains("Customer e-mail:    juergen@example.com")
                .contains("Payment page:       https://pay.example.com/l/PL-4711");
        assertThat(mail.htmlBody())
                .contains("149.00 EUR")
                .contains("OPEN → CAPTURED")
                .contains("Jürgen Müller")
                .contains("<a href=\"https://pay.example.com/l/PL-4711\"");
    }

    @Test
    void amountsStayExactDecimals() {
        // A double would print 1.2345678901234568E16 or lose the cents.
        assertThat(renderer.render(TestEvents.payment(EventTypes.PAYMENT_PAID, "OPEN", "SETTLED", new BigDecimal("12345678901234567.89"))).subject())
                .isEqualTo("paylink: payment received 12345678901234567.89 EUR (PL-4711)");
        assertThat(renderer.render(TestEvents.payment(EventTypes.PAYMENT_PAID, "OPEN", "SETTLED", new BigDecimal("100"))).subject())
                .isEqualTo("paylink: payment received 100.00 EUR (PL-4711)");
        assertThat(renderer.render(TestEvents.payment(EventTypes.PAYMENT_PAID, "OPEN", "SETTLED", new BigDecimal("0.10"))).subject())
                .isEqualTo("paylink: payment received 0.10 EUR (PL-4711)");
        // as a JSON string too
        String asString = TestEvents.payment(EventTypes.PAYMENT_PAID, "OPEN", "SETTLED", new BigDecimal("7.5")).replace("\"amount\":7.5", "\"amount\":\"7.5\"");
        assertThat(asString).contains("\"amount\":\"7.5\"");
        assertThat(renderer.render(asString).subject()).isEqualTo("paylink: payment received 7.50 EUR (PL-4711)");
    }

    @Test
    void statusChangeAndExpiry() {
        assertThat(renderer.render(TestEvents.payment(EventTypes.PAYMENT_STATUS_CHANGED, "OPEN", "CANCELLED", new BigDecimal("5.00"))).subject())
                .isEqualTo("paylink: payment link OPEN → CANCELLED 5.00 EUR (PL-4711)");
        assertThat(renderer.render(TestEvents.payment(EventTypes.PAYMENT_EXPIRED, "OPEN", "EXPIRED", new BigDecimal("5.00"))).subject())
                .isEqualTo("paylink: payment link expired unpaid 5.00 EUR (PL-4711)");
    }

    @Test
    void aPaymentUrlThatIsNotHttpIsShownButNotLinked() {
        String event = TestEvents.payment(EventTypes.PAYMENT_PAID, "OPEN", "CAPTURED", BigDecimal.ONE)
                .replace("https://pay.example.com/l/PL-4711", "javascript:alert(1)");

        RenderedMail mail = renderer.render(event);

        assertThat(mail.htmlBody()).doesNotContain("href=\"javascript").contains("javascript:alert(1)");
    }

    @Test
    void uncertainRowMailAsksForAPerson() {
        RenderedMail mail = renderer.render(TestEvents.link(EventTypes.LINK_UNCERTAIN, "Rent <June>"));

        assertThat(mail.subject()).isEqualTo("paylink: outcome unknown — please check this row in onOffice — orders.csv line 7 (Rent <June>)");
        assertThat(mail.textBody()).contains("Please look it up in onOffice").contains("Transaction id:        T-7").contains("Error code:            504");
        assertThat(mail.htmlBody()).contains("Please look it up in onOffice").contains("Rent &lt;June&gt;");
    }

    @Test
    void subjectsAreSingleLineCappedAndKeepNonAscii() {
        assertThat(MailRenderer.headerSafe("a\r\nBcc: victim@example.com\tb\u0000c")).isEqualTo("a Bcc: victim@example.com b c");
        assertThat(MailRenderer.headerSafe("Müller – Übersetzung \u2028 next\u202Egnp.exe")).isEqualTo("Müller – Übersetzung next gnp.exe");
        assertThat(MailRenderer.headerSafe("  lots   of\n\n space  ")).isEqualTo("lots of space");
        String longOne = MailRenderer.headerSafe("ü".repeat(150) + "😀".repeat(100));
        assertThat(longOne.codePointCount(0, longOne.length())).isEqualTo(MailRenderer.MAX_SUBJECT_LENGTH);
        assertThat(longOne).endsWith("😀…");

        RenderedMail mail = renderer.render(TestEvents.fileCompleted("x\r\nBcc: victim@example.com.csv", TestEvents.counts(1, 0, 0, 0, 0, 0),
                List.of(), null));
        assertThat(mail.subject()).isEqualTo("paylink: x Bcc: victim@example.com.csv done — 1 created").doesNotContain("\r", "\n");
    }

    @Test
    void unknownEventTypeAndBadJsonAreRefused() {
        assertThatThrownBy(() -> renderer.render(TestEvents.json("thing.happened", java.util.Map.of())))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no mail for event type thing.happened");
        assertThatThrownBy(() -> renderer.render("{not json"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not JSON");
    }
}
