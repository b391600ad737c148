package io.edgeloop.kit.outbox;

import io.edgeloop.common.EventHeaders;
import io.edgeloop.common.TraceContext;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Publishes outbox rows to Kafka in insertion order, at least once, on one background thread. Each publish is a
 * PRODUCER span whose parent is the trace stored with the row, so traces continue across the outbox. A commit that
 * wrote rows wakes the relay at once; otherwise it polls.
 */
@ApplicationScoped
public class OutboxRelay {
    private static final Logger LOG = Logger.getLogger(OutboxRelay.class);
    /** Hibernate's value for {@code jakarta.persistence.lock.timeout} that means SKIP LOCKED. */
    private static final int SKIP_LOCKED = -2;

    @Inject
    EntityManager em;

    @Inject
    Tracer tracer;

    @Inject
    OutboxConfig config;

    @Inject
    TransactionSynchronizationRegistry txRegistry;

    @ConfigProperty(name = "kafka.bootstrap.servers", defaultValue = "localhost:9092")
    String bootstrapServers;

    /** Quarkus' {@code kafka.*} settings (security, SASL, TLS...), the same the messaging channels use. */
    @Inject
    @Identifier("default-kafka-broker")
    Map<String, Object> kafkaConfig;

    @ConfigProperty(name = "quarkus.application.name", defaultValue = "edgeloop")
    String applicationName;

    private final AtomicLong published = new AtomicLong();
    private volatile Instant lastFailureAt;
    private volatile String lastFailure;
    private ScheduledExecutorService executor;
    private KafkaProducer<String, byte[]> producer;

    void onStart(@Observes StartupEvent event) {
        if (!config.enabled()) {
            return;
        }
        Properties props = new Properties();
        kafkaConfig.forEach((k, v) -> {
            if (ProducerConfig.configNames().contains(k)) {
                props.put(k, v);
            }
        });
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.CLIENT_ID_CONFIG, applicationName + "-outbox");
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) config.sendTimeout().toMillis());
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int)
                config.sendTimeout().toMillis());
        props.put(
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG,
                (int) config.sendTimeout().toMillis() + 1000);
        producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
        executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "outbox-relay");
            t.setDaemon(true);
            return t;
        });
        long pollMs = config.pollInterval().toMillis();
        executor.scheduleWithFixedDelay(this::drain, pollMs, pollMs, TimeUnit.MILLISECONDS);
    }

    void onStop(@Observes ShutdownEvent event) {
        if (executor != null) {
            executor.shutdown();
            try {
                executor.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
        }
    }

    /** Asks the relay to run right after the current transaction commits. */
    void wakeUpAfterCommit() {
        if (executor == null) {
            return;
        }
        txRegistry.registerInterposedSynchronization(new Synchronization() {
            @Override
            public void beforeCompletion() {}

            @Override
            public void afterCompletion(int status) {
                if (status == Status.STATUS_COMMITTED && !executor.isShutdown()) {
                    executor.execute(OutboxRelay.this::drain);
                }
            }
        });
    }

    /** Events published by this process since start. */
    public long publishedCount() {
        return published.get();
    }

    /** When the last publish failed, or null. */
    public Instant lastFailureAt() {
        return lastFailureAt;
    }

    /** Why the last publish failed, or null. */
    public String lastFailure() {
        return lastFailure;
    }

    private void drain() {
        try {
            int n;
            do {
                n = QuarkusTransaction.requiringNew().call(this::publishBatch);
            } while (n == config.batchSize());
        } catch (RuntimeException e) {
            LOG.warnf("outbox relay pass failed: %s", e.toString());
        }
    }

    /** Publishes up to one batch; returns how many rows were published. Stops at the first failure. */
    private int publishBatch() {
        List<OutboxEvent> rows = em.createQuery(
                        "from OutboxEvent where publishedAt is null order by id", OutboxEvent.class)
                .setMaxResults(config.batchSize())
                .setLockMode(LockModeType.PESSIMISTIC_WRITE)
                .setHint("jakarta.persistence.lock.timeout", SKIP_LOCKED)
                .getResultList();
        int done = 0;
        for (OutboxEvent row : rows) {
            try {
                publish(row);
                row.publishedAt = Instant.now();
                published.incrementAndGet();
                done++;
            } catch (Exception e) {
                row.attempts++;
                row.lastError = truncate(e.toString(), 2000);
                lastFailureAt = Instant.now();
                lastFailure = row.lastError;
                LOG.warnf("publishing %s %s failed (attempt %d): %s", row.eventType, row.eventId, row.attempts, e);
                break; // keep order: retry this row before any later one
            }
        }
        return done;
    }

    private void publish(OutboxEvent row) throws Exception {
        Span span = tracer.spanBuilder(row.topic + " publish")
                .setSpanKind(SpanKind.PRODUCER)
                .setParent(TraceContext.contextOf(row.traceparent))
                .setAttribute("messaging.system", "kafka")
                .setAttribute("messaging.destination.name", row.topic)
                .setAttribute("messaging.message.id", row.eventId)
                .setAttribute("edgeloop.event_type", row.eventType)
                .startSpan();
        try (Scope ignored = span.makeCurrent()) {
            var record = new ProducerRecord<String, byte[]>(row.topic, row.recordKey, row.payload);
            record.headers()
                    .add(EventHeaders.CONTENT_TYPE, EventHeaders.PROTOBUF.getBytes(StandardCharsets.UTF_8))
                    .add(EventHeaders.EVENT_TYPE, row.eventType.getBytes(StandardCharsets.UTF_8))
                    .add(EventHeaders.EVENT_ID, row.eventId.getBytes(StandardCharsets.UTF_8));
            String traceparent = TraceContext.format(span.getSpanContext());
            if (!traceparent.isEmpty()) {
                record.headers().add(EventHeaders.TRACEPARENT, traceparent.getBytes(StandardCharsets.UTF_8));
            }
            producer.send(record).get(config.sendTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            span.recordException(e);
            span.setStatus(StatusCode.ERROR);
            throw e;
        } finally {
            span.end();
        }
    }

    private static String truncate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max);
    }
}
