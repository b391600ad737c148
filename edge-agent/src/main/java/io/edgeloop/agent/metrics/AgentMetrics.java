package io.edgeloop.agent.metrics;

import io.edgeloop.agent.config.AgentConfig;
import io.edgeloop.agent.domain.InferenceMetrics;
import io.edgeloop.agent.domain.ModelRuntime;
import io.edgeloop.agent.domain.TelemetryAccumulator;
import io.edgeloop.agent.domain.TelemetrySpool;
import io.edgeloop.agent.grpc.TelemetryReporter;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.Optional;

/**
 * The agent's metrics, on or off ({@code edgeloop.agent.metrics.enabled}). On, every count goes to a
 * {@link PrometheusAgentMetrics} (Micrometer's Prometheus registry); off, nothing is counted and no class of the
 * metrics library is loaded (the registry class is only named by {@link PrometheusAgentMetrics}).
 */
@Singleton
public class AgentMetrics implements InferenceMetrics {
    private final InferenceMetrics inference;
    private final PrometheusAgentMetrics prometheus;

    @Inject
    public AgentMetrics(
            AgentConfig config,
            ModelRuntime runtime,
            TelemetryAccumulator accumulator,
            TelemetrySpool spool,
            TelemetryReporter reporter) {
        if (config.metrics().enabled()) {
            prometheus = new PrometheusAgentMetrics(new PrometheusAgentMetrics.Sources(
                    () -> runtime.models().size(),
                    reporter::sentWindows,
                    reporter::refusedWindows,
                    spool::droppedWindows,
                    accumulator::droppedWindows));
            inference = prometheus;
        } else {
            prometheus = null;
            inference = InferenceMetrics.NONE;
        }
    }

    @Override
    public void inference(String model, String source, int samples, long latencyUs) {
        inference.inference(model, source, samples, latencyUs);
    }

    @Override
    public void error(String model, ErrorKind kind) {
        inference.error(model, kind);
    }

    /**
     * Counts one state the agent reported for an assignment of {@code model} ({@code ACTIVE}, {@code REFUSED},
     * {@code FAILED}, {@code UNLOADED}; {@code DOWNLOADING} is not an outcome and is not counted).
     */
    public void modelUpdate(String model, String state) {
        if (prometheus != null && !"DOWNLOADING".equals(state)) {
            prometheus.modelUpdate(model, state);
        }
    }

    /** The Prometheus text exposition, empty when metrics are off. */
    public Optional<String> scrape() {
        return prometheus == null ? Optional.empty() : Optional.of(prometheus.scrape());
    }
}
