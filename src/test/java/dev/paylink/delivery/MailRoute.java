package dev.paylink.delivery;

import java.util.Properties;
import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;

/** A minimal CamelContext with only {@code routes/mail.camel.yaml}, configured from {@link MailSettings#routeProperties()}. */
public final class MailRoute {

    private MailRoute() {
    }

    public static CamelContext start(MailSettings settings) throws Exception {
        CamelContext camel = new DefaultCamelContext();
        Properties p = new Properties();
        p.putAll(settings.routeProperties());
        camel.getPropertiesComponent().setInitialProperties(p);
        PluginHelper.getRoutesLoader(camel).loadRoutes(ResourceHelper.resolveResource(camel, "classpath:routes/mail.camel.yaml"));
        camel.start();
        return camel;
    }
}
