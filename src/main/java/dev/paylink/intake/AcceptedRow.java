package dev.paylink.intake;

import dev.paylink.smartml.PaymentLinkRequest;

/**
 * A row that passed validation.
 *
 * @param line          where it starts in the file
 * @param key           the ledger key: {@code reference} when given, else {@link LedgerKey#of(PaymentLinkRequest)}
 * @param request       what to ask onOffice for; null for a tracking-only row (only paymentLinkId given)
 * @param reference     the caller's key, or null
 * @param paymentLinkId the SmartPay link to track, or null
 */
public record AcceptedRow(long line, String key, PaymentLinkRequest request, String reference, String paymentLinkId) {

    public boolean trackingOnly() {
        return request == null;
    }
}
