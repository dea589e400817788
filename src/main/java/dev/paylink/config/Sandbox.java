package dev.paylink.config;

import java.util.Optional;
import java.util.ServiceLoader;
import org.apache.camel.CamelContext;

/**
 * The sandbox ({@code paylink.sandbox=true}): built-in simulators of onOffice, SmartPay, an SMTP server and a webhook
 * receiver on 127.0.0.1. It is not part of the production jar: the sandbox jar brings an implementation (found with
 * {@link ServiceLoader}), which starts the simulators and returns the settings pointed at them. The wiring of every
 * capability then builds its beans from those settings as it would against the real services: no sandbox branch in it.
 */
public interface Sandbox {

    /**
     * Starts the simulators (stopped with Camel) and drops the demo files into the inbox.
     *
     * @param webhooksConfigured whether a webhook endpoint is configured; if not, the sandbox brings its receiver
     * @return the settings with onOffice, SmartPay, mail and (if none is configured) a webhook endpoint pointed at the simulators
     */
    PaylinkSettings start(CamelContext camel, PaylinkSettings settings, boolean webhooksConfigured) throws Exception;

    /** The sandbox on the classpath, if this is the sandbox jar (or a test). */
    static Optional<Sandbox> find() {
        return ServiceLoader.load(Sandbox.class, Sandbox.class.getClassLoader()).findFirst();
    }
}
