package io.edgeloop.console.clients;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;
import java.util.Map;

/**
 * What the console reads from monitoring-service's drift and performance API ({@code GET /models/{name}/drift},
 * {@code /drift/history}, {@code /performance}, {@code /performance/segments}).
 */
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
            List<FeatureDrift> features,
            String driftEventId) {}

    /** The performance drift test of a version: accuracy significantly below {@code baseline}. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record PerformanceDrift(
            boolean evaluated, boolean drifted, Double baseline, Double pValue, String reason, String driftEventId) {}

    /** Live performance of a version on its labelled inferences; figures null without any. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Performance(
            String modelName,
            int modelVersion,
            long labelledCount,
            long correctCount,
            Double accuracy,
            Double macroF1,
            Map<String, Double> perClassRecall,
            Double expectedCalibrationError,
            Double testAccuracy,
            PerformanceDrift drift) {}

    /** Live performance of the devices whose label has {@code value}. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Segment(
            String value,
            long labelledCount,
            long correctCount,
            Double accuracy,
            Double macroF1,
            Map<String, Double> perClassRecall,
            Double expectedCalibrationError) {}

    /**
     * One feature's figures in a recorded drift evaluation: the test that judged it, its statistic and threshold,
     * verdict, KS statistic, raw p-value and PSI (each null where not finite).
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record HistoryFeature(
            int index,
            String test,
            Double statistic,
            Double threshold,
            boolean drifted,
            Double ks,
            Double p,
            Double psi) {}

    /** One recorded drift evaluation of the deployed version ({@code evaluatedAt} an ISO-8601 instant). */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record HistoryEntry(
            String evaluatedAt,
            int modelVersion,
            String referenceId,
            String method,
            int sampleCount,
            double driftScore,
            double threshold,
            double driftShare,
            boolean driftDetected,
            Boolean predictionDrifted,
            List<HistoryFeature> features) {}

    /** A model's recorded drift evaluations, newest first. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record DriftHistory(String modelName, List<HistoryEntry> entries) {}
}
