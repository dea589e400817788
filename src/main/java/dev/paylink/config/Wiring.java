package dev.paylink.config;

import org.apache.camel.CamelContext;
import org.apache.camel.StartupStep;
import org.apache.camel.spi.StartupStepRecorder;
import org.apache.camel.support.service.ServiceSupport;

/** What the wiring of every capability shares. */
public final class Wiring {

    private Wiring() {
    }

    /** A part of the wiring, timed as one step. */
    @FunctionalInterface
    public interface Work<T> {
        T run() throws Exception;
    }

    /**
     * Runs one part of the wiring as a step of Camel's startup recorder ({@code camel.main.startup-recorder=logging} lists it
     * as {@code Wiring - Wire(<name>)} with its time, bench/startup.sh); without a recorder it just runs.
     */
    public static <T> T step(CamelContext camel, String name, Work<T> work) throws Exception {
        StartupStepRecorder recorder = camel.getCamelContextExtension().getStartupStepRecorder();
        StartupStep step = recorder.beginStep(Wiring.class, name, "Wire");
        try {
            return work.run();
        } finally {
            recorder.endStep(step);
        }
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
