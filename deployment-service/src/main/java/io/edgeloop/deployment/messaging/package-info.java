/** Kafka consumers: ModelOptimized starts a rollout. */
package io.edgeloop.deployment.messaging;
