package dev.paylink.smartml;

import org.apache.camel.component.http.HttpClientConfigurer;
import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;

/**
 * The onOffice endpoint's HttpClient never sends a request again on its own. camel-http leaves HttpClient 5's
 * DefaultHttpRequestRetryStrategy on (component option automaticRetriesDisabled=false), and in httpclient5 5.5.1 that
 * strategy re-sends any request, a POST included, once after an HTTP 429 or 503: a second payment link. Connect
 * retries are the route's error handler's, re-signed, and only for requests that never left.
 */
public final class NoAutomaticRetries implements HttpClientConfigurer {

    @Override
    public void configureHttpClient(HttpClientBuilder builder) {
        builder.disableAutomaticRetries();
        builder.disableRedirectHandling();
    }
}
