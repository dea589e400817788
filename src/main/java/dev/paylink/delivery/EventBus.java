package dev.paylink.delivery;

import dev.paylink.events.Event;
import dev.paylink.events.EventLog;
import dev.paylink.events.EventSink;
import dev.paylink.ledger.Deliveries;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Where events go once they happen: the day's NDJSON log ({@code file} output) right away, and a durable
 * delivery per mail recipient list, per webhook endpoint and per other output (a route {@code output-<name>}), sent later
 * by the {@link Dispatcher}. Publishing never
 * waits for a receiver, so a receiver that is down never slows the intake or the enrichment.
 */
public class EventBus implements EventSink {

    private final EventLog log;
    private final Deliveries queue;
    private final DeliveryRouting routing;
    private final Set<String> activeOutputs;
    private final Clock clock;
    private final String ledgerId;

    public EventBus(EventLog log, Deliveries queue, DeliveryRouting routing, Set<String> activeOutputs, Clock clock) {
        this(log, queue, routing, activeOutputs, clock, null);
    }

    /**
     * @param ledgerId the ledger's own id ({@code Ledger#ledgerId}): every event id is scoped by it, so a receiver that
     *                 drops repeats by id never drops a new event after the ledger was reset or replaced
     */
    public EventBus(EventLog log, Deliveries queue, DeliveryRouting routing, Set<String> activeOutputs, Clock clock, String ledgerId) {
        this.ledgerId = ledgerId;
        this.log = log;
        this.queue = queue;
        this.routing = routing;
        this.activeOutputs = activeOutputs;
        this.clock = clock;
    }

    @Override
    public void publishAll(List<? extends Event<?>> events) {
        List<Event<?>> logged = new ArrayList<>();
        List<Deliveries.Request> requests = new ArrayList<>();
        for (Event<?> published : events) {
            Event<?> event = ledgerId == null ? published : published.scopedTo(ledgerId);
            List<String> outputs = routing.outputs(event.type());
            if (outputs.contains("file")) {
                logged.add(event);
            }
            String payload = null;
            for (String output : outputs) {
                if (!activeOutputs.contains(output) || output.equals("file")) {
                    continue;
                }
                payload = payload == null ? log.toJson(event) : payload;
                if (output.equals("webhook")) {
                    for (String endpoint : routing.webhookTargets(event.type())) {
                        requests.add(new Deliveries.Request(event.id(), event.type(), "webhook", endpoint, payload));
                    }
                } else if (output.equals("mail")) {
                    String to = routing.mailRecipientsByType().getOrDefault(event.type(), "");
                    if (!to.isBlank()) {
                        requests.add(new Deliveries.Request(event.id(), event.type(), "mail", to, payload));
                    }
                } else {
                    // an output of its own (a route output-<name>): one delivery, its target the output's name
                    requests.add(new Deliveries.Request(event.id(), event.type(), output, output, payload));
                }
            }
        }
        if (!logged.isEmpty()) {
            log.appendAll(logged);
        }
        queue.enqueue(requests, clock.instant());
    }
}
