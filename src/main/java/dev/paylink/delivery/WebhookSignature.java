package dev.paylink.delivery;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The {@code Paylink-Signature} header of a webhook call: {@code t=<unix seconds>,v1=<hex>} where {@code <hex>} is the
 * lower-case hex HMAC-SHA256, keyed with the secret's UTF-8 bytes, of {@code t + "." + body} in UTF-8.
 *
 * <p>The timestamp is signed with the body, so a captured call cannot be replayed once it is older than the receiver's
 * tolerance. More than one {@code v1} may be sent (e.g. while a secret is rotated); one matching is enough. Other
 * schemes ({@code v0=}, …) are ignored. Plain Java, thread-safe.
 */
public final class WebhookSignature {

    /** Headers longer than this are refused unread: no real signature header comes near it. */
    static final int MAX_HEADER_LENGTH = 4096;
    private static final String ALGORITHM = "HmacSHA256";
    private static final HexFormat HEX = HexFormat.of();

    private WebhookSignature() {
    }

    /**
     * @param secret      the shared secret, not empty
     * @param unixSeconds the signing time, seconds since the epoch
     * @param body        exactly the text that is sent, as UTF-8
     * @return {@code t=<unixSeconds>,v1=<lower-hex HMAC-SHA256>}
     */
    public static String header(String secret, long unixSeconds, String body) {
        return headerSignedWithEach(List.of(requireSecret(secret)), unixSeconds, body);
    }

    /**
     * One signature per secret, in order, over the same timestamp: {@code t=<unixSeconds>,v1=<new>,v1=<old>} while a secret
     * is rotated, so a receiver that knows either one accepts the call.
     *
     * @param secrets not empty, none of them empty
     */
    public static String headerSignedWithEach(List<String> secrets, long unixSeconds, String body) {
        Objects.requireNonNull(body, "body");
        if (secrets.isEmpty()) {
            throw new IllegalArgumentException("at least one secret is needed to sign");
        }
        StringBuilder header = new StringBuilder("t=").append(unixSeconds);
        for (String secret : secrets) {
            header.append(",v1=").append(hmacHex(requireSecret(secret), unixSeconds, body));
        }
        return header.toString();
    }

    /**
     * Whether {@code header} is a signature of {@code body} with {@code secret}, made within {@code tolerance} of
     * {@code now}. False, never an exception, for a missing, garbled or foreign header.
     *
     * @param header    the {@code Paylink-Signature} value as received; null or blank is refused
     * @param body      the raw body as received, before any JSON parsing
     * @param secret    the shared secret, not empty
     * @param tolerance how far {@code t} may lie from {@code now}, either way (inclusive)
     * @param now       the receiver's clock
     */
    public static boolean verify(String header, String body, String secret, Duration tolerance, Instant now) {
        requireSecret(secret);
        Objects.requireNonNull(tolerance, "tolerance");
        Objects.requireNonNull(now, "now");
        if (tolerance.isNegative()) {
            throw new IllegalArgumentException("tolerance must not be negative: " + tolerance);
        }
        if (header == null || body == null || header.isBlank() || header.length() > MAX_HEADER_LENGTH) {
            return false;
        }
        Parsed parsed = parse(header);
        if (parsed == null) {
            return false;
        }
        // t has at most 18 digits and now is a real clock: no overflow in the subtraction
        long skew = Math.abs(now.getEpochSecond() - parsed.timestamp());
        if (skew > tolerance.getSeconds()) {
            return false;
        }
        byte[] expected = hmacHex(secret, parsed.timestamp(), body).getBytes(StandardCharsets.US_ASCII);
        boolean match = false;
        for (String candidate : parsed.signatures()) {
            // no early exit: every candidate costs the same
            match |= MessageDigest.isEqual(expected, candidate.getBytes(StandardCharsets.UTF_8));
        }
        return match;
    }

    private record Parsed(long timestamp, List<String> signatures) {
    }

    /** Null when garbled: an item without {@code =}, no {@code t} or more than one, a non-numeric {@code t}, no {@code v1}. */
    private static Parsed parse(String header) {
        Long timestamp = null;
        List<String> signatures = new ArrayList<>();
        for (String item : header.split(",", -1)) {
            String trimmed = item.strip();
            int eq = trimmed.indexOf('=');
            if (eq <= 0) {
                return null;
            }
            String scheme = trimmed.substring(0, eq);
            String value = trimmed.substring(eq + 1);
            if (scheme.equals("t")) {
                if (timestamp != null || !isDigits(value)) {
                    return null;
                }
                timestamp = Long.parseLong(value);
            } else if (scheme.equals("v1")) {
                signatures.add(value);
            }
            // other schemes (v0, future ones) are not ours to judge
        }
        if (timestamp == null || signatures.isEmpty()) {
            return null;
        }
        return new Parsed(timestamp, signatures);
    }

    private static boolean isDigits(String value) {
        if (value.isEmpty() || value.length() > 18) {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    private static String hmacHex(String secret, long unixSeconds, String body) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), ALGORITHM));
            return HEX.formatHex(mac.doFinal((unixSeconds + "." + body).getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available in this JVM", e);
        }
    }

    private static String requireSecret(String secret) {
        if (secret == null || secret.isEmpty()) {
            throw new IllegalArgumentException("the webhook secret must not be empty");
        }
        return secret;
    }
}
