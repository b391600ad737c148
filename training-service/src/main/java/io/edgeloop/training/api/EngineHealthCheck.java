package io.edgeloop.training.api;

import io.edgeloop.training.domain.TrainingPipeline;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready once the DJL PyTorch engine (native library) has loaded. */
@Readiness
@ApplicationScoped
public class EngineHealthCheck implements HealthCheck {
    @Inject
    TrainingPipeline pipeline;

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("djl-pytorch-engine")
                .status(pipeline.engineReady())
                .withData("engine", pipeline.engineStatus())
                .build();
    }
}
