package dev.paylink.events;

import java.util.List;

/** Where events are published: the event bus in the app, a list in a test. */
public interface EventSink {

    void publishAll(List<? extends Event<?>> events);

    default void publish(Event<?> event) {
        publishAll(List.of(event));
    }
}
