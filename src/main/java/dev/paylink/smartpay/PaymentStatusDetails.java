package dev.paylink.smartpay;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.util.List;

/**
 * SmartPay's answer to {@code GET /payment/status/{transactionId}} (Get Payment Status). {@code paymentStatus} is the
 * authoritative state, kept as the raw string. Lenient like {@link PaymentLinkDetails}.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record PaymentStatusDetails(String paymentStatus, TransactionOverview transactionOverview, List<JsonNode> modifications,
                                   String paymentLinkId) {

    /** {@code paymentMethod}'s shape is not documented (a name or an object), so it stays a tree. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record TransactionOverview(String transactionId, BigDecimal amount, String currencyCode, JsonNode paymentMethod) {
    }
}
