package io.edgeloop.kit.events;

import com.google.protobuf.Message;
import io.edgeloop.common.EventHeaders;
import io.edgeloop.common.Topics;
import io.edgeloop.common.events.EventContract;
import io.edgeloop.kit.outbox.Inbox;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * The dead-letter topics of this service's consumers: lists what is in them and replays one record through the
 * consumer's {@link EventHandler}, with the same inbox deduplication as a live delivery, so a replayed record is
 * applied at most once per consumer however often it is replayed.
 *
 * <p>A dead-letter topic ({@code <topic>-dlq}) is shared by every service consuming {@code <topic>}; each record's
 * {@link DeadLetter#processed()} says whether this service's consumer has applied that event, so a record another
 * consumer dead-lettered shows as processed here. Records are read with a group-less consumer (assigned partitions,
 * no committed offsets), with the service's own Kafka settings.
 */
@ApplicationScoped
public class DeadLetters {
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(15);
    private static final Logger LOG = Logger.getLogger(DeadLetters.class);

    @Inject
    Instance<EventHandler<?>> handlers;

    @Inject
    EventConsumer consumer;

    @Inject
    Inbox inbox;

    @ConfigProperty(name = "kafka.bootstrap.servers", defaultValue = "localhost:9092")
    String bootstrapServers;

    @Inject
    @Identifier("default-kafka-broker")
    Map<String, Object> kafkaConfig;

    /**
     * One dead-lettered record as operators see it.
     *
     * @param topic the dead-letter topic
     * @param eventType the {@code event-type} header (else the consumer's event type when the value is one of it)
     * @param eventId the event id, or empty when the value is not a readable event
     * @param reason why it was dead-lettered (the failure's message)
     * @param failure the failure's class name
     * @param replayable whether the failure was transient (retries spent), not poison
     * @param processed whether this service's consumer has applied the event since (a replay would be skipped)
     * @param original where the record was first consumed ({@code topic/partition/offset}), when known
     */
    public record DeadLetter(
            String topic,
            int partition,
            long offset,
            Instant timestamp,
            String key,
            String eventType,
            String eventId,
            String reason,
            String failure,
            boolean replayable,
            boolean processed,
            String original) {}

    /** What a replay did: {@code applied} false means the consumer had already processed the event. */
    public record Replay(String topic, int partition, long offset, String eventId, boolean applied) {}

    /** A dead-letter topic of this service or a record in it does not exist. */
    public static final class NotFound extends RuntimeException {
        NotFound(String message) {
            super(message);
        }
    }

    /** The broker did not serve the dead-letter topics (timed out, not ready, refused); asking again may succeed. */
    public static final class Unavailable extends RuntimeException {
        Unavailable(String message) {
            super(message);
        }
    }

    /** The dead-letter topics of this service's consumers. */
    public List<String> topics() {
        return handlers.stream()
                .map(h -> Topics.deadLetter(h.contract().topic()))
                .distinct()
                .sorted()
                .toList();
    }

    /**
     * The newest records (at most {@code limit} per partition) of every dead-letter topic of this service.
     *
     * @throws Unavailable when the broker did not answer or refused the read (asking again may succeed)
     */
    public List<DeadLetter> list(int limit) {
        List<DeadLetter> out = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> kafka = open()) {
            for (EventHandler<?> handler : handlers) {
                String topic = Topics.deadLetter(handler.contract().topic());
                for (ConsumerRecord<String, byte[]> r : newest(kafka, topic, limit)) {
                    out.add(view(r, handler));
                }
            }
        } catch (org.apache.kafka.common.KafkaException e) {
            LOG.warnf(e, "cannot read the dead-letter topics %s", topics());
            throw new Unavailable("Kafka did not serve the dead-letter topics: " + e.getMessage());
        }
        out.sort(Comparator.comparing(DeadLetter::timestamp).reversed());
        return out;
    }

    /**
     * Applies one dead-lettered record through its consumer's handler.
     *
     * @throws NotFound when {@code topic} is not one of this service's dead-letter topics or has no such record
     * @throws io.edgeloop.common.Events.PoisonEventException when the record is still unusable
     * @throws TransientEventException when applying it failed again
     */
    public Replay replay(String topic, int partition, long offset) {
        EventHandler<?> handler = handlers.stream()
                .filter(h -> Topics.deadLetter(h.contract().topic()).equals(topic))
                .findFirst()
                .orElseThrow(() ->
                        new NotFound("'" + clip(topic) + "' is not a dead-letter topic of this service " + topics()));
        ConsumerRecord<String, byte[]> record;
        try (KafkaConsumer<String, byte[]> kafka = open()) {
            record = at(kafka, new TopicPartition(topic, partition), offset)
                    .orElseThrow(() -> new NotFound("no record at " + topic + "/" + partition + "/" + offset));
        }
        boolean applied = consumer.accept(record.value(), handler);
        return new Replay(topic, partition, offset, eventId(record.value(), handler.contract()), applied);
    }

    private DeadLetter view(ConsumerRecord<String, byte[]> r, EventHandler<?> handler) {
        String eventId = eventId(r.value(), handler.contract());
        String failure = header(r, EventConsumer.FAILURE_CLASS_HEADER);
        String original = header(r, "dead-letter-topic").isEmpty()
                ? ""
                : header(r, "dead-letter-topic") + "/" + header(r, "dead-letter-partition") + "/"
                        + header(r, "dead-letter-offset");
        return new DeadLetter(
                r.topic(),
                r.partition(),
                r.offset(),
                Instant.ofEpochMilli(r.timestamp()),
                r.key() == null ? "" : clip(r.key()),
                eventType(r, eventId, handler.contract()),
                eventId,
                clip(header(r, "dead-letter-reason")),
                failure,
                failure.equals(TransientEventException.class.getName()),
                !eventId.isEmpty() && inbox.seen(consumer.consumerId(handler), eventId),
                original);
    }

    /** The {@code event-type} header; for a record without one, the consumer's type when the value is one. */
    private static String eventType(ConsumerRecord<String, byte[]> r, String eventId, EventContract<?> contract) {
        String header = header(r, EventHeaders.EVENT_TYPE);
        return !header.isEmpty() || eventId.isEmpty() ? clip(header) : contract.typeName();
    }

    private static <E extends Message> String eventId(byte[] value, EventContract<E> contract) {
        try {
            return contract.meta(contract.parse(value)).getEventId();
        } catch (RuntimeException e) {
            return ""; // poison: no readable event
        }
    }

    private static List<ConsumerRecord<String, byte[]>> newest(
            KafkaConsumer<String, byte[]> kafka, String topic, int limit) {
        List<PartitionInfo> partitions = kafka.partitionsFor(topic, READ_TIMEOUT);
        if (partitions == null || partitions.isEmpty()) {
            return List.of();
        }
        List<TopicPartition> tps = partitions.stream()
                .map(p -> new TopicPartition(topic, p.partition()))
                .toList();
        kafka.assign(tps);
        Map<TopicPartition, Long> begin = kafka.beginningOffsets(tps, READ_TIMEOUT);
        Map<TopicPartition, Long> end = kafka.endOffsets(tps, READ_TIMEOUT);
        List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
        for (TopicPartition tp : tps) {
            long from = Math.max(begin.get(tp), end.get(tp) - limit);
            if (from >= end.get(tp)) {
                continue;
            }
            kafka.assign(List.of(tp));
            kafka.seek(tp, from);
            Instant deadline = Instant.now().plus(READ_TIMEOUT);
            while (kafka.position(tp) < end.get(tp) && Instant.now().isBefore(deadline)) {
                for (ConsumerRecord<String, byte[]> r : kafka.poll(Duration.ofMillis(500))) {
                    if (r.offset() < end.get(tp)) {
                        out.add(r);
                    }
                }
            }
        }
        return out;
    }

    private static Optional<ConsumerRecord<String, byte[]>> at(
            KafkaConsumer<String, byte[]> kafka, TopicPartition tp, long offset) {
        List<PartitionInfo> partitions = kafka.partitionsFor(tp.topic(), READ_TIMEOUT);
        if (partitions == null || partitions.stream().noneMatch(p -> p.partition() == tp.partition())) {
            return Optional.empty();
        }
        kafka.assign(List.of(tp));
        long begin = kafka.beginningOffsets(List.of(tp), READ_TIMEOUT).get(tp);
        long end = kafka.endOffsets(List.of(tp), READ_TIMEOUT).get(tp);
        if (offset < begin || offset >= end) {
            return Optional.empty();
        }
        kafka.seek(tp, offset);
        Instant deadline = Instant.now().plus(READ_TIMEOUT);
        while (Instant.now().isBefore(deadline)) {
            for (ConsumerRecord<String, byte[]> r : kafka.poll(Duration.ofMillis(500))) {
                if (r.offset() == offset) {
                    return Optional.of(r);
                }
            }
        }
        return Optional.empty();
    }

    private KafkaConsumer<String, byte[]> open() {
        Properties props = new Properties();
        kafkaConfig.forEach((k, v) -> {
            if (ConsumerConfig.configNames().contains(k)) {
                props.put(k, v);
            }
        });
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "dead-letters-" + UUID.randomUUID());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 100);
        return new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
    }

    private static String header(ConsumerRecord<?, ?> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null || h.value() == null ? "" : new String(h.value(), StandardCharsets.UTF_8);
    }

    private static String clip(String s) {
        return s.length() > 500 ? s.substring(0, 500) + "..." : s;
    }
}
