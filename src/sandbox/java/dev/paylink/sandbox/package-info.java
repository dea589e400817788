/**
 * Sandbox mode ({@code paylink.sandbox=true}): loopback simulators of the onOffice smartml API and of the SmartPay
 * payment-link API, so the whole flow runs with no credentials, and the HTTP servers the project's own tests talk to.
 *
 * <p>{@link dev.paylink.sandbox.OnOfficeSimulator} accepts only {@code do} on {@code subsequentPaymentLink},
 * checks token, HMAC v2, the ±120 s timestamp window and every parameter as strictly as
 * {@code reference/onoffice-smartml.md} describes, and answers in the documented envelope. These transaction
 * ids trigger failures on purpose:
 * <ul>
 *   <li>{@code 1000000189}: action error 189 "transaction not found"</li>
 *   <li>{@code 1000000205}: action error 205 "transaction does not belong to this customer"</li>
 *   <li>{@code 1000000214}: action error 214 "invalid price format" (whatever the price)</li>
 *   <li>{@code 1000000137}: action error 137 "HMAC invalid" (broken credentials for one action)</li>
 *   <li>{@code 1000000500}: the other actions are executed, then the whole request gets HTTP 500 with an empty body</li>
 *   <li>{@code 1000000408}: the action is executed, then the answer is held back longer than a client waits</li>
 * </ul>
 *
 * <p>{@link dev.paylink.sandbox.SmartPaySimulator} serves the OAuth2 token endpoint, Get Payment Link Details and
 * Get Payment Status. Every call must carry {@code Content-Type: application/json}, {@code Accept-Language: en-US},
 * the configured {@code Origin}, a {@code User-Agent} (else HTTP 400 naming the header) and Basic or Bearer
 * credentials (else HTTP 401), as {@code reference/smartpay.md} describes. These payment-link ids are scripted:
 * <ul>
 *   <li>{@code PL-PAID-FLOW}: one step per GET: no transaction, CREATED, AUTHORIZATION_COMPLETED, CAPTURED, SETTLED (stays)</li>
 *   <li>{@code PL-CANCELLED}: CANCELLED from the first GET</li>
 *   <li>{@code PL-EXPIRING}: no transaction ever; expires 30 s after the simulator started</li>
 *   <li>{@code PL-ODD}: the undocumented status PARTIALLY_REFUNDED</li>
 *   <li>{@code PL-FLAKY}: HTTP 503 with {@code Retry-After: 1} once, then CREATED</li>
 *   <li>{@code PL-404}, and any id not known: HTTP 404 "payment link not found" with a traceId</li>
 * </ul>
 */
package dev.paylink.sandbox;
