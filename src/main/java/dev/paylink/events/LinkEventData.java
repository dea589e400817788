package dev.paylink.events;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * What a {@code link.*} event says about one input row: where it came from and what onOffice answered.
 * {@code link.created} carries the URL; {@code link.rejected} and {@code link.uncertain} the code and message;
 * {@code link.duplicate} the message naming the row that owns the key.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record LinkEventData(String key, String file, long line, String transactionId, String priceNet, String description,
                            String subsequentPaymentUrl, Boolean mailToCustomerSent, Integer errorCode, String message) {
}
