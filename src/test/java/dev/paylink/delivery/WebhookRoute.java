package dev.paylink.delivery;

import java.time.Clock;
import java.time.Duration;
import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.spi.PropertiesFunction;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;

/**
 * A minimal CamelContext with only the route {@code output-webhook} (and the outputs' shared route configuration), every
 * target a URL signed with one secret, and the {@link RouteOutput} the dispatcher would use on it. Close it after.
 */
public final class WebhookRoute implements Output, AutoCloseable {

    private final CamelContext camel;
    private final RouteOutput output;

    private WebhookRoute(CamelContext camel, RouteOutput output) {
        this.camel = camel;
        this.output = output;
    }

    public static WebhookRoute start(String secret, Duration connectTimeout, Duration timeout, Clock clock) throws Exception {
        return start(WebhookEndpoints.anyUrl(secret), connectTimeout, timeout, clock);
    }

    public static WebhookRoute start(WebhookEndpoints endpoints, Duration connectTimeout, Duration timeout, Clock clock) throws Exception {
        CamelContext camel = new DefaultCamelContext();
        camel.getPropertiesComponent().addPropertiesFunction(settings(connectTimeout, timeout));
        WebhookOutput webhook = new WebhookOutput(endpoints, clock);
        camel.getRegistry().bind("webhookOutput", webhook);
        // As application.properties sets it for the app (camel.component.http.*): HttpClient never re-sends on its own.
        org.apache.camel.component.http.HttpComponent http = camel.getComponent("http", org.apache.camel.component.http.HttpComponent.class);
        http.setAutomaticRetriesDisabled(true);
        http.setRedirectHandlingDisabled(true);
        for (String routes : new String[] {"classpath:routes/outputs.camel.yaml", "classpath:routes/output-webhook.camel.yaml"}) {
            PluginHelper.getRoutesLoader(camel).loadRoutes(ResourceHelper.resolveResource(camel, routes));
        }
        camel.start();
        return new WebhookRoute(camel, new RouteOutput(WebhookOutput.NAME, camel.createProducerTemplate(), true, webhook::describe, clock));
    }

    /** {@code {{settings:...}}} as config.SettingsFunction answers it for the webhook route. */
    static PropertiesFunction settings(Duration connectTimeout, Duration timeout) {
        return new PropertiesFunction() {
            @Override
            public String getName() {
                return "settings";
            }

            @Override
            public String apply(String key) {
                return switch (key) {
                    case "paylink.webhook.connect-timeout" -> String.valueOf(connectTimeout.toMillis());
                    case "paylink.webhook.timeout" -> String.valueOf(timeout.toMillis());
                    case "paylink.deliver.concurrency" -> "4";
                    default -> throw new IllegalArgumentException(key);
                };
            }
        };
    }

    public CamelContext camel() {
        return camel;
    }

    @Override
    public String name() {
        return output.name();
    }

    @Override
    public DeliveryResult deliver(Delivery delivery) {
        return output.deliver(delivery);
    }

    @Override
    public void close() throws Exception {
        camel.close();
    }
}
