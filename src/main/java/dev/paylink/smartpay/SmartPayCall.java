package dev.paylink.smartpay;

/**
 * One logical SmartPay request, a GET of the API or the OAuth2 token POST, through all its attempts. It travels in one
 * exchange (property {@code paylinkSmartPayCall}) and outlives Camel's redeliveries, so it counts the attempts itself
 * (Camel's redelivery headers are gone once the retries are exhausted) and remembers the one token renewal of a GET.
 */
public final class SmartPayCall {

    enum Kind {
        API, TOKEN
    }

    private final Kind kind;
    private final String what;
    private final String path;
    private final Class<?> type;
    private final String subject;
    private final int attempts;
    private int attempt;
    private boolean renewed;
    private boolean renewing;
    private OAuth2Tokens.Token token;
    private long sentAt;

    SmartPayCall(Kind kind, String what, String path, Class<?> type, String subject, int attempts) {
        this.kind = kind;
        this.what = what;
        this.path = path;
        this.type = type;
        this.subject = subject;
        this.attempts = attempts;
    }

    Kind kind() {
        return kind;
    }

    /** E.g. {@code GET /payment-links/PL-1}, for the log. */
    String what() {
        return what;
    }

    /** The raw (percent-encoded) path below the API base, for camel-http's CamelHttpPath; null for the token POST. */
    public String getPath() {
        return path;
    }

    Class<?> type() {
        return type;
    }

    String subject() {
        return subject;
    }

    int attempts() {
        return attempts;
    }

    int attempt() {
        return attempt;
    }

    /** The route starts an attempt (a redelivery included; the request after the token renewal is not one). */
    void nextAttempt() {
        attempt++;
        renewing = false;
    }

    /** Whether the answer asks for the one request with a renewed token, within this attempt. */
    public boolean isRenewing() {
        return renewing;
    }

    /** A 401/403 with OAuth2: once per call, the request is sent again with a new token, in the same attempt. */
    boolean renewOnce() {
        if (renewed) {
            return false;
        }
        renewed = true;
        renewing = true;
        return true;
    }

    OAuth2Tokens.Token token() {
        return token;
    }

    void sending(OAuth2Tokens.Token sent) {
        this.token = sent;
        this.sentAt = System.nanoTime();
    }

    long millisSinceSent() {
        return (System.nanoTime() - sentAt) / 1_000_000;
    }

    @Override
    public String toString() {
        return "SmartPayCall[" + what + ", attempt " + attempt + " of " + attempts + "]";
    }
}
