package io.edgeloop.training.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.edgeloop.training.persistence.Experiment;
import java.time.Instant;

/**
 * JSON view of a distillation or an architecture search.
 *
 * @param id experiment id
 * @param kind DISTILLATION or SEARCH
 * @param status QUEUED, RUNNING, SUCCEEDED or FAILED
 * @param datasetName dataset
 * @param datasetVersion snapshot version
 * @param snapshotId {@code <dataset>@v<version>}
 * @param requestedBy who queued it
 * @param request the validated request
 * @param result the report once SUCCEEDED (a distillation or a search report)
 * @param failureReason why a FAILED experiment failed
 * @param epochsDone epochs trained so far over all its trainings
 * @param queuedAt when it was queued
 * @param startedAt when it started
 * @param finishedAt when it ended
 */
public record ExperimentView(
        String id,
        String kind,
        String status,
        String datasetName,
        int datasetVersion,
        String snapshotId,
        String requestedBy,
        JsonNode request,
        JsonNode result,
        String failureReason,
        int epochsDone,
        Instant queuedAt,
        Instant startedAt,
        Instant finishedAt) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** View of {@code e}. */
    public static ExperimentView of(Experiment e) {
        try {
            return new ExperimentView(
                    e.id,
                    e.kind.name(),
                    e.status.name(),
                    e.datasetName,
                    e.datasetVersion,
                    e.snapshotId,
                    e.requestedBy,
                    JSON.readTree(e.request),
                    e.result == null ? null : JSON.readTree(e.result),
                    e.failureReason,
                    e.epochsDone,
                    e.queuedAt,
                    e.startedAt,
                    e.finishedAt);
        } catch (JsonProcessingException x) {
            throw new IllegalStateException("stored experiment JSON does not parse", x);
        }
    }
}
