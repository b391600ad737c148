/**
 * Content-addressed blob storage: {@link io.edgeloop.registry.storage.ArtifactStore} and its filesystem
 * implementation. Writes are verified against the announced SHA-256 and size and become visible atomically; memory
 * use does not depend on the artifact size.
 */
package io.edgeloop.registry.storage;
