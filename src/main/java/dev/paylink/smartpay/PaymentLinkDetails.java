package dev.paylink.smartpay;

import com.fasterxml.jackson.annotation.JsonAlias;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/**
 * SmartPay's answer to {@code GET /payment-links/{paymentLinkId}} (Get Payment Link Details). Lenient on purpose: the
 * provider may add, reorder, remove or rename optional fields, so every field may be null and unknown ones are
 * ignored. Amounts are {@link BigDecimal} exactly as sent (scale kept), dates are {@link Instant}s, statuses raw strings.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record PaymentLinkDetails(String id, Instant creationDate, Instant expiryDate, String successUrl, String failureUrl,
                                 TemplateContext templateContext, String customerAccountId, Payment payment,
                                 Address billingAddress, Consumer consumer, BusinessConsumer businessConsumer, Order order,
                                 Totals totals, String paymentUrl, String qrCodeUrl, String latestTransactionId,
                                 String latestTransactionStatus) {

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record TemplateContext(String templateId, String templateName, String merchantLogoURL) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Payment(BigDecimal amount, String currencyCode, String description) {
    }

    /** The seed calls the house number {@code number}; {@code houseNumber} is accepted too. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Address(String addressLine1, String addressLine2, String addressLine3, String city, String countryCode,
                          @JsonAlias("number") String houseNumber, String postCode, String state, String street) {
    }

    /** {@code dateOfBirth} stays the raw {@code YYYY-MM-DD} string. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Consumer(String culture, String dateOfBirth, String emailAddress, String firstName, String lastName,
                           String gender, String homePhone, String merchantCustomerId, String middleName,
                           String mobilePhone, String taxId, String timezone, String title, String workPhone) {
    }

    /** Undocumented in the seed beyond its existence; the two fields enrichment could use. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record BusinessConsumer(String companyName, String emailAddress) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Order(String externalOrderReference, List<AdditionalData> additionalData, List<OrderLine> lines) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record AdditionalData(String name, String value) {
    }

    /** {@code quantity} is documented as an integer; kept as BigDecimal so a fractional one is neither lost nor rounded. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record OrderLine(Integer lineNumber, String itemArticleId, String itemName, BigDecimal quantity,
                            BigDecimal unitPrice, BigDecimal unitVatPrice, BigDecimal unitGrossPrice, BigDecimal vatPercent,
                            BigDecimal netAmount, BigDecimal vatAmount, BigDecimal grossAmount) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Totals(BigDecimal grossAmount, BigDecimal netAmount, BigDecimal vatAmount) {
    }

    /**
     * What enrichment keeps of this link.
     *
     * @param status the answer of {@code GET /payment/status/{latestTransactionId}}, or null when not fetched; its
     *               non-blank {@code paymentStatus} wins over {@link #latestTransactionStatus()}
     */
    public PaymentLinkSnapshot toSnapshot(PaymentStatusDetails status) {
        String raw = status != null && !isBlank(status.paymentStatus()) ? status.paymentStatus() : latestTransactionStatus;
        return new PaymentLinkSnapshot(id, raw, PaymentStatusClass.of(raw), latestTransactionId,
                payment == null ? null : payment.amount(), payment == null ? null : payment.currencyCode(), expiryDate,
                consumerName(), consumerEmail(), paymentUrl, qrCodeUrl);
    }

    /** "first last" trimmed; else the business consumer's company name; else null. */
    public String consumerName() {
        if (consumer != null) {
            String joined = (nullToEmpty(consumer.firstName()).strip() + " " + nullToEmpty(consumer.lastName()).strip()).strip();
            if (!joined.isEmpty()) {
                return joined;
            }
        }
        if (businessConsumer != null && !isBlank(businessConsumer.companyName())) {
            return businessConsumer.companyName().strip();
        }
        return null;
    }

    private String consumerEmail() {
        if (consumer != null && !isBlank(consumer.emailAddress())) {
            return consumer.emailAddress().strip();
        }
        if (businessConsumer != null && !isBlank(businessConsumer.emailAddress())) {
            return businessConsumer.emailAddress().strip();
        }
        return null;
    }

    /** The same details with another id (used when the answer carries none). */
    PaymentLinkDetails withId(String newId) {
        return new PaymentLinkDetails(newId, creationDate, expiryDate, successUrl, failureUrl, templateContext,
                customerAccountId, payment, billingAddress, consumer, businessConsumer, order, totals, paymentUrl, qrCodeUrl,
                latestTransactionId, latestTransactionStatus);
    }

    static boolean isBlank(String s) {
        return s == null || s.isBlank();
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }
}
