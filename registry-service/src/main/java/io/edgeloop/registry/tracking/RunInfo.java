package io.edgeloop.registry.tracking;

/**
 * The attributes of an MLflow run.
 *
 * @param runId run id
 * @param experimentId the experiment it belongs to
 * @param runName display name
 * @param userId who started it
 * @param status {@code RUNNING}, {@code SCHEDULED}, {@code FINISHED}, {@code FAILED} or {@code KILLED}
 * @param startTime epoch milliseconds
 * @param endTime epoch milliseconds, null while it runs
 * @param lifecycleStage {@code active} or {@code deleted}
 * @param artifactUri where its artifacts would go (empty: none)
 */
public record RunInfo(
        String runId,
        long experimentId,
        String runName,
        String userId,
        String status,
        long startTime,
        Long endTime,
        String lifecycleStage,
        String artifactUri) {}
