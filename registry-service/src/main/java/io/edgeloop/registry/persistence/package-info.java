/** JPA entities of the registry: models, their numbered versions (with lineage) and the variants built from them. */
package io.edgeloop.registry.persistence;
