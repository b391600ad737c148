package io.edgeloop.monitoring.domain;

import io.edgeloop.proto.telemetry.v1.TelemetryWindow;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Monitoring's Prometheus series, per model (never per device: a fleet of thousands would explode the series):
 *
 * <ul>
 *   <li>{@code edgeloop_drift_score{model}} and {@code edgeloop_drift_threshold{model}}: the newest evaluation of the
 *       deployed version (absent until one was computed);
 *   <li>{@code edgeloop_agent_inferences_total{model, source}}: inferences the devices reported (source {@code live},
 *       {@code simulator} or {@code synthetic});
 *   <li>{@code edgeloop_agent_inference_errors_total{model, kind}}: kind {@code model} (the model or runtime failed)
 *       or {@code client} (the caller's input did not fit);
 *   <li>{@code edgeloop_agent_inference_latency_p50_seconds{model}} and {@code ..._p99_seconds{model}}: the newest
 *       window's latency quantiles as a device measured them.
 * </ul>
 */
@ApplicationScoped
public class MonitoringMetrics {
    @Inject
    MeterRegistry registry;

    private final Map<String, AtomicReference<Double>> gauges = new ConcurrentHashMap<>();

    /** Counts the inferences, errors and latencies of newly stored telemetry windows. */
    public void windows(Collection<TelemetryWindow> windows) {
        for (TelemetryWindow w : windows) {
            String model = w.getModelName();
            String source = w.getSource().isBlank() ? "live" : w.getSource();
            Counter.builder("edgeloop.agent.inferences")
                    .description("Inferences the devices reported, by model and traffic source")
                    .tag("model", model)
                    .tag("source", source)
                    .register(registry)
                    .increment(w.getInferenceCount());
            errors(model, "model", w.getErrorCount());
            errors(model, "client", w.getClientErrorCount());
            if (w.getInferenceCount() > 0) {
                gauge("edgeloop.agent.inference.latency.p50", model, "seconds", "Newest window's median latency")
                        .set(w.getLatencyP50Us() / 1e6);
                gauge("edgeloop.agent.inference.latency.p99", model, "seconds", "Newest window's 99th percentile")
                        .set(w.getLatencyP99Us() / 1e6);
            }
        }
    }

    /** Records the newest drift evaluation of {@code model}; a report that computed nothing leaves the last one. */
    public void drift(String model, DriftReport report) {
        if (report.driftScore() < 0) {
            return;
        }
        gauge("edgeloop.drift.score", model, null, "Newest drift score of the deployed version")
                .set(report.driftScore());
        gauge("edgeloop.drift.threshold", model, null, "Score above which drift is detected")
                .set(report.threshold());
    }

    private void errors(String model, String kind, long n) {
        Counter.builder("edgeloop.agent.inference.errors")
                .description("Failed inferences the devices reported: model (model or runtime) or client (bad input)")
                .tag("model", model)
                .tag("kind", kind)
                .register(registry)
                .increment(n);
    }

    private AtomicReference<Double> gauge(String name, String model, String unit, String description) {
        return gauges.computeIfAbsent(name + "|" + model, k -> {
            AtomicReference<Double> value = new AtomicReference<>(0.0);
            Gauge.builder(name, value, AtomicReference::get)
                    .description(description)
                    .baseUnit(unit)
                    .tag("model", model)
                    .register(registry);
            return value;
        });
    }
}
