package io.edgeloop.agent.health;

import io.edgeloop.agent.domain.ModelRuntime;
import io.edgeloop.agent.grpc.FleetSync;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready when a model is loaded (the agent serves inference without the control plane); data: the default model. */
@Readiness
@ApplicationScoped
public class ModelReadinessCheck implements HealthCheck {
    @Inject
    ModelRuntime runtime;

    @Inject
    FleetSync sync;

    @Override
    public HealthCheckResponse call() {
        var builder = HealthCheckResponse.named("model").withData("connected", sync.isConnected());
        var models = runtime.models();
        runtime.active()
                .or(() -> models.stream().findFirst())
                .ifPresentOrElse(
                        m -> builder.up()
                                .withData("model", m.descriptor().modelName())
                                .withData("version", m.descriptor().modelVersion())
                                .withData("variant", m.descriptor().variantId())
                                .withData(
                                        "models",
                                        models.stream()
                                                .map(x -> x.descriptor().modelName() + "@v"
                                                        + x.descriptor().modelVersion())
                                                .collect(java.util.stream.Collectors.joining(","))),
                        () -> builder.down().withData("reason", "no model loaded"));
        return builder.build();
    }
}
