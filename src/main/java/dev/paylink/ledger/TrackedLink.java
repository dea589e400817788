package dev.paylink.ledger;

import dev.paylink.smartpay.PaymentStatusClass;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;

/**
 * A payment link enrichment follows, as last seen.
 *
 * @param statusClass null until the first successful check
 * @param interval    the wait before the next check when nothing changes (zero before the first check)
 */
public record TrackedLink(String paymentLinkId, String entryKey, long fileId, long line, String fileName, String tracking,
                          String statusRaw, PaymentStatusClass statusClass, BigDecimal amount, String currency,
                          Instant expiryDate, String consumerName, String consumerEmail, String paymentUrl, String qrCodeUrl,
                          String latestTransactionId, int checks, int failures, String lastError, Duration interval,
                          Instant lastCheckedAt, Instant nextCheckAt) {
}
