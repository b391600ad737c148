/**
 * Data service domain: dataset schemas, validation (including robust outlier rejection), content-addressed samples
 * with deterministic splits, and immutable versioned snapshots announced by DataReady events.
 */
package io.edgeloop.data.domain;
