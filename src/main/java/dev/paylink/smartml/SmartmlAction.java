package dev.paylink.smartml;

/**
 * One do-action to send.
 *
 * @param identifier unique per action; the ledger key. Echoed back by onOffice and cross-checked.
 * @param request    its parameters
 */
public record SmartmlAction(String identifier, PaymentLinkRequest request) {
}
