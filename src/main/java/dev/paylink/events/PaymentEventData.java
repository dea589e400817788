package dev.paylink.events;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.math.BigDecimal;
import java.time.Instant;

/**
 * What a payment event says about its link: where it came from (file, line, ledger key), the status before and
 * after (raw as the provider spells it, and its class), and the link's details.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PaymentEventData(String paymentLinkId, String key, String file, long line, String oldStatus, String oldStatusClass,
                               String newStatus, String newStatusClass, BigDecimal amount, String currency, Instant expiryDate,
                               String consumerName, String consumerEmail, String paymentUrl, String latestTransactionId) {
}
