package dev.paylink.smartml;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * onOffice HMAC version 2: {@code Base64(HMAC-SHA256(secret, timestamp + token + resourcetype + actionid))}.
 * Plain concatenation, timestamp in decimal Unix seconds, standard Base64 with padding.
 */
public final class HmacV2 {

    private HmacV2() {
    }

    public static String sign(String secret, String token, long timestamp, String resourceType, String actionId) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            String message = timestamp + token + resourceType + actionId;
            return Base64.getEncoder().encodeToString(mac.doFinal(message.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available in this JVM", e);
        }
    }
}
