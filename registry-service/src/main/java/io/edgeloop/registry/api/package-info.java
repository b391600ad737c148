/**
 * REST API of the registry (read-only): models, versions with lineage, metrics and variants, and artifact downloads.
 * Every error is {@code application/problem+json}.
 */
package io.edgeloop.registry.api;
