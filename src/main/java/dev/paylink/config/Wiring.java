package dev.paylink.config;

import org.apache.camel.CamelContext;
import org.apache.camel.support.service.ServiceSupport;

/** What the wiring of every capability shares. */
public final class Wiring {

    private Wiring() {
    }

    /** Closes a resource when Camel stops, after the routes (services stop in reverse order of adding). */
    public static void onStop(CamelContext camel, String what, AutoCloseable resource) throws Exception {
        camel.addService(new ServiceSupport() {
            @Override
            protected void doStop() throws Exception {
                resource.close();
            }

            @Override
            public String toString() {
                return what;
            }
        }, true, true);
    }
}
