/**
 * PostgreSQL storage of the data service: datasets, content-addressed samples (features as {@code real[]}),
 * immutable snapshots and their members ({@code snapshot_sample}). Tables are managed by Hibernate.
 */
package io.edgeloop.data.persistence;
