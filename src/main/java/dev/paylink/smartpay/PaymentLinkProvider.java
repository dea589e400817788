package dev.paylink.smartpay;

/**
 * Where enrichment gets payment-link details from. SmartPay is one implementation; the platform is reported
 * to be winding down, so nothing outside this package knows it is SmartPay.
 */
public interface PaymentLinkProvider {

    /** Looks one link up. Never throws for HTTP or parsing trouble; thread-safe. */
    LinkLookup lookup(String paymentLinkId);
}
