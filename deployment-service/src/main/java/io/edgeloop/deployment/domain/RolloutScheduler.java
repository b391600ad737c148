package io.edgeloop.deployment.domain;

import io.edgeloop.deployment.config.DeploymentConfig;
import io.edgeloop.deployment.gate.GateVerdict;
import io.edgeloop.deployment.gate.HealthGate;
import io.edgeloop.deployment.grpc.WatchHub;
import io.edgeloop.kit.jobs.PeriodicJobs;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Advances every rollout in progress that this instance drives (its {@link RolloutLeases lease}: one replica at a
 * time per rollout) once per {@code edgeloop.deployment.tick}, as the Quarkus scheduler job {@value #TICK_JOB}
 * ({@link PeriodicJobs}: never two ticks at once, a tick still going when the next is due makes the scheduler skip
 * that one): a step under the fleet lock, the gate evaluation (gRPC to monitoring) outside any transaction, then the
 * verdict under the lock again. Assignments are pushed to the watch streams after each commit. The tick runs on real
 * time (the scheduler's granularity is a second: a tick under a second runs every second); every decision it leads to
 * (soak elapsed, timeouts) reads the injected {@link java.time.Clock} in {@link RolloutService}. At shutdown the job
 * is unscheduled, a tick in progress stops after its current rollout (waited for up to 5 s), and the leases are
 * handed back so another replica takes over at once.
 */
@ApplicationScoped
public class RolloutScheduler {
    /** The identity of the rollout tick in the Quarkus scheduler. */
    public static final String TICK_JOB = "rollout-tick";

    private static final Logger LOG = Logger.getLogger(RolloutScheduler.class);
    private static final Duration STOP_WAIT = Duration.ofSeconds(5);

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

    @Inject
    PeriodicJobs jobs;

    private volatile boolean stopping;

    void onStart(@Observes StartupEvent ev) {
        // fail start-up on invalid defaults or overrides (IllegalArgumentException lists every problem)
        RolloutSettings.resolve(config.rollout(), "");
        config.rollout().models().keySet().forEach(m -> RolloutSettings.resolve(config.rollout(), m));
        Duration tick = config.tick();
        if (tick.isZero() || tick.isNegative()) {
            throw new IllegalArgumentException("edgeloop.deployment.tick must be positive, not " + tick);
        }
        jobs.schedule(TICK_JOB, tick, "stepping the rollouts", this::tick);
    }

    void onStop(@Observes ShutdownEvent ev) {
        if (jobs.job(TICK_JOB).isEmpty()) {
            return;
        }
        stopping = true;
        if (!jobs.stop(TICK_JOB, STOP_WAIT)) {
            LOG.debugf("a rollout tick was still going after %s", STOP_WAIT);
        }
        try {
            leases.releaseAll(); // the other replicas take over at once
        } catch (RuntimeException e) {
            LOG.debugf("could not hand back rollout leases: %s", e.toString());
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
            if (stopping) {
                return; // shutting down: the leases are handed back
            }
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
