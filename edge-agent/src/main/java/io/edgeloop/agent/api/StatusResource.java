package io.edgeloop.agent.api;

import io.edgeloop.agent.config.AgentConfig;
import io.edgeloop.agent.domain.LoadedModel;
import io.edgeloop.agent.domain.ModelRuntime;
import io.edgeloop.agent.domain.Simulator;
import io.edgeloop.agent.grpc.FleetSync;
import io.edgeloop.agent.grpc.TelemetryReporter;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import java.util.List;

/** What this device runs and whether it is connected to the control plane. */
@Path("/status")
@Produces(MediaType.APPLICATION_JSON)
public class StatusResource {
    /**
     * Device status; model fields are null while no model is loaded.
     *
     * @param inferenceCount inferences served by the active model since it was loaded in this process
     * @param connected registered with the deployment service and watching assignments
     * @param telemetryWindowsSent windows delivered to the monitoring service since start
     */
    public record Status(
            String deviceId,
            String deploymentId,
            String modelName,
            Integer modelVersion,
            String variantId,
            String artifactSha256,
            List<String> classLabels,
            Integer featureCount,
            long inferenceCount,
            Instant activatedAt,
            Simulator.State simulator,
            boolean connected,
            long telemetryWindowsSent) {}

    @Inject
    AgentConfig config;

    @Inject
    ModelRuntime runtime;

    @Inject
    Simulator simulator;

    @Inject
    FleetSync sync;

    @Inject
    TelemetryReporter telemetry;

    @GET
    public Status status() {
        LoadedModel m = runtime.active().orElse(null);
        var d = m == null ? null : m.descriptor();
        return new Status(
                config.deviceId(),
                d == null ? null : d.deploymentId(),
                d == null ? null : d.modelName(),
                d == null ? null : d.modelVersion(),
                d == null ? null : d.variantId(),
                d == null ? null : d.artifactSha256(),
                m == null ? null : m.labels(),
                m == null ? null : m.featureCount(),
                m == null ? 0 : m.inferenceCount(),
                d == null ? null : d.activatedAt(),
                simulator.state(),
                sync.isConnected(),
                telemetry.sentWindows());
    }
}
