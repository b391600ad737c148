/**
 * The registry's rules: version numbering, idempotent registration, variants and their read models
 * ({@link io.edgeloop.registry.domain.VersionView} and friends, which are also the REST representations).
 */
package io.edgeloop.registry.domain;
