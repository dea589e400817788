package dev.paylink;

import org.apache.camel.main.Main;

/** Starts paylink-routes under Camel Main: routes from {@code routes/*.camel.yaml}, beans from {@link PaylinkConfiguration}. */
public final class Application {

    private Application() {
    }

    public static void main(String[] args) throws Exception {
        new Main(Application.class).run(args);
    }
}
