/**
 * The model registry service: content-addressed artifacts on the filesystem with gRPC streaming transfer, and model
 * versions and variants with lineage in PostgreSQL, served over gRPC (writes) and REST (reads).
 */
package io.edgeloop.registry;
