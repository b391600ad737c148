package io.edgeloop.kit.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Records the event plumbing's series in Micrometer (exported by the Prometheus registry at {@code /q/metrics}):
 *
 * <ul>
 *   <li>{@code edgeloop_events_consumed_total{event, outcome}}: outcome {@code applied}, {@code duplicate} (a
 *       redelivery the inbox skipped), {@code poison} and {@code failed} (both dead-lettered);
 *   <li>{@code edgeloop_events_published_total{event, topic}}: rows the outbox relay published;
 *   <li>{@code edgeloop_outbox_pending}, {@code edgeloop_outbox_parked} and {@code
 *       edgeloop_outbox_oldest_pending_seconds}: the backlog as last measured by the relay;
 *   <li>{@code edgeloop_jobs_duration_seconds{kind, outcome}}: durable jobs (training, compilation, ...) from claim to
 *       end, outcome {@code succeeded}, {@code failed}, {@code failed_for_good}, {@code lease_lost}.
 * </ul>
 */
@ApplicationScoped
public class KitMetrics {
    /** How a consumed event ended. */
    public enum Consumed {
        APPLIED,
        DUPLICATE,
        POISON,
        FAILED;

        String tag() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final AtomicLong pending = new AtomicLong();
    private final AtomicLong parked = new AtomicLong();
    private final AtomicLong oldestPendingMillis = new AtomicLong();

    @Inject
    MeterRegistry registry;

    private boolean backlogRegistered;

    /** Counts one consumed event of type {@code event}. */
    public void consumed(String event, Consumed outcome) {
        Counter.builder("edgeloop.events.consumed")
                .description("Events consumed, by type and outcome (poison and failed went to the dead-letter topic)")
                .tag("event", event)
                .tag("outcome", outcome.tag())
                .register(registry)
                .increment();
    }

    /** Counts one event the outbox relay published. */
    public void published(String event, String topic) {
        Counter.builder("edgeloop.events.published")
                .description("Events published by the outbox relay")
                .tag("event", event)
                .tag("topic", topic)
                .register(registry)
                .increment();
    }

    /** Sets the outbox backlog as just measured; the gauges are registered on first use. */
    public synchronized void backlog(long pendingRows, long parkedRows, Duration oldestPending) {
        pending.set(pendingRows);
        parked.set(parkedRows);
        oldestPendingMillis.set(oldestPending.toMillis());
        if (!backlogRegistered) {
            Gauge.builder("edgeloop.outbox.pending", pending, AtomicLong::get)
                    .description("Outbox rows waiting to be published (not parked)")
                    .register(registry);
            Gauge.builder("edgeloop.outbox.parked", parked, AtomicLong::get)
                    .description("Outbox rows parked after too many failed publishes")
                    .register(registry);
            Gauge.builder("edgeloop.outbox.oldest.pending", oldestPendingMillis, m -> m.get() / 1000.0)
                    .description("Age of the oldest waiting outbox row")
                    .baseUnit("seconds")
                    .register(registry);
            backlogRegistered = true;
        }
    }

    /** Records one job run of {@code kind}. */
    public void job(String kind, String outcome, Duration took) {
        Timer.builder("edgeloop.jobs.duration")
                .description("Durable jobs from claim to end, by kind and outcome")
                .tag("kind", kind)
                .tag("outcome", outcome)
                .register(registry)
                .record(took);
    }
}
