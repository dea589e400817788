package dev.paylink.smartpay;

import dev.paylink.smartpay.Result.Missing;
import dev.paylink.smartpay.Result.Ok;
import dev.paylink.smartpay.Result.Refused;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What route {@code smartpay-lookup} makes of SmartPay's answers: {@code GET /payment-links/{id}} and, if configured,
 * the authoritative {@code GET /payment/status/{latestTransactionId}}, composed into one {@link LinkLookup}. No HTTP
 * here: each GET is {@code direct:smartpay-get}, whose result ({@link Result}) comes back to these methods.
 */
public final class SmartPayLookups {

    private static final Logger LOG = LoggerFactory.getLogger(SmartPayLookups.class);
    /** The exchange property that holds the {@link SmartPayCall} of the request under way. */
    public static final String CALL = "paylinkSmartPayCall";

    private final SmartPaySettings settings;

    SmartPayLookups(SmartPaySettings settings) {
        this.settings = settings;
    }

    /**
     * The GET of a link's details.
     *
     * @throws IllegalArgumentException for a null or blank id (nothing is sent)
     */
    public SmartPayCall linkGet(String paymentLinkId) {
        if (paymentLinkId == null || paymentLinkId.isBlank()) {
            throw new IllegalArgumentException("a payment link id is needed");
        }
        return get("/payment-links/" + PathSegment.encode(paymentLinkId), PaymentLinkDetails.class, "link " + paymentLinkId);
    }

    private SmartPayCall get(String path, Class<?> type, String subject) {
        return new SmartPayCall(SmartPayCall.Kind.API, "GET " + settings.url().getRawPath().replaceAll("/+$", "") + path, path, type,
                subject, settings.attempts());
    }

    /**
     * The link's GET came to {@code result}: the look-up's outcome, or the details when the payment status is to be
     * asked for too ({@link #statusGet}).
     */
    public Object linkAnswered(String paymentLinkId, Result<?> result) {
        if (!(result instanceof Ok<?> ok)) {
            return toLookup(paymentLinkId, result);
        }
        PaymentLinkDetails details = (PaymentLinkDetails) ok.value();
        if (PaymentLinkDetails.isBlank(details.id())) {
            details = details.withId(paymentLinkId);
        } else if (!details.id().equals(paymentLinkId)) {
            String message = "SmartPay answered with link " + details.id() + " when asked for " + paymentLinkId;
            LOG.warn("{}", message);
            return new LinkLookup.Failed(message);
        }
        if (settings.fetchPaymentStatus() && !PaymentLinkDetails.isBlank(details.latestTransactionId())) {
            return details;
        }
        return new LinkLookup.Found(details.toSnapshot(null));
    }

    /** The GET of the payment status of the link's latest transaction. */
    public SmartPayCall statusGet(String paymentLinkId, PaymentLinkDetails details) {
        String transactionId = details.latestTransactionId();
        return get("/payment/status/" + PathSegment.encode(transactionId), PaymentStatusDetails.class,
                "transaction " + transactionId + " of link " + paymentLinkId);
    }

    /** The status GET came to {@code result}: it wins when usable; otherwise the link's own latestTransactionStatus stays. */
    public LinkLookup statusAnswered(String paymentLinkId, PaymentLinkDetails details, Result<?> result) {
        String transactionId = details.latestTransactionId();
        PaymentStatusDetails status = null;
        if (result instanceof Ok<?> ok) {
            status = (PaymentStatusDetails) ok.value();
            if (PaymentLinkDetails.isBlank(status.paymentStatus())) {
                LOG.warn("SmartPay payment status of transaction {} (link {}) has no paymentStatus; keeping latestTransactionStatus {}",
                        transactionId, paymentLinkId, details.latestTransactionStatus());
            } else if (status.paymentLinkId() != null && !status.paymentLinkId().equals(paymentLinkId)) {
                LOG.warn("SmartPay payment status of transaction {} names link {}, not {}; keeping latestTransactionStatus {}",
                        transactionId, status.paymentLinkId(), paymentLinkId, details.latestTransactionStatus());
                status = null;
            }
        } else if (result instanceof Refused<?> refused) {
            return new LinkLookup.AuthFailed(refused.httpStatus(), refused.message());
        } else {
            LOG.warn("SmartPay payment status of transaction {} (link {}) not available, keeping latestTransactionStatus {}: {}",
                    transactionId, paymentLinkId, details.latestTransactionStatus(), message(result));
        }
        return new LinkLookup.Found(details.toSnapshot(status));
    }

    private static LinkLookup toLookup(String paymentLinkId, Result<?> result) {
        if (result instanceof Missing<?> missing) {
            return new LinkLookup.NotFound(missing.message());
        }
        if (result instanceof Refused<?> refused) {
            return new LinkLookup.AuthFailed(refused.httpStatus(), refused.message());
        }
        String message = message(result);
        LOG.warn("SmartPay lookup of link {} failed: {}", paymentLinkId, message);
        return new LinkLookup.Failed(message);
    }

    private static String message(Result<?> result) {
        if (result instanceof Missing<?> m) {
            return m.message();
        }
        if (result instanceof Refused<?> r) {
            return r.message();
        }
        if (result instanceof Result.Failure<?> f) {
            return f.message();
        }
        return String.valueOf(result);
    }
}
