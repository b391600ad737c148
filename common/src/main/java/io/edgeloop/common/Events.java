package io.edgeloop.common;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Parser;
import io.edgeloop.proto.events.v1.EventMeta;
import java.util.UUID;
import java.util.function.Function;

/** Building and reading event metadata. */
public final class Events {
    private Events() {}

    /**
     * Metadata for a new event produced by {@code producer}, in the current trace.
     *
     * @param correlationId the loop iteration's id; a new one is generated when blank
     * @param causationId event id of the event that caused this one, or blank
     */
    public static EventMeta newMeta(String producer, String correlationId, String causationId) {
        return EventMeta.newBuilder()
                .setEventId(UUID.randomUUID().toString())
                .setOccurredAt(ProtoTime.now())
                .setCorrelationId(
                        correlationId == null || correlationId.isBlank()
                                ? UUID.randomUUID().toString()
                                : correlationId)
                .setCausationId(causationId == null ? "" : causationId)
                .setTraceparent(TraceContext.currentTraceparent())
                .setProducer(producer)
                .build();
    }

    /** Metadata for an event caused by {@code cause}: same correlation id, causation = cause's event id. */
    public static EventMeta causedBy(String producer, EventMeta cause) {
        return newMeta(producer, cause.getCorrelationId(), cause.getEventId());
    }

    /**
     * Parses an event record value, rejecting records that are not a valid event of type {@code T} with an
     * event id. Poison records make consumers throw {@link PoisonEventException}, which sends them to the
     * dead-letter topic.
     */
    public static <T extends Message> T parse(byte[] value, Parser<T> parser, Function<T, EventMeta> meta) {
        if (value == null || value.length == 0) {
            throw new PoisonEventException("empty record value");
        }
        T event;
        try {
            event = parser.parseFrom(value);
        } catch (InvalidProtocolBufferException e) {
            throw new PoisonEventException("record value is not a valid protobuf event: " + e.getMessage());
        }
        if (meta.apply(event).getEventId().isBlank()) {
            throw new PoisonEventException("event has no meta.event_id");
        }
        return event;
    }

    /** A record that can never be processed: it goes to the dead-letter topic instead of being retried. */
    public static final class PoisonEventException extends RuntimeException {
        public PoisonEventException(String message) {
            super(message);
        }
    }
}
