/**
 * The model registry service: content-addressed, Ed25519-signed artifacts with gRPC streaming transfer, and model
 * versions, variants, aliases, tags and an append-only history in PostgreSQL, served over gRPC, REST and an
 * MLflow-compatible REST subset.
 */
package io.edgeloop.registry;
