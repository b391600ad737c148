package io.edgeloop.kit.jobs;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Map;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Reports the durable jobs per status (queued, running, parked...) as readiness data. Parked jobs do not make the
 * service unready: they wait for an operator ({@code edgeloop ops jobs}).
 */
@Readiness
@ApplicationScoped
public class JobsHealthCheck implements HealthCheck {
    @Inject
    Jobs jobs;

    @Inject
    JobRunner runner;

    @Override
    public HealthCheckResponse call() {
        var builder = HealthCheckResponse.named("jobs").up().withData("worker", String.valueOf(runner.owner()));
        for (Map.Entry<JobRecord.Status, Long> e : jobs.counts().entrySet()) {
            builder.withData(e.getKey().name().toLowerCase(java.util.Locale.ROOT), e.getValue());
        }
        return builder.build();
    }
}
