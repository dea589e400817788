package dev.paylink.smartml;

import java.net.URI;
import java.time.Duration;

/**
 * How to reach onOffice ({@code paylink.onoffice.*}).
 *
 * @param url             the API endpoint, e.g. {@code https://api.onoffice.de/api/stable/api.php}
 * @param connectTimeout  how long to wait for the TCP/TLS connection
 * @param requestTimeout  how long to wait for the whole answer once the request is sent; past it the outcome is UNCERTAIN
 * @param connectAttempts how many times to try connecting (each attempt re-signed) before holding the batch as UNREACHABLE
 * @param connectBackoff  wait before the 2nd attempt; doubled for each further one
 */
public record OnOfficeSettings(URI url, Duration connectTimeout, Duration requestTimeout, int connectAttempts, Duration connectBackoff) {
}
