/** Kafka consumers of the data service: DriftDetected cuts a new snapshot. */
package io.edgeloop.data.messaging;
