/**
 * The agent's own Prometheus metrics ({@code /q/metrics}, role {@code viewer}): Micrometer's Prometheus registry used
 * as a plain library (not the Quarkus extension: no HTTP, JVM or system binders on a device), created only when
 * {@code edgeloop.agent.metrics.enabled} is true.
 */
package io.edgeloop.agent.metrics;
