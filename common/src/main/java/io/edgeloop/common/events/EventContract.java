package io.edgeloop.common.events;

import com.google.protobuf.Message;
import com.google.protobuf.Parser;
import io.edgeloop.common.Events;
import io.edgeloop.common.Events.PoisonEventException;
import io.edgeloop.proto.events.v1.EventMeta;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * What a consumer may rely on for one event type: how it is parsed, where its metadata is and which payloads are
 * usable. Defined once per event type (see {@link EventContracts}) and used by every consumer of that type, so that
 * two services never disagree on whether the same event is valid.
 *
 * @param <E> the protobuf event message
 */
public final class EventContract<E extends Message> {
    private final String typeName;
    private final String simpleName;
    private final String topic;
    private final Parser<E> parser;
    private final Function<E, EventMeta> meta;
    private final BiConsumer<E, List<String>> validator;

    EventContract(
            String typeName,
            String simpleName,
            String topic,
            Parser<E> parser,
            Function<E, EventMeta> meta,
            BiConsumer<E, List<String>> validator) {
        this.typeName = Objects.requireNonNull(typeName);
        this.simpleName = Objects.requireNonNull(simpleName);
        this.topic = Objects.requireNonNull(topic);
        this.parser = Objects.requireNonNull(parser);
        this.meta = Objects.requireNonNull(meta);
        this.validator = Objects.requireNonNull(validator);
    }

    /** The fully qualified protobuf name, the value of the {@code event-type} header. */
    public String typeName() {
        return typeName;
    }

    /** The message's simple name, e.g. {@code DataReady}. */
    public String simpleName() {
        return simpleName;
    }

    /** The topic events of this type are published to (dead letters of its consumers go to {@code <topic>-dlq}). */
    public String topic() {
        return topic;
    }

    /** The event's metadata. */
    public EventMeta meta(E event) {
        return meta.apply(event);
    }

    /** What makes {@code event} unusable (empty when it is valid), each naming the field. */
    public List<String> problems(E event) {
        List<String> problems = new ArrayList<>();
        validator.accept(event, problems);
        return problems;
    }

    /**
     * Parses and validates a record value.
     *
     * @throws PoisonEventException when the value is not a valid, usable event of this type
     */
    public E parse(byte[] value) {
        E event = Events.parse(value, parser, meta);
        List<String> problems = problems(event);
        if (!problems.isEmpty()) {
            throw new PoisonEventException(
                    simpleName + " " + meta(event).getEventId() + " is unusable: " + String.join("; ", problems));
        }
        return event;
    }
}
