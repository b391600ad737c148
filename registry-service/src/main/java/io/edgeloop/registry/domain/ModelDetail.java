package io.edgeloop.registry.domain;

import java.time.Instant;
import java.util.Map;

/**
 * A model with its latest version in full.
 *
 * @param name model name
 * @param latestVersion highest registered version
 * @param createdAt when its first version was registered
 * @param updatedAt when it last changed: a version registered or deleted, an alias moved, its description or a tag
 * @param latest the latest version, null when it has none (created over the MLflow API, or all deleted)
 * @param aliases alias name to version, sorted by alias
 * @param tags model-level tags, sorted by key
 * @param description free text (MLflow {@code registered-models/update}), null when none
 */
public record ModelDetail(
        String name,
        int latestVersion,
        Instant createdAt,
        Instant updatedAt,
        VersionView latest,
        Map<String, Integer> aliases,
        Map<String, String> tags,
        String description) {}
