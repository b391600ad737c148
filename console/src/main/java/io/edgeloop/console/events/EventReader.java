package io.edgeloop.console.events;

import io.edgeloop.common.EventHeaders;
import io.edgeloop.console.config.ConsoleConfig;
import io.edgeloop.console.config.KafkaSettings;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.jboss.logging.Logger;

/**
 * Reads the event topics ({@code edgeloop.console.events.topics}) into the {@link EventFeed} on a thread of its own,
 * with the Kafka client settings every service takes ({@code kafka.*}). Each console reads in a consumer group of its
 * own ({@code <group-prefix>-<random id>}) and commits nothing: on start it reads back the last {@code replay} events
 * of every partition, then follows the live ones. Without {@code kafka.bootstrap.servers} it reads nothing and the
 * console runs without the event stream. A poison record is skipped; a failing broker is retried with back-off.
 */
@ApplicationScoped
public class EventReader {
    private static final Logger LOG = Logger.getLogger(EventReader.class);
    private static final Duration POLL = Duration.ofMillis(500);
    private static final long MAX_BACKOFF_MS = 30_000;
    private static final Duration CLOSE = Duration.ofSeconds(2);

    private final ConsoleConfig config;
    private final KafkaSettings kafka;
    private final EventFeed feed;
    private final LoopEvents events;
    private final Object stopped = new Object();
    private volatile boolean running;
    private volatile KafkaConsumer<String, byte[]> consumer;
    private Thread thread;

    EventReader(ConsoleConfig config, KafkaSettings kafka, EventFeed feed) {
        this.config = config;
        this.kafka = kafka;
        this.feed = feed;
        this.events = new LoopEvents(config.traceUrl());
    }

    void start(@Observes StartupEvent ev) {
        ConsoleConfig.Events c = config.events();
        check(c);
        String servers = kafka.properties().get(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG);
        if (!c.enabled() || servers == null || servers.isBlank()) {
            feed.state(
                    EventFeed.State.OFF,
                    c.enabled()
                            ? "kafka.bootstrap.servers is not set: the console reads no events"
                            : "edgeloop.console.events.enabled is false");
            LOG.info("live event stream off: " + feed.detail());
            return;
        }
        feed.state(EventFeed.State.READING, "reading " + String.join(", ", c.topics()) + " from " + servers);
        running = true;
        thread = new Thread(this::run, "console-events");
        thread.setDaemon(true);
        thread.start();
    }

    void stop(@Observes ShutdownEvent ev) throws InterruptedException {
        synchronized (stopped) {
            running = false;
            stopped.notifyAll();
        }
        KafkaConsumer<String, byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        if (thread != null) {
            thread.join(CLOSE.toMillis() + 3000);
        }
    }

    /** The consumer's settings: {@code kafka.*} plus a group of its own that commits nothing. */
    Map<String, Object> consumerConfig() {
        Map<String, Object> c = new HashMap<>(kafka.properties());
        c.put(ConsumerConfig.GROUP_ID_CONFIG, config.events().groupPrefix() + "-" + UUID.randomUUID());
        c.put(ConsumerConfig.CLIENT_ID_CONFIG, "console-events");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        c.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
        // topics created after the console started are picked up within seconds, not the default 5 minutes
        c.put(ConsumerConfig.METADATA_MAX_AGE_CONFIG, "5000");
        c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "200");
        // the console runs with a small heap (the launcher gives it 160 MB): events are small, fetches need not be
        c.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, Integer.toString(8 * 1024 * 1024));
        return c;
    }

    private void run() {
        long backoff = 1000;
        while (running) {
            KafkaConsumer<String, byte[]> c = null;
            try {
                c = new KafkaConsumer<>(consumerConfig(), new StringDeserializer(), new ByteArrayDeserializer());
                consumer = c;
                c.subscribe(
                        config.events().topics(),
                        new Positions(c, config.events().replay()));
                while (running) {
                    for (ConsumerRecord<String, byte[]> r : c.poll(POLL)) {
                        accept(r);
                    }
                    if (feed.state() != EventFeed.State.READING) {
                        feed.state(
                                EventFeed.State.READING,
                                "reading " + String.join(", ", config.events().topics()));
                    }
                    backoff = 1000;
                }
            } catch (WakeupException e) {
                return;
            } catch (KafkaException e) {
                feed.state(EventFeed.State.FAILING, "reading the event topics failed; retrying");
                LOG.warnf("reading the event topics failed (retrying in %d s): %s", backoff / 1000, e.toString());
                pause(backoff);
                backoff = Math.min(MAX_BACKOFF_MS, backoff * 2);
            } finally {
                consumer = null;
                if (c != null) {
                    c.close(CLOSE);
                }
            }
        }
    }

    private void accept(ConsumerRecord<String, byte[]> r) {
        if (!LoopEvents.known(r.topic())) {
            return;
        }
        try {
            feed.add(events.of(r.topic(), r.value(), header(r, EventHeaders.TRACEPARENT), r.timestamp()));
        } catch (RuntimeException e) {
            LOG.debugf("skipped record %s-%d@%d: %s", r.topic(), r.partition(), r.offset(), e.getMessage());
        }
    }

    private static String header(ConsumerRecord<?, ?> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    private void pause(long ms) {
        synchronized (stopped) {
            if (running) {
                try {
                    stopped.wait(ms);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    running = false;
                }
            }
        }
    }

    private static void check(ConsoleConfig.Events c) {
        if (c.capacity() < 1 || c.capacity() > 10_000) {
            throw new IllegalStateException("edgeloop.console.events.capacity must be 1 to 10000, is " + c.capacity());
        }
        if (c.replay() < 0 || c.replay() > c.capacity()) {
            throw new IllegalStateException(
                    "edgeloop.console.events.replay must be 0 to the capacity, is " + c.replay());
        }
        for (String t : c.topics()) {
            if (!LoopEvents.known(t)) {
                throw new IllegalStateException("edgeloop.console.events.topics: '" + t + "' is not an event topic");
            }
        }
    }

    /**
     * Where each assigned partition is read from: a partition seen before resumes where this consumer left it (a
     * rebalance when a topic appears must neither skip nor repeat events); a new one starts {@code replay} records
     * before its end.
     */
    private static final class Positions implements ConsumerRebalanceListener {
        private final KafkaConsumer<String, byte[]> consumer;
        private final int replay;
        private final Map<TopicPartition, Long> next = new HashMap<>();

        Positions(KafkaConsumer<String, byte[]> consumer, int replay) {
            this.consumer = consumer;
            this.replay = replay;
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            for (TopicPartition p : partitions) {
                try {
                    next.put(p, consumer.position(p));
                } catch (KafkaException e) {
                    // not positioned yet: it starts over as a new one
                }
            }
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            List<TopicPartition> fresh =
                    partitions.stream().filter(p -> !next.containsKey(p)).toList();
            partitions.stream().filter(next::containsKey).forEach(p -> consumer.seek(p, next.get(p)));
            if (fresh.isEmpty()) {
                return;
            }
            Map<TopicPartition, Long> ends = consumer.endOffsets(fresh);
            Map<TopicPartition, Long> begins = consumer.beginningOffsets(fresh);
            for (TopicPartition p : fresh) {
                consumer.seek(p, Math.max(begins.getOrDefault(p, 0L), ends.getOrDefault(p, 0L) - replay));
            }
        }
    }
}
