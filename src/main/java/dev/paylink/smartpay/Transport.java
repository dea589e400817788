package dev.paylink.smartpay;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.zip.GZIPInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One HTTP exchange with a hard deadline over the whole answer, body included (the JDK's request timeout stops
 * counting once the headers are in). Never throws for transport trouble. Logs each call at DEBUG, without headers.
 */
final class Transport {

    private static final Logger LOG = LoggerFactory.getLogger(SmartPayClient.class);

    private final HttpClient http;
    private final Duration readTimeout;
    private final Duration hardDeadline;

    Transport(Duration connectTimeout, Duration readTimeout) {
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
        this.readTimeout = readTimeout;
        this.hardDeadline = connectTimeout.plus(readTimeout);
    }

    Duration readTimeout() {
        return readTimeout;
    }

    sealed interface Exchange permits Answer, Broken {
    }

    /** An HTTP answer, any status; the body gunzipped if it came gzipped although we did not ask. */
    record Answer(int status, HttpHeaders headers, byte[] body) implements Exchange {
    }

    /** No (complete) answer: connect failure, timeout, I/O error. Worth another attempt for a GET. */
    record Broken(String message) implements Exchange {
    }

    Exchange send(HttpRequest request) {
        long started = System.nanoTime();
        String what = request.method() + " " + request.uri().getRawPath();
        CompletableFuture<HttpResponse<byte[]>> future = http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray());
        Exchange exchange;
        try {
            HttpResponse<byte[]> response = future.get(hardDeadline.toNanos(), TimeUnit.NANOSECONDS);
            exchange = decode(response.statusCode(), response.headers(), response.body());
        } catch (ExecutionException | CompletionException e) {
            exchange = failure(e.getCause() == null ? e : e.getCause());
        } catch (TimeoutException e) {
            future.cancel(true);
            exchange = new Broken("no complete answer within " + millis(hardDeadline) + " (answer started but did not finish)");
        } catch (InterruptedException e) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            exchange = new Broken("interrupted while waiting for the answer");
        } catch (CancellationException e) {
            exchange = new Broken("the exchange was cancelled");
        }
        long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        if (exchange instanceof Answer answer) {
            LOG.debug("SmartPay {} -> HTTP {} in {} ms", what, answer.status(), took);
        } else {
            LOG.debug("SmartPay {} -> no answer in {} ms: {}", what, took, ((Broken) exchange).message());
        }
        return exchange;
    }

    private Exchange failure(Throwable thrown) {
        Set<Throwable> seen = new HashSet<>();
        for (Throwable t = thrown; t != null && seen.add(t); t = t.getCause()) {
            if (t instanceof HttpConnectTimeoutException) {
                return new Broken("connect timeout: " + describe(t));
            }
            if (t instanceof HttpTimeoutException) {
                return new Broken("no answer within " + millis(readTimeout) + " (read timeout)");
            }
            if (t instanceof ConnectException || t instanceof UnresolvedAddressException || t instanceof UnknownHostException) {
                return new Broken("could not connect: " + describe(t));
            }
        }
        return new Broken("the exchange failed: " + describe(thrown));
    }

    private static Exchange decode(int status, HttpHeaders headers, byte[] raw) {
        String encoding = headers.firstValue("Content-Encoding").orElse("").strip().toLowerCase(Locale.ROOT);
        if (encoding.equals("gzip") || encoding.equals("x-gzip")) {
            try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(raw))) {
                return new Answer(status, headers, in.readAllBytes());
            } catch (IOException e) {
                return new Broken("HTTP " + status + " with a gzip body that could not be read: " + describe(e));
            }
        }
        return new Answer(status, headers, raw == null ? new byte[0] : raw);
    }

    static String millis(Duration d) {
        return d.toMillis() + " ms";
    }

    static String describe(Throwable t) {
        String message = t.getMessage();
        Throwable cause = t.getCause();
        if (message != null && !message.isBlank()) {
            return t.getClass().getSimpleName() + ": " + message;
        }
        return t.getClass().getSimpleName() + (cause == null || cause == t ? "" : " caused by " + describe(cause));
    }

}
