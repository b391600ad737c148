package io.edgeloop.registry.domain;

import java.time.Instant;

/**
 * A model with its latest version in full.
 *
 * @param name model name
 * @param latestVersion highest registered version
 * @param createdAt when its first version was registered
 * @param updatedAt when its latest version was registered
 * @param latest the latest version
 */
public record ModelDetail(String name, int latestVersion, Instant createdAt, Instant updatedAt, VersionView latest) {}
