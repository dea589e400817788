package dev.paylink.smartml;

/** onOffice API user credentials. {@link #toString()} masks the token and never shows the secret. */
public record SmartmlCredentials(String token, String secret) {

    public SmartmlCredentials {
        if (token == null || token.isBlank()) {
            throw new IllegalArgumentException("onOffice token is missing (set PAYLINK_ONOFFICE_TOKEN)");
        }
        if (secret == null || secret.isBlank()) {
            throw new IllegalArgumentException("onOffice secret is missing (set PAYLINK_ONOFFICE_SECRET)");
        }
    }

    /** The token as it may appear in a log: first and last two characters, the rest starred. */
    public String maskedToken() {
        return mask(token);
    }

    public static String mask(String token) {
        if (token == null || token.length() < 8) {
            return "****";
        }
        return token.substring(0, 2) + "*".repeat(token.length() - 4) + token.substring(token.length() - 2);
    }

    @Override
    public String toString() {
        return "SmartmlCredentials[token=" + maskedToken() + ", secret=<hidden>]";
    }
}
