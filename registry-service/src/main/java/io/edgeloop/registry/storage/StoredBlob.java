package io.edgeloop.registry.storage;

import java.time.Instant;

/**
 * A blob as the store lists it, for garbage collection.
 *
 * @param sha256 lower-case hex SHA-256 of the content
 * @param sizeBytes content length
 * @param lastUploadedAt when the content was last uploaded: the first upload, or a later upload of the same content
 *     (which stores nothing but refreshes this time)
 */
public record StoredBlob(String sha256, long sizeBytes, Instant lastUploadedAt) {}
