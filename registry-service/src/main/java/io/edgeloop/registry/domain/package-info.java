/**
 * The registry's rules: version numbering, idempotent registration, variants, aliases that move atomically, tags,
 * version deletion with blob garbage collection, the append-only history, and the read models
 * ({@link io.edgeloop.registry.domain.VersionView} and friends, which are also the REST representations).
 */
package io.edgeloop.registry.domain;
