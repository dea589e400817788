package dev.paylink.smartpay;

import java.util.Locale;

/**
 * What a SmartPay transaction status means for the back office. The raw string is always kept beside it:
 * SmartPay documents only part of its statuses, so anything unknown is {@link #UNKNOWN}, reported, and polled on.
 */
public enum PaymentStatusClass {
    /** No payment yet, or one under way: CREATED, AUTORIZATION_INITIALIZED / AUTHORIZATION_INITIALIZED, CAPTURE_PENDING, or no transaction at all. */
    PENDING,
    /** Authorised, not yet captured: AUTHORIZATION_COMPLETED, AUTHORIZED. */
    AUTHORIZED,
    /** Money taken: CAPTURED, SETTLED. Final. */
    PAID,
    /** CANCELLED. Final. */
    CANCELLED,
    /** The link's expiry date passed without a paid transaction (derived, not a SmartPay status). Final. */
    EXPIRED,
    /** A status SmartPay does not document. Polled on until expiry + grace. */
    UNKNOWN;

    /** Classifies a raw transaction status; null or blank (no transaction yet) is PENDING. */
    public static PaymentStatusClass of(String raw) {
        if (raw == null || raw.isBlank()) {
            return PENDING;
        }
        return switch (raw.strip().toUpperCase(Locale.ROOT)) {
            case "CREATED", "AUTORIZATION_INITIALIZED", "AUTHORIZATION_INITIALIZED", "CAPTURE_PENDING" -> PENDING;
            case "AUTHORIZATION_COMPLETED", "AUTHORIZED" -> AUTHORIZED;
            case "CAPTURED", "SETTLED" -> PAID;
            case "CANCELLED", "CANCELED" -> CANCELLED;
            default -> UNKNOWN;
        };
    }

    /** No further change is expected: polling stops. */
    public boolean isFinal() {
        return this == PAID || this == CANCELLED || this == EXPIRED;
    }
}
