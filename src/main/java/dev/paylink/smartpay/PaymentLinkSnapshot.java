package dev.paylink.smartpay;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * What enrichment keeps of a payment link at one look: provider-neutral, every field but the id may be null.
 *
 * @param rawStatus           the latest transaction's status as the provider spells it (null: no transaction yet)
 * @param statusClass         {@link PaymentStatusClass#of(String)} of it (the link's expiry is judged by the caller)
 * @param latestTransactionId the provider's id of the latest transaction
 * @param consumerName        first and last name joined by a space
 */
public record PaymentLinkSnapshot(String paymentLinkId, String rawStatus, PaymentStatusClass statusClass,
                                  String latestTransactionId, BigDecimal amount, String currency, Instant expiryDate,
                                  String consumerName, String consumerEmail, String paymentUrl, String qrCodeUrl) {
}
