/**
 * The one event-consuming abstraction of every service: {@link io.edgeloop.kit.events.EventConsumer} checks the
 * record's type, validates it with the event type's contract, dedupes it in the inbox under one consumer-id
 * convention, applies an {@link io.edgeloop.kit.events.EventHandler} in the same transaction, and classifies
 * failures (poison to the dead-letter topic at once, others retried with backoff and then dead-lettered as
 * transient, replayable).
 */
package io.edgeloop.kit.events;
