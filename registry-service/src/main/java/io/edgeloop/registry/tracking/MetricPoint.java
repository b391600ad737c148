package io.edgeloop.registry.tracking;

/**
 * One logged value of a metric.
 *
 * @param key metric name
 * @param value the value (may be NaN or infinite, as MLflow allows)
 * @param timestamp epoch milliseconds
 * @param step training step (0 when not given)
 */
public record MetricPoint(String key, double value, long timestamp, long step) {}
