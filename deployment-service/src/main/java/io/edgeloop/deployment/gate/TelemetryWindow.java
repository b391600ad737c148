package io.edgeloop.deployment.gate;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.time.Instant;
import java.util.Map;

/** One telemetry window as monitoring-service serves it ({@code GET /devices/{id}/telemetry}). */
@JsonIgnoreProperties(ignoreUnknown = true)
public record TelemetryWindow(
        String windowId,
        String modelName,
        int modelVersion,
        String variantId,
        Instant windowStart,
        Instant windowEnd,
        long inferenceCount,
        long errorCount,
        double latencyP99Us,
        Map<String, Long> predictedClassCounts) {
    public TelemetryWindow {
        predictedClassCounts = predictedClassCounts == null ? Map.of() : Map.copyOf(predictedClassCounts);
    }
}
