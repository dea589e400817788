package dev.paylink.flow;

/**
 * Sending is paused (credentials, clock, onOffice unreachable): the file stays in the inbox, untouched, and is
 * picked up again when the pause ends. Nothing is lost; rows already answered keep their outcome.
 */
public class SendingPausedException extends RuntimeException {

    public SendingPausedException(String message) {
        super(message, null, false, false);
    }
}
