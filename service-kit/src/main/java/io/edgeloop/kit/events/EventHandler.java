package io.edgeloop.kit.events;

import com.google.protobuf.Message;
import io.edgeloop.common.events.EventContract;

/**
 * What a service does with one event type. {@link EventConsumer} calls {@link #apply} once per event id, inside the
 * transaction that records the event in the inbox: the effects and the "processed" mark commit together. Work that
 * takes long or calls other services does not belong here: enqueue a durable job ({@link io.edgeloop.kit.jobs.Jobs})
 * in this transaction instead.
 *
 * @param <E> the event message
 */
public interface EventHandler<E extends Message> {
    /** The contract of the event type handled (parser and validator). */
    EventContract<E> contract();

    /**
     * Applies the event. Runs in a transaction; throw {@link io.edgeloop.common.Events.PoisonEventException} for an
     * event this service can never process (it goes to the dead-letter topic); any other exception rolls back and
     * is retried.
     */
    void apply(E event);
}
