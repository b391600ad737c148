/**
 * REST API of the registry: models (list/search), versions with lineage, metrics, variants, aliases and tags, alias
 * moves, version deletion, the append-only history, artifact downloads with their signature, and the signing keys.
 * Every error is {@code application/problem+json}.
 */
package io.edgeloop.registry.api;
