package dev.paylink.intake;

import dev.paylink.smartml.PaymentLinkRequest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The ledger key of a row without a {@code reference}: the lower-hex SHA-256 of the UTF-8 bytes of
 * {@code transactionId + U+001F + priceNetText + U+001F + description}. The same request always gets the same key
 * (so a file dropped twice creates no second link), {@code sendMailToCustomer} is deliberately left out (sending
 * the same link again with a different mail flag is still a duplicate), and U+001F cannot occur in validated
 * values, so no two different requests share their input.
 */
public final class LedgerKey {

    private LedgerKey() {
    }

    public static String of(PaymentLinkRequest request) {
        String input = request.transactionId() + '\u001f' + request.priceNetText() + '\u001f' + request.description();
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(sha256.digest(input.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available in this JVM", e);
        }
    }

    /** The key of a tracking-only row without a reference. */
    public static String tracking(String paymentLinkId) {
        return "track:" + paymentLinkId;
    }
}
