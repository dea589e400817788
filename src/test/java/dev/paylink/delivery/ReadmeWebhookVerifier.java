package dev.paylink.delivery;

// The receiver-side check shown in docs/webhook-verification.md; WebhookReadmeSnippetTest keeps the two identical.
// Self-contained on purpose (fully qualified JDK names, Java 17+), so that it can be copied as it is.
public final class ReadmeWebhookVerifier {

    /** True when Paylink-Signature fits the raw body and the secret and was made within 5 minutes of now. */
    public static boolean verify(String signatureHeader, String rawBody, String secret, long nowUnixSeconds) {
        if (signatureHeader == null || rawBody == null || secret == null || secret.isEmpty()) {
            return false;
        }
        String t = null;
        java.util.List<String> v1 = new java.util.ArrayList<>();
        for (String item : signatureHeader.split(",")) {
            String[] kv = item.trim().split("=", 2);
            if (kv.length == 2 && kv[0].equals("t")) {
                t = kv[1];
            } else if (kv.length == 2 && kv[0].equals("v1")) {
                v1.add(kv[1]);
            }
        }
        if (t == null || !t.matches("[0-9]{1,18}") || Math.abs(nowUnixSeconds - Long.parseLong(t)) > 300) {
            return false; // missing, garbled, too old or from the future: a replay can't be told apart
        }
        try {
            javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
            mac.init(new javax.crypto.spec.SecretKeySpec(secret.getBytes(java.nio.charset.StandardCharsets.UTF_8), "HmacSHA256"));
            byte[] digest = mac.doFinal((t + "." + rawBody).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            byte[] expected = java.util.HexFormat.of().formatHex(digest).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            boolean ok = false;
            for (String candidate : v1) {
                ok |= java.security.MessageDigest.isEqual(expected, candidate.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            }
            return ok;
        } catch (java.security.GeneralSecurityException e) {
            return false;
        }
    }
}
