package dev.paylink.ledger;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * How ledger_key holds a key: the SHA-256 of its UTF-8 bytes, 32 bytes (migration V14 says why). Any key, a computed
 * one, a caller's reference or a tracking key, is hashed the same way, so two keys share a hash only if SHA-256 collides.
 */
final class KeyHash {

    private KeyHash() {
    }

    static byte[] of(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available in this JVM", e);
        }
    }
}
