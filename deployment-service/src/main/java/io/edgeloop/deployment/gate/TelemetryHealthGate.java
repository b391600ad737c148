package io.edgeloop.deployment.gate;

import io.edgeloop.common.ProtoTime;
import io.edgeloop.deployment.config.DeploymentConfig;
import io.edgeloop.proto.telemetry.v1.ListWindowsRequest;
import io.edgeloop.proto.telemetry.v1.TelemetryServiceGrpc;
import io.edgeloop.proto.telemetry.v1.TelemetryWindow;
import io.grpc.StatusRuntimeException;
import io.quarkus.grpc.GrpcClient;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * The default gate: reads each wave device's windows of the model from monitoring-service over gRPC
 * ({@code TelemetryService.ListWindows}, client {@code telemetry}; since the wave started, plus the previous version's
 * windows as the prediction baseline when the shift is gated) and applies {@link GateEvaluation}. It fails safe:
 * when monitoring cannot answer, the verdict is WAIT (the wave holds; the rollout fails it after the gate timeout),
 * never PASS.
 */
@ApplicationScoped
public class TelemetryHealthGate implements HealthGate {
    private static final Logger LOG = Logger.getLogger(TelemetryHealthGate.class);

    @GrpcClient("telemetry")
    TelemetryServiceGrpc.TelemetryServiceBlockingStub telemetry;

    @Inject
    DeploymentConfig config;

    @Override
    public GateVerdict evaluate(GateRequest request) {
        Map<String, List<TelemetryWindow>> windows = new HashMap<>();
        List<String> unavailable = new ArrayList<>();
        for (GateRequest.GateDevice d : request.devices()) {
            try {
                List<TelemetryWindow> w = new ArrayList<>(list(d.deviceId(), request, request.modelVersion(), true));
                if (d.previousVersion() > 0 && request.thresholds().maxPredictionShift() < 1) {
                    w.addAll(list(d.deviceId(), request, d.previousVersion(), false));
                }
                windows.put(d.deviceId(), w);
            } catch (StatusRuntimeException e) {
                unavailable.add("monitoring unavailable for the telemetry of " + d.deviceId() + ": " + e.getStatus());
                break; // one failure is enough: the gate waits
            }
        }
        if (!unavailable.isEmpty()) {
            LOG.warnf("rollout %s wave %d: %s", request.rolloutId(), request.wave(), unavailable);
            return GateVerdict.waitFor(unavailable, GateVerdict.Metrics.NONE);
        }
        return GateEvaluation.evaluate(request, windows);
    }

    private List<TelemetryWindow> list(String deviceId, GateRequest request, int version, boolean sinceWave) {
        ListWindowsRequest.Builder b = ListWindowsRequest.newBuilder()
                .setDeviceId(deviceId)
                .setModelName(request.modelName())
                .setModelVersion(version)
                .setLimit(config.rollout().telemetryLimit());
        if (sinceWave && request.since() != null) {
            b.setSince(ProtoTime.of(request.since()));
        }
        return telemetry
                .withDeadlineAfter(config.monitoringTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .listWindows(b.build())
                .getWindowsList();
    }
}
