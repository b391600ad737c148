package io.edgeloop.registry.storage;

/**
 * An artifact in the store.
 *
 * @param sha256 lower-case hex SHA-256 of the content
 * @param sizeBytes content length
 * @param created false when the content had already been stored (the write was a verified no-op)
 */
public record StoredArtifact(String sha256, long sizeBytes, boolean created) {}
