package io.edgeloop.registry.tracking;

import java.util.Map;

/**
 * An MLflow experiment.
 *
 * @param id experiment id (0 = MLflow's {@code Default})
 * @param name unique name
 * @param artifactLocation where its runs' artifacts would go (empty: none)
 * @param lifecycleStage {@code active} or {@code deleted}
 * @param creationTime epoch milliseconds
 * @param lastUpdateTime epoch milliseconds
 * @param tags key/value tags, sorted by key
 */
public record Experiment(
        long id,
        String name,
        String artifactLocation,
        String lifecycleStage,
        long creationTime,
        long lastUpdateTime,
        Map<String, String> tags) {}
