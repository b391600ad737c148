package io.edgeloop.registry.tracking;

import java.util.List;
import java.util.Map;

/**
 * An MLflow run with its data.
 *
 * @param info attributes
 * @param metrics the current value of each metric (highest step, then timestamp, then value), sorted by key
 * @param params parameters, sorted by key
 * @param tags tags, sorted by key
 */
public record Run(RunInfo info, List<MetricPoint> metrics, Map<String, String> params, Map<String, String> tags) {
    /** The current value of metric {@code key}, or null. */
    public Double metric(String key) {
        return metrics.stream()
                .filter(m -> m.key().equals(key))
                .map(MetricPoint::value)
                .findFirst()
                .orElse(null);
    }
}
