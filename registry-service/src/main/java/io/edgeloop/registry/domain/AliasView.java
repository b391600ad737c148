package io.edgeloop.registry.domain;

import java.time.Instant;

/**
 * An alias of a model.
 *
 * @param modelName the model
 * @param alias the alias, e.g. {@code champion}
 * @param version the version it points at
 * @param updatedAt when it was last moved
 * @param updatedBy who or what moved it last
 */
public record AliasView(String modelName, String alias, int version, Instant updatedAt, String updatedBy) {}
