package io.edgeloop.monitoring.config;

import io.quarkus.arc.DefaultBean;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Clock;

/**
 * The service's {@link Clock} (UTC system time), injected wherever "now" decides something (e.g. whether a telemetry
 * window is too old or in the future), so that a test can replace it with an alternative bean.
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
