/** Kafka consumers: DataReady triggers a training run. Events are produced only through the outbox. */
package io.edgeloop.training.messaging;
