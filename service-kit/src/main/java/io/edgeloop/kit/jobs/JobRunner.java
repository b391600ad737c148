package io.edgeloop.kit.jobs;

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
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Runs durable jobs: for each {@link JobHandler} bean, worker threads claim ready jobs of its kind ({@code SELECT ...
 * FOR UPDATE SKIP LOCKED}, so that replicas share the work), keep their lease alive while running, and record the
 * outcome. A job whose worker died (its lease lapsed) is claimed again by any replica; each claim counts as an
 * attempt, so a job that crashes its worker every time is parked instead of looping.
 */
@ApplicationScoped
public class JobRunner {
    private static final Logger LOG = Logger.getLogger(JobRunner.class);

    @Inject
    Instance<JobHandler> handlers;

    @Inject
    JobsConfig config;

    @Inject
    JobStore store;

    @Inject
    Clock clock;

    @Inject
    KitMetrics metrics;

    @Inject
    Tracer tracer;

    @Inject
    TransactionSynchronizationRegistry txRegistry;

    @ConfigProperty(name = "quarkus.application.name", defaultValue = "edgeloop")
    String applicationName;

    private final Map<String, Semaphore> wakeUps = new ConcurrentHashMap<>();
    private final Map<Long, Job> running = new ConcurrentHashMap<>();
    private final List<Thread> workers = new ArrayList<>();
    private final AtomicBoolean stopping = new AtomicBoolean();
    private ScheduledExecutorService maintenance;
    private String owner;

    void onStart(@Observes StartupEvent event) {
        owner = applicationName + "@" + ProcessHandle.current().pid() + "-"
                + UUID.randomUUID().toString().substring(0, 8);
        if (!config.enabled()) {
            return;
        }
        for (JobHandler handler : handlers) {
            wakeUps.putIfAbsent(handler.kind(), new Semaphore(0));
            for (int i = 0; i < Math.max(1, handler.concurrency()); i++) {
                Thread t = new Thread(() -> workLoop(handler), "job-" + handler.kind() + "-" + i);
                t.setDaemon(true);
                workers.add(t);
                t.start();
            }
        }
        maintenance = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "job-leases");
            t.setDaemon(true);
            return t;
        });
        long renewMs = Math.max(100, config.lease().toMillis() / 3);
        maintenance.scheduleWithFixedDelay(this::renewLeases, renewMs, renewMs, TimeUnit.MILLISECONDS);
        maintenance.scheduleWithFixedDelay(this::trim, 1, 60, TimeUnit.MINUTES);
    }

    void onStop(@Observes ShutdownEvent event) {
        stopping.set(true);
        workers.forEach(Thread::interrupt);
        if (maintenance != null) {
            maintenance.shutdownNow();
        }
        // hand unfinished jobs back at once instead of letting their leases lapse
        for (Job job : running.values()) {
            try {
                store.release(job);
            } catch (RuntimeException e) {
                LOG.debugf("could not release job %d on shutdown: %s", job.id(), e);
            }
        }
    }

    /** This process's lease owner name. */
    public String owner() {
        return owner;
    }

    /** Wakes this process's workers of {@code kind} after the current transaction commits. */
    void wakeUpAfterCommit(String kind) {
        Semaphore wake = wakeUps.get(kind);
        if (wake == null) {
            return; // no local worker for this kind
        }
        txRegistry.registerInterposedSynchronization(new Synchronization() {
            @Override
            public void beforeCompletion() {}

            @Override
            public void afterCompletion(int status) {
                if (status == Status.STATUS_COMMITTED) {
                    wake.release();
                }
            }
        });
    }

    private void workLoop(JobHandler handler) {
        Semaphore wake = wakeUps.get(handler.kind());
        while (!stopping.get()) {
            try {
                Job job = store.claim(handler.kind(), owner, config.lease());
                if (job == null) {
                    wake.tryAcquire(config.pollInterval().toMillis(), TimeUnit.MILLISECONDS);
                    wake.drainPermits();
                    continue;
                }
                runOne(handler, job);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                if (stopping.get()) {
                    return;
                }
                LOG.warnf("job worker of %s: %s", handler.kind(), e.toString());
                sleepQuietly(config.pollInterval());
            }
        }
    }

    private void runOne(JobHandler handler, Job job) {
        running.put(job.id(), job);
        long started = System.nanoTime();
        String outcome = "failed";
        String traceparent = store.traceparentOf(job.id());
        Span span = tracer.spanBuilder("job " + job.kind())
                .setSpanKind(SpanKind.INTERNAL)
                .setParent(TraceContext.contextOf(traceparent))
                .setAttribute("edgeloop.job.id", job.id())
                .setAttribute("edgeloop.job.key", job.key())
                .setAttribute("edgeloop.job.attempt", job.attempt())
                .startSpan();
        try (Scope ignored = span.makeCurrent()) {
            if (job.isRetry()) {
                LOG.infof(
                        "job %s %s: attempt %d (an earlier one failed or died)", job.kind(), job.key(), job.attempt());
            }
            handler.run(job);
            store.succeeded(job);
            outcome = "succeeded";
        } catch (PermanentJobFailure e) {
            outcome = "failed_for_good";
            span.setStatus(StatusCode.ERROR, e.getMessage());
            LOG.warnf("job %s %s failed for good: %s", job.kind(), job.key(), e.getMessage());
            store.failed(job, e.getMessage(), true, config);
        } catch (LeaseLostException e) {
            outcome = "lease_lost";
            LOG.warnf("job %s %s: %s", job.kind(), job.key(), e.getMessage());
        } catch (Exception | Error e) {
            span.recordException(e);
            span.setStatus(StatusCode.ERROR);
            if (stopping.get()) {
                LOG.infof("job %s %s interrupted by shutdown", job.kind(), job.key());
            } else {
                LOG.warnf("job %s %s attempt %d failed: %s", job.kind(), job.key(), job.attempt(), e);
                store.failed(job, e.toString(), false, config);
            }
        } finally {
            running.remove(job.id());
            span.end();
            metrics.job(job.kind(), outcome, Duration.ofNanos(System.nanoTime() - started));
        }
    }

    private void renewLeases() {
        for (Job job : running.values()) {
            try {
                if (!store.renew(job, config.lease())) {
                    job.lost().set(true);
                    running.remove(job.id());
                    LOG.warnf("lost the lease on job %s %s", job.kind(), job.key());
                }
            } catch (RuntimeException e) {
                LOG.debugf("renewing the lease of job %d failed: %s", job.id(), e);
            }
        }
    }

    private void trim() {
        try {
            int removed = QuarkusTransaction.requiringNew()
                    .call(() -> store.trim(clock.instant().minus(config.retention())));
            if (removed > 0) {
                LOG.infof("removed %d finished jobs older than %s", removed, config.retention());
            }
        } catch (RuntimeException e) {
            LOG.debugf("trimming jobs failed: %s", e);
        }
    }

    private static void sleepQuietly(Duration d) {
        try {
            Thread.sleep(d.toMillis()); // back off after an infrastructure failure (e.g. database down)
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
