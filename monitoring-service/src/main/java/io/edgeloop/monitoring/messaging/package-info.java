/**
 * Kafka consumers: DataReady (build the snapshot's reference profile) and Deployed (switch a model's deployed
 * version and reference). Both dedupe through the inbox; poison records go to the dead-letter topic.
 */
package io.edgeloop.monitoring.messaging;
