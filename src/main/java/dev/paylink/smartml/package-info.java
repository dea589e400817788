/**
 * onOffice smartml: one POST of {@code subsequentPaymentLink} do-actions per batch (signed by {@link dev.paylink.smartml.Smartml}, POSTed by the camel-http endpoint in routes/onoffice.camel.yaml),
 * and what became of each action ({@link dev.paylink.smartml.ActionOutcome}).
 *
 * <p>What a batch comes to, per action:
 * <ul>
 *   <li>connect refused / DNS failure / connect timeout on every attempt: Held UNREACHABLE (re-signed retries with
 *       doubling back-off before that);</li>
 *   <li>read timeout, connection lost after connecting, body stalled, cancelled or interrupted while waiting: Uncertain;</li>
 *   <li>empty body, body not JSON, JSON without {@code response.results} and without a holding top status: Uncertain;</li>
 *   <li>no results and top {@code status.code} 400 or a top errorcode of class credentials / clock / envelope: Held
 *       CREDENTIALS / CLOCK / ENVELOPE for every action;</li>
 *   <li>results present: matched by position, or by echoed identifier when the echoes contradict the positions or the
 *       count differs; unmatched: Uncertain; errorcode 0 or absent with a URL: Created, without a URL: Uncertain;
 *       errorcode by {@link dev.paylink.smartml.ErrorClass}: Held / Rejected / Uncertain.</li>
 * </ul>
 */
package dev.paylink.smartml;
