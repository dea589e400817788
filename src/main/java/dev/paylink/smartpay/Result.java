package dev.paylink.smartpay;

/** What one logical SmartPay request (retries included) came to; mapped onto {@link LinkLookup} by {@link SmartPayLookups}. */
public sealed interface Result<T> {

    record Ok<T>(T value) implements Result<T> {
    }

    /** HTTP 404. */
    record Missing<T>(String message) implements Result<T> {
    }

    /** Credentials refused (API 401/403 after the one refresh, or the token endpoint's 400/401/403). */
    record Refused<T>(int httpStatus, String message) implements Result<T> {
    }

    /** Anything else that did not work, retries spent or not worth it. */
    record Failure<T>(String message) implements Result<T> {
    }

    /** The same non-Ok result for another value type. */
    @SuppressWarnings("unchecked")
    default <U> Result<U> cast() {
        if (this instanceof Ok) {
            throw new IllegalStateException("an Ok result cannot change its type");
        }
        return (Result<U>) this;
    }
}
