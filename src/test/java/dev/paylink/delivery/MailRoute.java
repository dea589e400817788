package dev.paylink.delivery;

import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.spi.PropertiesFunction;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;

/**
 * A minimal CamelContext with only the route {@code output-mail} (and the outputs' shared route configuration), with the bean {@code mailOutput}, its {@code {{settings:paylink.mail.*}}} placeholders
 * answered from {@link MailSettings} the way {@code config.SettingsFunction} answers them from the typed settings.
 */
public final class MailRoute {

    private MailRoute() {
    }

    public static CamelContext start(MailSettings settings) throws Exception {
        CamelContext camel = new DefaultCamelContext();
        camel.getPropertiesComponent().addPropertiesFunction(settings(settings));
        camel.getRegistry().bind("mailOutput", new MailOutput(settings, new MailRenderer(settings.outbox())));
        for (String routes : new String[] {"classpath:routes/outputs.camel.yaml", "classpath:routes/output-mail.camel.yaml"}) {
            PluginHelper.getRoutesLoader(camel).loadRoutes(ResourceHelper.resolveResource(camel, routes));
        }
        camel.start();
        return camel;
    }

    /** {@code {{settings:paylink.mail.*}}} as config.SettingsFunction answers it. */
    static PropertiesFunction settings(MailSettings settings) {
        return new PropertiesFunction() {
            @Override
            public String getName() {
                return "settings";
            }

            @Override
            public boolean optional(String key) {
                return key.equals("paylink.mail.username") || key.equals("paylink.mail.password");
            }

            @Override
            public String apply(String key) {
                return switch (key) {
                    case "paylink.mail.enabled" -> "true";
                    case "paylink.mail.host" -> settings.host();
                    case "paylink.mail.port" -> String.valueOf(settings.port());
                    case "paylink.mail.scheme" -> settings.security() == MailSettings.Security.TLS ? "smtps" : "smtp";
                    case "paylink.mail.starttls" -> String.valueOf(settings.security() == MailSettings.Security.STARTTLS);
                    case "paylink.mail.connect-timeout" -> String.valueOf(settings.connectTimeout().toMillis());
                    case "paylink.mail.read-timeout" -> String.valueOf(settings.readTimeout().toMillis());
                    case "paylink.mail.username" -> settings.username();
                    case "paylink.mail.password" -> settings.username() == null ? null : settings.password();
                    default -> throw new IllegalArgumentException(key);
                };
            }
        };
    }

    /** The output the dispatcher would use on the route of {@code camel}. */
    public static Output output(CamelContext camel) {
        return new RouteOutput(MailOutput.NAME, camel.createProducerTemplate(), false, to -> to, java.time.Clock.systemUTC());
    }
}
