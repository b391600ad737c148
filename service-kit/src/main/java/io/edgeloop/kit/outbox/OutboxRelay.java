package io.edgeloop.kit.outbox;

import io.edgeloop.common.EventHeaders;
import io.edgeloop.common.TraceContext;
import io.edgeloop.kit.metrics.KitMetrics;
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
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
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
 * Publishes outbox rows to Kafka at least once, in insertion order per record key, on one background thread. Among
 * replicas of a service one relays at a time (a PostgreSQL advisory lock per pass), so that the order holds across
 * them. A row the broker refuses holds back only the later rows of its key; after {@code max-attempts} failed
 * publishes it is parked (counted in the health check, listed and replayed by operators) and its key flows again.
 * Producer settings come from Quarkus' {@code kafka.*} configuration. Published rows and old inbox rows are trimmed
 * after their retention. Each publish is a PRODUCER span whose parent is the trace stored with the row. A commit
 * that wrote rows wakes the relay at once; otherwise it polls.
 */
@ApplicationScoped
public class OutboxRelay {
    private static final Logger LOG = Logger.getLogger(OutboxRelay.class);
    /** Advisory lock key of the relay pass (one relaying replica at a time): "edgeloop-outbox". */
    private static final long RELAY_LOCK = 0x6564_6765_6f62_6f78L;

    @Inject
    EntityManager em;

    @Inject
    Tracer tracer;

    @Inject
    OutboxConfig config;

    @Inject
    TransactionSynchronizationRegistry txRegistry;

    @Inject
    Clock clock;

    @Inject
    KitMetrics metrics;

    @ConfigProperty(name = "kafka.bootstrap.servers", defaultValue = "localhost:9092")
    String bootstrapServers;

    /** Quarkus' {@code kafka.*} settings (security, SASL, TLS...), the same the messaging channels use. */
    @Inject
    @Identifier("default-kafka-broker")
    Map<String, Object> kafkaConfig;

    @ConfigProperty(name = "quarkus.application.name", defaultValue = "edgeloop")
    String applicationName;

    /** How often the backlog is measured for the metrics. */
    private static final Duration BACKLOG_EVERY = Duration.ofSeconds(15);

    private final AtomicLong published = new AtomicLong();
    /** Keys whose oldest pending row failed, until when they wait. */
    private final Map<String, Instant> heldBack = new java.util.concurrent.ConcurrentHashMap<>();

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
        executor.scheduleWithFixedDelay(this::trim, 1, 60, TimeUnit.MINUTES);
        executor.scheduleWithFixedDelay(this::measureBacklog, 0, BACKLOG_EVERY.toSeconds(), TimeUnit.SECONDS);
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

    /** Rows parked after too many failed publishes. */
    public long parkedCount() {
        return QuarkusTransaction.requiringNew()
                .call(() -> OutboxEvent.count("publishedAt is null and parkedAt is not null"));
    }

    /**
     * Queues a parked row for publishing again (an operator's replay, after the cause was fixed).
     *
     * @return false when no parked row has that id
     */
    public boolean unpark(long id) {
        boolean done = QuarkusTransaction.requiringNew()
                .call(() -> OutboxEvent.update(
                                "parkedAt = null, attempts = 0 where id = ?1 and parkedAt is not null"
                                        + " and publishedAt is null",
                                id)
                        == 1);
        if (done && executor != null && !executor.isShutdown()) {
            executor.execute(this::drain);
        }
        return done;
    }

    /** Runs one relay pass now, on the caller's thread (tests, operators); returns the rows published. */
    public int drainNow() {
        int total = 0;
        int n;
        do {
            n = QuarkusTransaction.requiringNew().call(this::publishBatch);
            total += n;
        } while (n == config.batchSize());
        return total;
    }

    /** Deletes published rows and inbox rows older than their retention; returns how many rows went. */
    public int trimNow() {
        Instant now = clock.instant();
        return QuarkusTransaction.requiringNew().call(() -> {
            int outbox = (int) OutboxEvent.delete("publishedAt < ?1", now.minus(config.retention()));
            int inbox = (int) ProcessedEvent.delete("processedAt < ?1", now.minus(config.inboxRetention()));
            return outbox + inbox;
        });
    }

