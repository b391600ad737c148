package io.edgeloop.deployment;

import io.edgeloop.deployment.persistence.DeploymentEntity;
import io.edgeloop.deployment.persistence.DeploymentStatus;
import io.edgeloop.testsupport.MutableClock;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.Dependent;
import jakarta.enterprise.inject.Alternative;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * The test application's {@link java.time.Clock}: one {@link MutableClock}, shared by the service, the tests and the
 * fakes, that stands still until a test moves it. Soaks and gate timeouts elapse when a test says so, never by
 * waiting; the rollout scheduler still ticks on real time, and its decisions read this clock.
 */
@Dependent
public class TestClock {
    /**
     * The clock of every {@code @QuarkusTest} of this module. It starts at a whole millisecond and tests move it by
     * whole milliseconds: its instants survive PostgreSQL's microsecond timestamps unchanged (a rounded-up stored
     * instant would otherwise lie in the standing clock's future).
     */
    public static final MutableClock CLOCK = new MutableClock(Instant.now().truncatedTo(ChronoUnit.MILLIS));

    /** Replaces the service-kit's system clock. */
    @Produces
    @Singleton
    @Alternative
    @Priority(1)
    MutableClock clock() {
        return CLOCK;
    }

    /**
     * Waits until every device of wave {@code wave} of {@code rolloutId} is ACTIVE (the scheduler noted the moment
     * its soak starts), then moves the clock on by {@code soak}: the wave's gate is due on the next tick.
     */
    static void soak(String rolloutId, int wave, Duration soak) {
        awaitSoaking(rolloutId, wave);
        CLOCK.advance(soak);
    }

    /** Waits until every device of wave {@code wave} of {@code rolloutId} is ACTIVE and the wave soaks. */
    static void awaitSoaking(String rolloutId, int wave) {
        RolloutTestSupport.await(
                "wave " + wave + " of " + rolloutId + " wholly ACTIVE, soaking", () -> soaking(rolloutId, wave));
    }

    /** Moves the clock past {@code d} (by one millisecond more). */
    static void advancePast(Duration d) {
        CLOCK.advance(d.plusMillis(1));
    }

    private static boolean soaking(String rolloutId, int wave) {
        return QuarkusTransaction.requiringNew().call(() -> {
            DeploymentEntity d = DeploymentEntity.findById(rolloutId);
            return d != null
                    && d.currentWave != null
                    && d.currentWave == wave
                    && d.status == DeploymentStatus.ROLLING_OUT
                    && d.waveActivatedAt != null;
        });
    }
}
