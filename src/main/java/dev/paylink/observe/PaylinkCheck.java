package dev.paylink.observe;

import org.apache.camel.impl.health.AbstractHealthCheck;

/** One of our checks, in group {@code paylink}: all of them count for readiness, only those a restart can fix for liveness. */
abstract class PaylinkCheck extends AbstractHealthCheck {

    private final boolean liveness;

    PaylinkCheck(String id, boolean liveness) {
        super("paylink", id);
        this.liveness = liveness;
    }

    @Override
    public boolean isLiveness() {
        return liveness;
    }

    @Override
    public boolean isReadiness() {
        return true;
    }
}
