package dev.paylink;

import dev.paylink.config.ConfigurationException;
import java.io.PrintStream;
import org.apache.camel.main.Main;
import org.slf4j.LoggerFactory;

/** Starts paylink-routes under Camel Main: routes from {@code routes/*.camel.yaml}, beans from {@link PaylinkConfiguration}. */
public final class Application {

    private Application() {
    }

    public static void main(String[] args) {
        Preload.start();
        // Our one configuration class named, not found: new Main(Application.class) scans the package dev.paylink in the
        // 40 MB jar for it, about 2 s of every start (bench/startup.sh). The tests' PaylinkApp still scans (it adds test beans).
        Main main = new Main();
        main.configure().addConfiguration(PaylinkConfiguration.class);
        int status = run(main, args, System.err);
        if (status != 0) {
            System.exit(status);
        }
    }

    /**
     * Runs {@code main} until it stops; returns 0, or the exit status of a start that failed: {@link ConfigurationException#EXIT_STATUS}
     * with one line per configuration problem on {@code err} and no stack trace, 1 for anything unexpected (logged in full).
     */
    static int run(Main main, String[] args, PrintStream err) {
        try {
            // Camel Main 4.18 (MainSupport.run → BaseMainSupport.loadConfigurations) calls our CamelConfiguration inside
            // init() and rethrows what it throws to the caller of run() unwrapped and unlogged, with no exit-status hook.
            main.run(args);
            return 0;
        } catch (Throwable t) {
            // The start failed: no hang on threads something may have started, and no "shutdown hook triggered by SIGTERM" line.
            main.completed();
            ConfigurationException config = configurationProblem(t);
            if (config != null) {
                config.lines().forEach(err::println);
                return ConfigurationException.EXIT_STATUS;
            }
            LoggerFactory.getLogger(Application.class).error("paylink-routes could not start: {}", t.toString(), t);
            return 1;
        }
    }

    private static ConfigurationException configurationProblem(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof ConfigurationException e) {
                return e;
            }
        }
        return null;
    }
}
