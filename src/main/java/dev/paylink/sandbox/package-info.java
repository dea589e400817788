/**
 * Sandbox mode ({@code paylink.sandbox=true}): a loopback simulator of the onOffice smartml API, so the whole
 * flow runs with no credentials, and the HTTP server the project's own tests talk to.
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
 */
package dev.paylink.sandbox;