    private void trim() {
        try {
            int removed = trimNow();
            if (removed > 0) {
                LOG.infof("trimmed %d published outbox and old inbox rows", removed);
            }
        } catch (RuntimeException e) {
            LOG.debugf("trimming the outbox failed: %s", e);
        }
    }

    /**
     * Rows waiting to be published (not parked) and when the oldest of them was written (null when none).
     *
     * @param pending rows waiting
     * @param oldest creation time of the oldest waiting row, or null
     */
    public record Backlog(long pending, Instant oldest) {}

    /** The backlog now, read in a transaction of its own (the health check and the metrics). */
    public Backlog backlog() {
        Object[] row = QuarkusTransaction.requiringNew()
                .call(() -> (Object[]) em.createQuery("select count(e), min(e.createdAt) from OutboxEvent e"
                                + " where e.publishedAt is null and e.parkedAt is null")
                        .getSingleResult());
        return new Backlog(((Number) row[0]).longValue(), (Instant) row[1]);
    }

    /** Measures the backlog for the metrics (pending rows, parked rows, the oldest pending row's age). */
    void measureBacklog() {
        try {
            Backlog b = backlog();
            Duration age = b.oldest() == null ? Duration.ZERO : Duration.between(b.oldest(), clock.instant());
            metrics.backlog(b.pending(), parkedCount(), age.isNegative() ? Duration.ZERO : age);
        } catch (RuntimeException e) {
            LOG.debugf("measuring the outbox backlog failed: %s", e);
        }
    }

    private void drain() {
        try {
            drainNow();
        } catch (RuntimeException e) {
            LOG.warnf("outbox relay pass failed: %s", e.toString());
        }
    }

    /**
     * Publishes up to one batch of pending rows in id order; returns how many were published (0 when another
     * replica holds the relay lock). A failure holds back the later rows of the same key only.
     */
    private int publishBatch() {
        Boolean mine = (Boolean) em.createNativeQuery("select pg_try_advisory_xact_lock(?1)")
                .setParameter(1, RELAY_LOCK)
                .getSingleResult();
        if (!Boolean.TRUE.equals(mine)) {
            return 0;
        }
        Instant now = clock.instant();
        heldBack.values().removeIf(until -> !until.isAfter(now));
        Set<String> blocked = new HashSet<>(heldBack.keySet());
        blocked.add(""); // never empty: 'not in ()' is not valid SQL
        List<OutboxEvent> rows = em.createQuery(
                        "from OutboxEvent where publishedAt is null and parkedAt is null"
                                + " and concat(topic, '/', recordKey) not in ?1 order by id",
                        OutboxEvent.class)
                .setParameter(1, blocked)
                .setMaxResults(config.batchSize())
                .setLockMode(LockModeType.PESSIMISTIC_WRITE)
                .getResultList();
        int done = 0;
        for (OutboxEvent row : rows) {
            String key = row.topic + "/" + row.recordKey;
            if (blocked.contains(key)) {
                continue; // keep the key's order: an earlier row of it failed in this pass
            }
            try {
                publish(row);
                row.publishedAt = clock.instant();
                published.incrementAndGet();
                metrics.published(row.eventType, row.topic);
                done++;
            } catch (Exception e) {
                failed(row, e);
                if (row.parkedAt == null) {
                    blocked.add(key);
                    // the key waits (the rest of its rows with it), other keys go on; backoff per attempt
                    long ms = Math.min(30_000L, config.pollInterval().toMillis() << Math.min(10, row.attempts));
                    heldBack.put(key, now.plusMillis(ms));
                }
            }
        }
        return done;
    }

    private void failed(OutboxEvent row, Exception e) {
        row.attempts++;
        row.lastError = truncate(e.toString(), 2000);
        lastFailureAt = clock.instant();
        lastFailure = row.lastError;
        if (row.attempts >= config.maxAttempts()) {
            row.parkedAt = clock.instant();
            LOG.errorf(
                    "outbox row %d (%s %s on %s) parked after %d failed publishes: %s",
                    row.id, row.eventType, row.eventId, row.topic, row.attempts, row.lastError);
        } else {
            LOG.warnf("publishing %s %s failed (attempt %d): %s", row.eventType, row.eventId, row.attempts, e);
        }
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
