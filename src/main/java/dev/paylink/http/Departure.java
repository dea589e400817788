package dev.paylink.http;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.nio.channels.UnresolvedAddressException;
import java.util.IdentityHashMap;
import java.util.Map;
import javax.net.ssl.SSLHandshakeException;
import org.apache.hc.client5.http.ConnectTimeoutException;
import org.apache.hc.client5.http.UnsupportedSchemeException;
import org.apache.hc.core5.http.ConnectionRequestTimeoutException;
import org.apache.hc.core5.http.RequestNotExecutedException;
import org.apache.hc.core5.util.DeadlineTimeoutException;

/**
 * Whether a request that failed with an exception may have reached the server: the one question the money rules ask of
 * an HTTP failure. A request that certainly never left may be sent again (re-signed); one that may have left must not be,
 * for a payment link (its rows become UNCERTAIN), and is retried only where the receiver deduplicates (webhooks).
 *
 * <p>Certainly never left: nothing of the request was written, because the connection was never made (refused, no route,
 * DNS, connect timeout, no pooled connection free in time, TLS handshake refused — Apache HttpClient 5, which camel-http
 * uses, finishes the handshake before it writes the request line). Everything after the connection was made (a read
 * timeout, a reset, a closed connection, no answer, a broken answer) may have left. Unknown exceptions may have left:
 * the safe side is the one that never sends twice.
 */
public enum Departure {
    NEVER_LEFT,
    MAY_HAVE_LEFT;

    /** The departure of a request that failed with {@code failure} (a camel-http producer's exception, or any of its causes). */
    public static Departure of(Throwable failure) {
        Map<Throwable, Boolean> seen = new IdentityHashMap<>();
        for (Throwable t = failure; t != null && seen.put(t, true) == null; t = t.getCause()) {
            if (neverLeft(t)) {
                return NEVER_LEFT;
            }
        }
        return MAY_HAVE_LEFT;
    }

    /** What went wrong, short: the innermost message that says something, with its exception's simple name. */
    public static String describe(Throwable failure) {
        Throwable shown = failure;
        Map<Throwable, Boolean> seen = new IdentityHashMap<>();
        for (Throwable t = failure; t != null && seen.put(t, true) == null; t = t.getCause()) {
            if (neverLeft(t) || t.getCause() == null) {
                shown = t;
                break;
            }
        }
        String message = shown.getMessage();
        String name = shown.getClass().getSimpleName();
        return message == null || message.isBlank() ? name : name + ": " + message;
    }

    private static boolean neverLeft(Throwable t) {
        // HttpHostConnectException is a ConnectException; ConnectTimeoutException is an InterruptedIOException, not a
        // SocketTimeoutException (the read timeout, after the request left), so the order of these tests does not matter.
        return t instanceof ConnectException
                || t instanceof ConnectTimeoutException
                || t instanceof UnknownHostException
                || t instanceof UnresolvedAddressException
                || t instanceof NoRouteToHostException
                || t instanceof SSLHandshakeException
                || t instanceof ConnectionRequestTimeoutException
                || t instanceof DeadlineTimeoutException
                || t instanceof RequestNotExecutedException
                || t instanceof UnsupportedSchemeException;
    }
}
