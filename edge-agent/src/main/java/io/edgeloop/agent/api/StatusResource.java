package io.edgeloop.agent.api;

import io.edgeloop.agent.config.AgentConfig;
import io.edgeloop.agent.domain.LoadedModel;
import io.edgeloop.agent.domain.ModelRuntime;
import io.edgeloop.agent.domain.Simulator;
import io.edgeloop.agent.domain.TensorSpec;
import io.edgeloop.agent.grpc.FleetSync;
import io.edgeloop.agent.grpc.TelemetryReporter;
import jakarta.annotation.security.PermitAll;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import java.util.List;

/**
 * What this device runs and whether it is connected to the control plane. Local, read-only status (no secrets: ids,
 * versions, counters), open like the serving API ({@code @PermitAll}) and reachable where the agent's HTTP server is
 * bound.
 */
@Path("/status")
@Produces(MediaType.APPLICATION_JSON)
@PermitAll
public class StatusResource {
    /** One input or output of a served model. */
    public record Tensor(String name, String datatype, List<Long> shape) {
        static Tensor of(TensorSpec t) {
            return new Tensor(t.name(), t.datatype().name(), t.shapeList());
        }
    }

    /**
     * One served model.
     *
     * @param featureCount elements of one sample of the feature input (-1 when dynamic)
     * @param outputKind "classification", "regression", "embedding" or "tensor"
     * @param inferenceCount inferences (samples) served by it since it was loaded in this process
     */
    public record Model(
            String deploymentId,
            String modelName,
            int modelVersion,
            String variantId,
            String artifactSha256,
            List<String> classLabels,
            int featureCount,
            String featureInput,
            String outputKind,
            List<Tensor> inputs,
            List<Tensor> outputs,
            long inferenceCount,
            Instant activatedAt) {
        static Model of(LoadedModel m) {
            var d = m.descriptor();
            var s = m.signature();
            return new Model(
                    d.deploymentId(),
                    d.modelName(),
                    d.modelVersion(),
                    d.variantId(),
                    d.artifactSha256(),
                    m.labels(),
                    m.featureCount(),
                    s.featureInput().name(),
                    s.outputKind(),
                    s.inputs().stream().map(Tensor::of).toList(),
                    s.outputs().stream().map(Tensor::of).toList(),
                    m.inferenceCount(),
                    d.activatedAt());
        }
    }

    /**
     * Device status. The top-level model fields describe the default model (null while none is loaded), as before
     * several models; {@code models} lists every served model by name.
     *
     * @param inferenceCount inferences served by the default model since it was loaded in this process
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
            List<Model> models,
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
                runtime.models().stream().map(Model::of).toList(),
                simulator.state(),
                sync.isConnected(),
                telemetry.sentWindows());
    }
}
