package io.edgeloop.kit.time;

import io.quarkus.arc.DefaultBean;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Clock;

/**
 * The service's {@link Clock} (UTC system time), injected wherever "now" decides something (a rollout's soak, a
 * lease's expiry, a window's age), so that a test replaces it with an alternative bean (e.g. the test-support
 * {@code MutableClock}) and advances time instead of sleeping.
 */
@ApplicationScoped
public class Clocks {
    /** The system clock in UTC. */
    @Produces
    @Singleton
    @DefaultBean
    public Clock clock() {
        return Clock.systemUTC();
    }
}
