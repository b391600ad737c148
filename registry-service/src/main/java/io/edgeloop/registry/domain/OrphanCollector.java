package io.edgeloop.registry.domain;

import io.edgeloop.registry.config.RegistryConfig;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * Runs {@link ModelRegistry#collectOrphans} every {@code edgeloop.registry.orphan-gc.interval} (with {@code
 * min-age}) on one daemon thread, started with the application and stopped with it. A sweep that fails is logged and
 * the next one runs as planned; sweeps never overlap each other (they may overlap an on-demand sweep, which is safe:
 * every deletion is checked under the blob's lock).
 */
@ApplicationScoped
public class OrphanCollector {
    private static final Logger LOG = Logger.getLogger(OrphanCollector.class);

    @Inject
    ModelRegistry registry;

    @Inject
    RegistryConfig config;

    private final AtomicLong sweeps = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private ScheduledExecutorService executor;

    void onStart(@Observes StartupEvent event) {
        Duration minAge = config.orphanGc().minAge();
        if (minAge.isNegative()) {
            throw new IllegalStateException("edgeloop.registry.orphan-gc.min-age must not be negative, got " + minAge);
        }
        if (start(config.orphanGc().interval(), () -> registry.collectOrphans(minAge))) {
            LOG.infof(
                    "orphan GC every %s: blobs never registered and uploaded more than %s ago are deleted",
                    config.orphanGc().interval(), minAge);
        } else {
            LOG.info("periodic orphan GC is disabled (edgeloop.registry.orphan-gc.interval <= 0)");
        }
    }

    void onStop(@Observes ShutdownEvent event) {
        stop();
    }

    /**
     * Runs {@code sweep} every {@code interval}, the first time one interval from now.
     *
     * @return false (nothing scheduled) when {@code interval} is zero or negative
     */
    synchronized boolean start(Duration interval, Supplier<OrphanSweep> sweep) {
        if (interval.isZero() || interval.isNegative()) {
            return false;
        }
        if (executor != null) {
            throw new IllegalStateException("orphan GC is already running");
        }
        executor = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "registry-orphan-gc");
            thread.setDaemon(true);
            return thread;
        });
        long millis = Math.max(1, interval.toMillis());
        executor.scheduleWithFixedDelay(() -> tick(sweep), millis, millis, TimeUnit.MILLISECONDS);
        return true;
    }

    /** One scheduled sweep; never throws, so the executor keeps scheduling the next one. */
    void tick(Supplier<OrphanSweep> sweep) {
        try {
            sweep.get();
        } catch (RuntimeException e) {
            failures.incrementAndGet();
            LOG.error("orphan GC sweep failed; the next one runs as planned", e);
        } finally {
            sweeps.incrementAndGet();
        }
    }

    /** Stops sweeping: lets a running sweep finish for up to 5 s, then interrupts it (it stops between blobs). */
    synchronized void stop() {
        if (executor == null) {
            return;
        }
        executor.shutdown();
        try {
            if (!executor.awaitTermination(5, TimeUnit.SECONDS)) {
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
        executor = null;
    }

    /** Scheduled sweeps run so far (failed ones included). */
    public long sweeps() {
        return sweeps.get();
    }

    /** Scheduled sweeps that failed so far. */
    public long failures() {
        return failures.get();
    }
}
