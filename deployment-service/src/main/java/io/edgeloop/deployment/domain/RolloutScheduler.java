package io.edgeloop.deployment.domain;

import io.edgeloop.deployment.config.DeploymentConfig;
import io.edgeloop.deployment.gate.GateVerdict;
import io.edgeloop.deployment.gate.HealthGate;
import io.edgeloop.deployment.grpc.WatchHub;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Advances every rollout in progress that this instance drives (its {@link RolloutLeases lease}: one replica at a
 * time per rollout) once per {@code edgeloop.deployment.tick} on one thread: a step under the fleet lock, the gate evaluation (gRPC to monitoring) outside any transaction, then the verdict under the lock
 * again. Assignments are pushed to the watch streams after each commit. The tick runs on real time; every decision
 * it leads to (soak elapsed, timeouts) reads the injected {@link java.time.Clock} in {@link RolloutService}.
 */
@ApplicationScoped
public class RolloutScheduler {
    private static final Logger LOG = Logger.getLogger(RolloutScheduler.class);

    @Inject
    RolloutService rollouts;

    @Inject
    HealthGate gate;

    @Inject
    WatchHub hub;

    @Inject
    DeploymentConfig config;

    @Inject
    RolloutLeases leases;

    private ScheduledExecutorService executor;

    void onStart(@Observes StartupEvent ev) {
        // fail start-up on invalid defaults or overrides (IllegalArgumentException lists every problem)
        RolloutSettings.resolve(config.rollout(), "");
        config.rollout().models().keySet().forEach(m -> RolloutSettings.resolve(config.rollout(), m));
        executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "rollout-scheduler");
            t.setDaemon(true);
            return t;
        });
        long tick = Math.max(10, config.tick().toMillis());
        executor.scheduleWithFixedDelay(this::tick, tick, tick, TimeUnit.MILLISECONDS);
    }

    void onStop(@Observes ShutdownEvent ev) {
        if (executor != null) {
            executor.shutdownNow();
            try {
                executor.awaitTermination(5, TimeUnit.SECONDS);
                leases.releaseAll(); // the other replicas take over at once
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                LOG.debugf("could not hand back rollout leases: %s", e.toString());
            }
        }
    }

    /** One pass over the rollouts in progress; never throws (a failing rollout is retried on the next tick). */
    void tick() {
        List<String> ids;
        try {
            ids = rollouts.inProgress();
        } catch (RuntimeException e) {
            LOG.warnf("listing rollouts failed: %s", e.toString());
            return;
        }
        for (String id : ids) {
            try {
                if (leases.claim(id)) {
                    step(id);
                }
            } catch (RuntimeException e) {
                LOG.warnf(e, "rollout %s: step failed; retrying on the next tick", id);
            }
        }
    }

    private void step(String id) {
        RolloutService.Step step = rollouts.advance(id);
        hub.pushAll(step.pushes());
        if (step.gate() == null) {
            return;
        }
        GateVerdict verdict;
        try {
            verdict = gate.evaluate(step.gate());
        } catch (RuntimeException e) {
            verdict = GateVerdict.waitFor(List.of("gate evaluation failed: " + e), GateVerdict.Metrics.NONE);
        }
        hub.pushAll(rollouts.applyVerdict(id, step.gate().wave(), step.activatedAt(), verdict));
    }
}
