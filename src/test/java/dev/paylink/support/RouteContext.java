package dev.paylink.support;

import dev.paylink.config.PaylinkSettings;
import dev.paylink.config.SettingsFunction;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.apache.camel.CamelContext;
import org.apache.camel.component.http.HttpComponent;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;

/**
 * A CamelContext of its own for route tests, configured as the app configures itself: application.properties with the
 * test's overrides, every paylink.* key checked by {@link PaylinkSettings}, the routes' {@code {{settings:...}}} from the
 * real {@link SettingsFunction}, and the http component as application.properties sets it (no retries, no redirects of
 * HttpClient's own).
 */
public final class RouteContext {

    private RouteContext() {
    }

    /** A context whose properties are the shipped ones, the data folder under {@code data}, and {@code overrides}. */
    public static CamelContext camel(Path data, Map<String, String> overrides) {
        CamelContext camel = new DefaultCamelContext();
        camel.getPropertiesComponent().setLocation("classpath:application.properties");
        Properties p = new Properties();
        p.setProperty("paylink.data", data.toString());
        p.putAll(overrides);
        camel.getPropertiesComponent().setOverrideProperties(p);
        HttpComponent http = camel.getComponent("http", HttpComponent.class);
        http.setAutomaticRetriesDisabled(true);
        http.setRedirectHandlingDisabled(true);
        return camel;
    }

    /** The checked settings, also installed as {@code {{settings:...}}}. */
    public static PaylinkSettings settings(CamelContext camel) {
        PaylinkSettings config = PaylinkSettings.bind(camel.getPropertiesComponent());
        camel.getPropertiesComponent().addPropertiesFunction(new SettingsFunction(config));
        return config;
    }

    /** Loads routes/{@code <name>}.camel.yaml of the classpath, as Camel Main does. */
    public static void routes(CamelContext camel, String... names) throws Exception {
        for (String name : names) {
            PluginHelper.getRoutesLoader(camel).loadRoutes(ResourceHelper.resolveResource(camel, "classpath:routes/" + name + ".camel.yaml"));
        }
    }
}
