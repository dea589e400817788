package dev.paylink.smartpay;

import java.net.URI;
import java.time.Duration;

/**
 * How to reach SmartPay ({@code paylink.smartpay.*}). {@link #toString()} hides every secret.
 *
 * @param url                the API base, e.g. {@code https://api.smartpay.jpmmps.com} (paths are appended)
 * @param auth               BASIC (merchantKey:authenticationKey) or OAUTH2 (client credentials)
 * @param tokenUrl           OAuth2 token endpoint (OAUTH2 only)
 * @param origin             the merchant's registered https origin, sent as {@code Origin}
 * @param userAgent          sent as {@code User-Agent}
 * @param readTimeout        the provider recommends at least 90 s
 * @param attempts           tries per request for 5xx, 429 and timeouts (GETs are safe to retry)
 * @param backoff            wait before the 2nd try, doubled for each further one; a Retry-After header wins
 * @param fetchPaymentStatus also call {@code GET /payment/status/{latestTransactionId}} for the authoritative status
 */
public record SmartPaySettings(URI url, Auth auth, String merchantKey, String authenticationKey, String clientId,
                               String clientSecret, URI tokenUrl, String origin, String userAgent, Duration connectTimeout,
                               Duration readTimeout, int attempts, Duration backoff, boolean fetchPaymentStatus) {

    public enum Auth {
        BASIC, OAUTH2
    }

    @Override
    public String toString() {
        return "SmartPaySettings[url=" + url + ", auth=" + auth + ", merchantKey=" + mask(merchantKey) + ", clientId=" + mask(clientId)
                + ", tokenUrl=" + tokenUrl + ", origin=" + origin + ", userAgent=" + userAgent + ", secrets=<hidden>]";
    }

    private static String mask(String s) {
        return s == null || s.length() < 8 ? "****" : s.substring(0, 2) + "****" + s.substring(s.length() - 2);
    }
}
