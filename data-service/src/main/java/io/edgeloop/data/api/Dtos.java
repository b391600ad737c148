package io.edgeloop.data.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.edgeloop.data.domain.SnapshotService;
import io.edgeloop.data.persistence.SnapshotEntity;
import java.time.Instant;
import java.util.List;

/** JSON bodies of the REST API. */
public final class Dtos {
    private Dtos() {}

    /**
     * {@code PUT /datasets/{name}} body.
     *
     * @param featureNames ordered feature names
     * @param labels ordered class labels
     * @param dataKind {@code features} (default), {@code timeseries} or {@code image}
     * @param sampleShape shape of one sample, e.g. [3, 128]; default [feature count]
     * @param sampleRateHz sampling rate of a timeseries data set (optional)
     * @param featureKinds kind of each feature, {@code numerical} (default) or {@code categorical} (optional)
     */
    public record DatasetSchema(
            List<String> featureNames,
            List<String> labels,
            String dataKind,
            List<Integer> sampleShape,
            Double sampleRateHz,
            List<String> featureKinds) {}

    /**
     * One sample of {@code POST /datasets/{name}/samples}. Features are read as JSON nodes so that a non-numeric
     * value is reported per field instead of failing the whole body.
     */
    public record SampleInput(List<JsonNode> features, String label, String source) {}

    /** Ingest outcome. */
    public record IngestResponse(int accepted, int duplicates) {}

    /**
     * Outcome of a CSV import.
     *
     * @param accepted samples stored
     * @param duplicates valid rows already stored (or repeated in the file)
     * @param rows data rows read
     * @param rejected invalid rows (not stored)
     * @param errors why, for up to 1,000 of them (with {@code onInvalid=skip}; otherwise an invalid row is a 422)
     * @param importId the import's id ({@code GET /datasets/{name}/imports/{importId}})
     */
    public record CsvImportResponse(
            long accepted,
            long duplicates,
            long rows,
            long rejected,
            List<io.edgeloop.kit.api.Problem.FieldError> errors,
            String importId) {}

    /**
     * {@code POST /datasets/{name}/snapshots} body (optional).
     *
     * @param trigger why the snapshot is cut (default {@code manual})
     * @param trainingSpec training settings copied into the DataReady event (fields of events.v1.TrainingSpec)
     */
    public record SnapshotRequest(String trigger, JsonNode trainingSpec) {}

    /** A snapshot. */
    public record SnapshotView(
            String datasetName,
            int version,
            String snapshotId,
            String contentHash,
            long trainCount,
            long validationCount,
            long testCount,
            int featureCount,
            List<String> labels,
            Instant createdAt,
            String trigger,
            String correlationId,
            List<String> warnings,
            Long unlabeledCount) {
        static SnapshotView of(SnapshotEntity s) {
            return new SnapshotView(
                    s.datasetName,
                    s.version,
                    SnapshotService.snapshotId(s.datasetName, s.version),
                    s.contentHash,
                    s.trainCount,
                    s.validationCount,
                    s.testCount,
                    s.featureCount,
                    List.of(s.labels),
                    s.createdAt,
                    s.trigger,
                    s.correlationId,
                    s.warnings == null ? List.of() : List.of(s.warnings),
                    s.unlabeledCount);
        }
    }
}
