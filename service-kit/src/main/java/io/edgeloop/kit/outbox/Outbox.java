package io.edgeloop.kit.outbox;

import com.google.protobuf.Message;
import io.edgeloop.common.TraceContext;
import io.edgeloop.proto.events.v1.EventMeta;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.time.Instant;

/** Writes events into the outbox table, inside the caller's transaction. */
@ApplicationScoped
public class Outbox {
    @Inject
    OutboxRelay relay;

    /**
     * Adds {@code event} to the outbox. Must run inside the transaction that writes the state the event announces:
     * both commit or neither does.
     *
     * @param topic Kafka topic (see {@link io.edgeloop.common.Topics})
     * @param key record key; events with the same key stay ordered
     * @param meta the event's metadata (its event id must be unique)
     * @param event the event message
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public void enqueue(String topic, String key, EventMeta meta, Message event) {
        if (meta.getEventId().isBlank()) {
            throw new IllegalArgumentException("event has no event_id");
        }
        OutboxEvent row = new OutboxEvent();
        row.topic = topic;
        row.recordKey = key;
        row.eventType = event.getDescriptorForType().getFullName();
        row.eventId = meta.getEventId();
        row.payload = event.toByteArray();
        row.traceparent = meta.getTraceparent().isBlank() ? TraceContext.currentTraceparent() : meta.getTraceparent();
        row.createdAt = Instant.now();
        row.persist();
        relay.wakeUpAfterCommit();
    }
}
