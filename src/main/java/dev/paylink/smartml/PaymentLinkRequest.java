package dev.paylink.smartml;

import java.math.BigDecimal;
import java.util.Objects;

/**
 * The parameters of one {@code subsequentPaymentLink} do-action, already validated and normalised.
 *
 * @param transactionId      the marketplace purchase the link charges against, e.g. {@code 1100135697}
 * @param priceNet           net amount, positive, scale 2 (sent as {@code "1100.50"})
 * @param description        trimmed, no control characters
 * @param sendMailToCustomer whether onOffice e-mails the link to the end customer
 */
public record PaymentLinkRequest(String transactionId, BigDecimal priceNet, String description, boolean sendMailToCustomer) {

    public PaymentLinkRequest {
        Objects.requireNonNull(transactionId, "transactionId");
        Objects.requireNonNull(priceNet, "priceNet");
        Objects.requireNonNull(description, "description");
        if (priceNet.scale() != 2) {
            throw new IllegalArgumentException("priceNet must have scale 2: " + priceNet);
        }
    }

    /** The wire format onOffice documents: {@code 1100.50}. */
    public String priceNetText() {
        return priceNet.toPlainString();
    }
}
