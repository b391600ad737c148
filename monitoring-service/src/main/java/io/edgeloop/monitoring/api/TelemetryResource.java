package io.edgeloop.monitoring.api;

import io.edgeloop.common.auth.Roles;
import io.edgeloop.kit.api.ApiException;
import io.edgeloop.kit.api.Problem;
import io.edgeloop.monitoring.persistence.TelemetryWindowEntity;
import io.quarkus.panache.common.Page;
import jakarta.annotation.security.RolesAllowed;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** {@code GET /devices/{id}/telemetry?limit=N}: a device's most recent telemetry windows, newest first. */
@Path("/devices/{id}/telemetry")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.VIEWER)
public class TelemetryResource {
    /** Largest accepted {@code limit}. */
    public static final int MAX_LIMIT = 500;

    /** A device's windows. */
    public record DeviceTelemetry(String deviceId, List<WindowView> windows) {}

    /**
     * Summary of one window and the drift score its acknowledgement carried. {@code errorCount} counts model/runtime
     * failures, {@code clientErrorCount} the caller's input errors; {@code source} is {@code live} or
     * {@code simulator}.
     */
    public record WindowView(
            String windowId,
            String modelName,
            int modelVersion,
            String variantId,
            Instant windowStart,
            Instant windowEnd,
            long inferenceCount,
            long errorCount,
            long clientErrorCount,
            String source,
            String deploymentId,
            int featureCount,
            int sampleCount,
            double latencyP50Us,
            double latencyP99Us,
            Map<String, Long> predictedClassCounts,
            boolean buffered,
            double driftScore,
            boolean driftDetected,
            Instant receivedAt) {}

    @GET
    @Transactional
    public DeviceTelemetry recent(
            @PathParam("id") String deviceId, @QueryParam("limit") @DefaultValue("20") String limitParam) {
        int limit;
        try {
            limit = Integer.parseInt(limitParam.trim());
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("limit must be an integer, was '" + limitParam + "'");
        }
        if (limit < 1 || limit > MAX_LIMIT) {
            throw ApiException.invalid(
                    "invalid query",
                    List.of(new Problem.FieldError("limit", "must be between 1 and " + MAX_LIMIT + ", was " + limit)));
        }
        List<TelemetryWindowEntity> rows = TelemetryWindowEntity.<TelemetryWindowEntity>find(
                        "deviceId = ?1 order by receivedAt desc, windowId", deviceId)
                .page(Page.ofSize(limit))
                .list();
        if (rows.isEmpty()) {
            throw ApiException.notFound("no telemetry from device '" + deviceId + "'");
        }
        return new DeviceTelemetry(
                deviceId,
                rows.stream()
                        .map(w -> new WindowView(
                                w.windowId,
                                w.modelName,
                                w.modelVersion,
                                w.variantId,
                                w.windowStart,
                                w.windowEnd,
                                w.inferenceCount,
                                w.errorCount,
                                w.clientErrorCount,
                                w.source,
                                w.deploymentId,
                                w.featureCount,
                                w.sampleCount,
                                w.latencyP50Us,
                                w.latencyP99Us,
                                new TreeMap<>(w.predictedClassCounts),
                                w.buffered,
                                w.driftScore,
                                w.driftDetected,
                                w.receivedAt))
                        .toList());
    }
}
