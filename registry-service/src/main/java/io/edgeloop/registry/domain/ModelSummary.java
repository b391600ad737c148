package io.edgeloop.registry.domain;

import java.time.Instant;

/**
 * A model name with its newest version.
 *
 * @param name model name
 * @param latestVersion highest existing version, 0 when there is none
 * @param createdAt when its first version was registered
 * @param updatedAt when its latest version was registered
 */
public record ModelSummary(String name, int latestVersion, Instant createdAt, Instant updatedAt) {}
