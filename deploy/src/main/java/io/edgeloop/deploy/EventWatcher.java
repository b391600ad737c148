package io.edgeloop.deploy;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import io.edgeloop.common.EventHeaders;
import io.edgeloop.common.TraceContext;
import io.edgeloop.proto.events.v1.DataReady;
import io.edgeloop.proto.events.v1.Deployed;
import io.edgeloop.proto.events.v1.DriftDetected;
import io.edgeloop.proto.events.v1.ModelOptimized;
import io.edgeloop.proto.events.v1.ModelTrained;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads every loop topic (and dead-letter topic) from the beginning, decodes the protobuf events, and lets the demo
 * and the end-to-end test wait for them.
 */
public final class EventWatcher implements AutoCloseable {
    /** One record seen on a topic. {@code event} is null for records that could not be decoded. */
    public record Observed(String topic, String key, Message event, String traceparent, Instant seenAt) {
        /** Trace id of the span that published the record. */
        public String traceId() {
            return TraceContext.traceId(traceparent);
        }
    }

    private static final Map<String, com.google.protobuf.Parser<? extends Message>> PARSERS = Map.of(
            DataReady.getDescriptor().getFullName(),
            DataReady.parser(),
            ModelTrained.getDescriptor().getFullName(),
            ModelTrained.parser(),
            ModelOptimized.getDescriptor().getFullName(),
            ModelOptimized.parser(),
            Deployed.getDescriptor().getFullName(),
            Deployed.parser(),
            DriftDetected.getDescriptor().getFullName(),
            DriftDetected.parser(),
            io.edgeloop.proto.events.v1.SampleLabelled.getDescriptor().getFullName(),
            io.edgeloop.proto.events.v1.SampleLabelled.parser(),
            io.edgeloop.proto.events.v1.SampleCaptured.getDescriptor().getFullName(),
            io.edgeloop.proto.events.v1.SampleCaptured.parser());

    private final KafkaConsumer<String, byte[]> consumer;
    private final List<Observed> seen = new ArrayList<>();
    private final Consumer<Observed> listener;
    private final Thread thread;
    private volatile boolean running = true;

    /** Starts watching an open broker; {@code listener} is called on the watcher thread for each record. */
    public EventWatcher(String bootstrapServers, Consumer<Observed> listener) {
        this(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers), listener);
    }

    /**
     * Starts watching with {@code kafka} client settings (bootstrap servers and, on a secured broker, the watcher's
     * credentials, see {@link LocalStack#watcherKafkaConfig()}).
     */
    public EventWatcher(Map<String, ?> kafka, Consumer<Observed> listener) {
        this.listener = listener;
        Map<String, Object> config = new java.util.HashMap<>(kafka);
        config.put(ConsumerConfig.GROUP_ID_CONFIG, KafkaAccess.WATCHER + "-" + UUID.randomUUID());
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        config.put(ConsumerConfig.METADATA_MAX_AGE_CONFIG, "2000");
        this.consumer = new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer());
        consumer.subscribe(Pattern.compile("(" + String.join("|", io.edgeloop.common.Topics.ALL) + ")(-dlq)?"));
        thread = new Thread(this::run, "event-watcher");
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        try {
            while (running) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    Observed o = new Observed(
                            r.topic(), r.key(), decode(r), header(r, EventHeaders.TRACEPARENT), Instant.now());
                    synchronized (seen) {
                        seen.add(o);
                        seen.notifyAll();
                    }
                    listener.accept(o);
                }
            }
        } catch (WakeupException ignored) {
            // closing
        } finally {
            consumer.close(Duration.ofSeconds(2));
        }
    }

    private static Message decode(ConsumerRecord<String, byte[]> r) {
        var parser = PARSERS.get(header(r, EventHeaders.EVENT_TYPE));
        if (parser == null || r.value() == null) {
            return null;
        }
        try {
            return parser.parseFrom(r.value());
        } catch (InvalidProtocolBufferException e) {
            return null;
        }
    }

    private static String header(ConsumerRecord<?, ?> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? "" : new String(h.value(), StandardCharsets.UTF_8);
    }

    /** Everything seen so far. */
    public List<Observed> all() {
        synchronized (seen) {
            return List.copyOf(seen);
        }
    }

    /** Events of {@code type} seen so far. */
    public <T extends Message> List<T> events(Class<T> type) {
        return all().stream()
                .map(Observed::event)
                .filter(type::isInstance)
                .map(type::cast)
                .toList();
    }

    /** The record carrying {@code event}, if seen. */
    public Optional<Observed> recordOf(Message event) {
        return all().stream().filter(o -> event.equals(o.event())).findFirst();
    }

    /** Waits for the first event of {@code type} matching {@code test}. */
    public <T extends Message> T await(Class<T> type, Predicate<T> test, Duration timeout, String what)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (seen) {
            while (true) {
                for (Observed o : seen) {
                    if (type.isInstance(o.event()) && test.test(type.cast(o.event()))) {
                        return type.cast(o.event());
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new IllegalStateException("timed out after " + timeout + " waiting for " + what);
                }
                seen.wait(Math.max(1, left / 1_000_000));
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        consumer.wakeup();
        thread.join(5000);
    }
}
