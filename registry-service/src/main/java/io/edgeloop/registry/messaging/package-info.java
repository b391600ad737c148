/** Kafka consumers of the registry: {@code deployed} events, recorded in the models' history. */
package io.edgeloop.registry.messaging;
