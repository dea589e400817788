package dev.paylink.sandbox;

import java.time.Instant;

/**
 * One subsequent payment link the simulator created (what a real onOffice account would now hold).
 *
 * @param identifier    the action's {@code identifier} as sent ({@code ""} when absent)
 * @param transactionId the marketplace transaction the link charges against
 * @param priceNet      the net price exactly as sent, e.g. {@code "1000.00"}
 * @param description   the description as sent
 * @param sendMail      whether the request asked onOffice to e-mail the customer (echoed as {@code mailToCustomerSent})
 * @param url           the {@code subsequentPaymentUrl} that was answered
 * @param at            when it was created, by the simulator's clock
 */
public record CreatedLink(String identifier, String transactionId, String priceNet, String description,
                          boolean sendMail, String url, Instant at) {
}
