package dev.paylink.sandbox;

import dev.paylink.Application;

/**
 * The sandbox jar's main class: the application, in sandbox mode unless {@code paylink.sandbox} is set
 * ({@code -Dpaylink.sandbox} or {@code PAYLINK_SANDBOX}). So {@code java -jar target/paylink-routes-sandbox.jar} is the demo.
 */
public final class SandboxApplication {

    private SandboxApplication() {
    }

    public static void main(String[] args) {
        if (System.getProperty("paylink.sandbox") == null && System.getenv("PAYLINK_SANDBOX") == null) {
            System.setProperty("paylink.sandbox", "true");
        }
        Application.main(args);
    }
}
