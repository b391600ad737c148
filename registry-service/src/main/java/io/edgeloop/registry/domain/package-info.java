/**
 * The registry's rules: version numbering, idempotent registration, variants, aliases that move atomically, tags,
 * model changes ({@link io.edgeloop.registry.domain.ModelLifecycle}), version and model deletion with blob garbage
 * collection ({@link io.edgeloop.registry.domain.ModelDeletion}, {@link io.edgeloop.registry.domain.ArtifactReferences}),
 * orphan-blob collection ({@link io.edgeloop.registry.domain.OrphanSweeper}, scheduled by {@link
 * io.edgeloop.registry.domain.OrphanCollector}), the append-only history, and the read models
 * ({@link io.edgeloop.registry.domain.VersionView} and friends, which are also the REST representations).
 */
package io.edgeloop.registry.domain;
