package io.edgeloop.console.clients;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;

/** What the console reads from monitoring-service's drift API ({@code GET /models/{name}/drift}). */
public final class MonitoringViews {
    private MonitoringViews() {}

    /** Drift of one input feature: the test that judged it, its statistic, threshold and verdict. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record FeatureDrift(
            int index,
            String test,
            double statistic,
            double threshold,
            boolean drifted,
            double ksStatistic,
            double pValue,
            double psi,
            double referenceMean,
            double observedMean) {}

    /** Drift of the deployed version of a model. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Drift(
            String modelName,
            int modelVersion,
            String referenceSnapshotId,
            int sampleCount,
            double driftScore,
            double threshold,
            boolean driftDetected,
            String method,
            double driftShare,
            String reason,
            List<FeatureDrift> features) {}
}
