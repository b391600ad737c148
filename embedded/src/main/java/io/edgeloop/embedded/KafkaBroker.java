package io.edgeloop.embedded;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * A running Kafka broker that tests and tools talk to: the in-process {@link EmbeddedKafka} or a broker in a
 * container ({@code io.edgeloop.embedded.containers.KafkaContainer}). Topic creation and reading are the same for
 * both.
 */
public interface KafkaBroker extends AutoCloseable {
    /** {@code host:port} for clients. */
    String bootstrapServers();

    /** Bootstrap servers plus whatever login the broker needs: for tools and tests that need all. */
    Map<String, Object> adminClientConfig();

    /** A new admin client for this broker; close it after use. */
    default Admin admin() {
        Map<String, Object> c = new LinkedHashMap<>(adminClientConfig());
        c.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        c.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 15_000);
        return Admin.create(c);
    }

    /** Creates topics (1 partition each) that do not exist yet. */
    default void createTopics(Collection<String> names) {
        try (Admin admin = admin()) {
            List<NewTopic> topics =
                    names.stream().map(n -> new NewTopic(n, 1, (short) 1)).toList();
            admin.createTopics(topics).values().values().forEach(f -> {
                try {
                    f.get(15, TimeUnit.SECONDS);
                } catch (Exception e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("cannot create topics " + names, e);
                    }
                }
            });
        }
    }

    /**
     * Reads {@code topic} from the beginning (with a fresh consumer group) until {@code until} holds for the records
     * read so far, or {@code timeout} passes. Returns every record read, in order; callers check what they expect.
     */
    default List<ConsumerRecord<String, byte[]>> read(
            String topic, Predicate<List<ConsumerRecord<String, byte[]>>> until, Duration timeout) {
        return read(topic, until, timeout, Duration.ZERO);
    }

    /**
     * Like {@link #read(String, Predicate, Duration)}, then keeps reading for {@code settle} once {@code until} holds,
     * so that a test asserting "exactly these records" also sees records that should not have been written.
     */
    default List<ConsumerRecord<String, byte[]>> read(
            String topic, Predicate<List<ConsumerRecord<String, byte[]>>> until, Duration timeout, Duration settle) {
        List<ConsumerRecord<String, byte[]>> read = new ArrayList<>();
        Map<String, Object> c = new LinkedHashMap<>(adminClientConfig());
        c.put(ConsumerConfig.GROUP_ID_CONFIG, "read-" + UUID.randomUUID());
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        try (KafkaConsumer<String, byte[]> consumer =
                new KafkaConsumer<>(c, new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline && !until.test(read)) {
                consumer.poll(Duration.ofMillis(200)).forEach(read::add);
            }
            if (until.test(read)) {
                long settled = System.nanoTime() + settle.toNanos();
                while (System.nanoTime() < settled) {
                    consumer.poll(Duration.ofMillis(200)).forEach(read::add);
                }
            }
        }
        return read;
    }

    /** Stops the broker. */
    @Override
    void close();
}
