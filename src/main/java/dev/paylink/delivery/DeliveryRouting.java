package dev.paylink.delivery;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which outputs each event type goes to ({@code paylink.deliver.<key>}, e.g. {@code paylink.deliver.file-completed=file,mail}),
 * who gets its mails ({@code paylink.mail.to.<key>}), and which webhook endpoints get it.
 *
 * @param outputsByType        event type → outputs among {@code file}, {@code mail}, {@code webhook}
 * @param mailRecipientsByType event type → comma-separated recipients (empty: no mail for that type)
 * @param webhookTargetsByType event type → the webhook endpoints (their names) that get it
 */
public record DeliveryRouting(Map<String, List<String>> outputsByType, Map<String, String> mailRecipientsByType,
                              Map<String, List<String>> webhookTargetsByType) {

    /** Every type routed to {@code webhook} goes to every one of {@code webhookTargets}. */
    public DeliveryRouting(Map<String, List<String>> outputsByType, Map<String, String> mailRecipientsByType, List<String> webhookTargets) {
        this(outputsByType, mailRecipientsByType, everyRoutedType(outputsByType, webhookTargets));
    }

    /**
     * The configuration key of an event type, as in {@code paylink.deliver.<key>} and {@code paylink.mail.to.<key>}:
     * dots and underscores become dashes ({@code payment.status_changed} → {@code payment-status-changed}). The one
     * place this is derived.
     */
    public static String key(String eventType) {
        return eventType.replace('.', '-').replace('_', '-');
    }

    public List<String> outputs(String eventType) {
        return outputsByType.getOrDefault(eventType, List.of());
    }

    public List<String> webhookTargets(String eventType) {
        return webhookTargetsByType.getOrDefault(eventType, List.of());
    }

    private static Map<String, List<String>> everyRoutedType(Map<String, List<String>> outputsByType, List<String> targets) {
        Map<String, List<String>> byType = new LinkedHashMap<>();
        outputsByType.forEach((type, outputs) -> {
            if (outputs.contains("webhook")) {
                byType.put(type, List.copyOf(targets));
            }
        });
        return byType;
    }
}
