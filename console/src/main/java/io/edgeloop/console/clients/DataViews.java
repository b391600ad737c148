package io.edgeloop.console.clients;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;

/** What the console reads from data-service's REST API ({@code /datasets/...}); unknown fields are ignored. */
public final class DataViews {
    private DataViews() {}

    /** A data set ({@code GET /datasets}, {@code GET /datasets/{name}}). */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Dataset(
            String name,
            List<String> featureNames,
            List<String> labels,
            long sampleCount,
            Integer latestVersion,
            String latestSnapshotId,
            String createdAt,
            String dataKind,
            List<Integer> sampleShape) {}

    /** A snapshot with its split sizes ({@code GET /datasets/{name}/snapshots}, oldest first). */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Snapshot(
            int version,
            String snapshotId,
            long trainCount,
            long validationCount,
            long testCount,
            List<String> labels,
            String createdAt,
            String trigger,
            List<String> warnings,
            Long unlabeledCount) {}

    /** A data set's statistics from SQL aggregates ({@code GET /datasets/{name}/stats}). */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Stats(
            String datasetName,
            String split,
            int bins,
            long sampleCount,
            long unlabeledCount,
            SplitCounts splits,
            List<ClassCounts> classes,
            List<FeatureStats> features) {}

    /** Labelled samples per split. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record SplitCounts(long train, long validation, long test) {}

    /** One class's samples per split and in all. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record ClassCounts(String label, long train, long validation, long test, long total) {}

    /**
     * One feature's values: {@code counts[k]} in {@code [edges[k], edges[k+1])}; min, max, mean and std null when it
     * has none.
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record FeatureStats(
            String name,
            long count,
            Double min,
            Double max,
            Double mean,
            Double std,
            List<Double> edges,
            List<Long> counts) {}

    /** A logged ingest request ({@code GET /datasets/{name}/ingests}, newest first). */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Ingest(
            long id,
            String receivedAt,
            String subject,
            String format,
            String source,
            String outcome,
            int status,
            long rows,
            long accepted,
            long rejected,
            long duplicates,
            String detail,
            List<Rejection> rejections) {}

    /** Why a row (or, without {@code row}, the request) was refused. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Rejection(Long row, String field, String message) {}

    /** Drift on a data set as data-service sees it ({@code GET /datasets/{name}/drift}). */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record DriftState(String datasetName, PendingDrift pending) {}

    /** A drift verdict that found nothing new to retrain on and waits for new labelled data. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record PendingDrift(
            String eventId,
            String modelName,
            int modelVersion,
            double driftScore,
            double threshold,
            String detectedAt) {}
}
