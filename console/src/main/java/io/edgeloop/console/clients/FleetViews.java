package io.edgeloop.console.clients;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;
import java.util.Map;

/** What the console reads from deployment-service's REST API ({@code /devices}, {@code /rollouts}). */
public final class FleetViews {
    private FleetViews() {}

    /** Hardware a device registered with. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Capabilities(String architecture, int ramMb, String runtime, String runtimeVersion) {}

    /** What a device should run for one model. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Desired(String deploymentId, int modelVersion, String variantId) {}

    /** What a device last reported for one model. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Reported(String state, int modelVersion, String variantId, String message, String reportedAt) {}

    /**
     * The newest rollout of a model that had no variant the device can run (its memory budget, RAM, storage, model
     * count or runtime), newer than what the device runs: it was never sent.
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Incompatible(String deploymentId, int modelVersion, String reason, String at) {}

    /** One model slot of a device twin. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record DeviceModel(
            String modelName,
            String desiredState,
            Desired desired,
            Reported reported,
            boolean inSync,
            Incompatible incompatible) {}

    /** A device twin ({@code GET /devices}). */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Device(
            String id,
            Map<String, String> labels,
            Capabilities capabilities,
            String registeredAt,
            String lastSeenAt,
            boolean connected,
            boolean inSync,
            List<DeviceModel> models,
            String revokedAt) {}

    /** A wave's health-gate verdict. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Gate(
            String outcome,
            List<String> reasons,
            int windows,
            long inferences,
            double errorRate,
            double latencyP99Us,
            Double predictionShift,
            String evaluatedAt) {}

    /** One wave of a rollout. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Wave(int wave, String state, List<String> deviceIds, Gate gate) {}

    /** A staged rollout ({@code GET /rollouts}). */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Rollout(
            String id,
            String modelName,
            int modelVersion,
            String status,
            String statusReason,
            String policyName,
            Integer currentWave,
            Integer wavesTotal,
            String createdAt,
            String finishedAt,
            int devicesTargeted,
            int devicesActive,
            List<Wave> waves,
            List<HistoryEntry> history) {}

    /** One entry of a rollout's history: what happened, to which wave, who did it (a user or the service). */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record HistoryEntry(String at, String action, Integer wave, String detail, String actor) {}
}
