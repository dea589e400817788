package dev.paylink.delivery;

import java.util.List;
import java.util.Map;

/**
 * Which outputs each event type goes to ({@code paylink.deliver.<type>}, e.g. {@code paylink.deliver.file-completed=file,mail}),
 * who gets its mails, and which URLs get webhooks.
 *
 * @param outputsByType        event type → outputs among {@code file}, {@code mail}, {@code webhook}
 * @param mailRecipientsByType event type → comma-separated recipients (empty: no mail for that type)
 * @param webhookUrls          every URL gets every event routed to {@code webhook}
 */
public record DeliveryRouting(Map<String, List<String>> outputsByType, Map<String, String> mailRecipientsByType, List<String> webhookUrls) {

    public List<String> outputs(String eventType) {
        return outputsByType.getOrDefault(eventType, List.of());
    }
}
