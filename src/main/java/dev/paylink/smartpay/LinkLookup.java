package dev.paylink.smartpay;

/** The outcome of looking one payment link up. */
public sealed interface LinkLookup {

    /** The link and its latest state. */
    record Found(PaymentLinkSnapshot snapshot) implements LinkLookup {
    }

    /** The provider does not know the link (HTTP 404). Final: the link is reported and no longer polled. */
    record NotFound(String message) implements LinkLookup {
    }

    /** Our credentials were refused (401/403, after one token refresh for OAuth2): enrichment pauses until fixed. */
    record AuthFailed(int httpStatus, String message) implements LinkLookup {
    }

    /** Still failing after the retries (5xx, 429, timeouts, broken answers): tried again in a later cycle. */
    record Failed(String message) implements LinkLookup {
    }
}
