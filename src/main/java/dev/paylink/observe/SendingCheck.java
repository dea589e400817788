package dev.paylink.observe;

import dev.paylink.flow.IntakeGate;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.apache.camel.health.HealthCheckResultBuilder;

/**
 * {@code sending}: whether rows may be sent to onOffice. DOWN while the intake gate pauses sending (refused credentials or
 * clock, a malformed envelope, an onOffice outage, a probe under way, the application stopping), with the gate's reason.
 * Readiness only: a paused application is doing the right thing (files wait, nothing is lost) and restarting it would not
 * fix the cause, so it must not fail liveness.
 */
final class SendingCheck extends PaylinkCheck {

    private final Supplier<Optional<IntakeGate.PauseState>> gate;
    private final Redactor redactor;

    SendingCheck(Supplier<Optional<IntakeGate.PauseState>> gate, Redactor redactor) {
        super("sending", false);
        this.gate = gate;
        this.redactor = redactor;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        Optional<IntakeGate.PauseState> pause = gate.get();
        if (pause.isEmpty()) {
            builder.detail("paused", false).up();
            return;
        }
        IntakeGate.PauseState p = pause.get();
        String reason = redactor.clean(p.reason());
        builder.detail("paused", true).detail("kind", p.kind()).detail("reason", reason).detail("probing", p.probing());
        if (p.until() != null) {
            builder.detail("next-try-at", p.until().toString());
        }
        builder.message("sending is paused (" + p.kind() + (p.probing() ? ", probing" : "") + "): " + reason).down();
    }
}
