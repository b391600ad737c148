/**
 * JPA entities of the registry: models, their numbered versions (with lineage and tags), the variants built from
 * them, aliases, the append-only history, signing keys and artifact signatures.
 */
package io.edgeloop.registry.persistence;
