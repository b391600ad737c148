package io.edgeloop.agent.metrics;

import io.edgeloop.agent.domain.InferenceMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheus.PrometheusConfig;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;

/**
 * The agent's series in a Micrometer Prometheus registry (series names as scraped):
 *
 * <ul>
 *   <li>{@code edgeloop_device_inferences_total{model, source}}: samples inferred (a batch of n counts n), source
 *       {@code live}, {@code simulator} or {@code synthetic};
 *   <li>{@code edgeloop_device_inference_errors_total{model, kind}}: failed calls, kind {@code input} (the caller's
 *       input did not fit the model) or {@code runtime} (ONNX Runtime failed);
 *   <li>{@code edgeloop_device_inference_duration_seconds{model}}: histogram of the calls' time in ONNX Runtime
 *       (buckets 100 us to 1 s; {@code _count}, {@code _sum}, {@code _max});
 *   <li>{@code edgeloop_device_models_loaded}: models served now;
 *   <li>{@code edgeloop_device_model_updates_total{model, outcome}}: assignments applied, by the state reported:
 *       {@code active}, {@code refused} (before download: limits or memory budget), {@code failed}, {@code unloaded};
 *   <li>{@code edgeloop_device_telemetry_windows_total{outcome}}: {@code shipped} (acknowledged by monitoring),
 *       {@code refused} (refused for good by monitoring, dropped), {@code spool_full} and {@code queue_full}
 *       (dropped, oldest first, when the on-disk spool or the in-memory queue was full).
 * </ul>
 *
 * Prefixed {@code edgeloop_device_} so that they never add up with monitoring-service's fleet-wide
 * {@code edgeloop_agent_*} series, which count the same inferences from the devices' telemetry.
 */
final class PrometheusAgentMetrics implements InferenceMetrics {
    private static final Duration[] BUCKETS = {
        Duration.ofNanos(100_000),
        Duration.ofNanos(250_000),
        Duration.ofNanos(500_000),
        Duration.ofMillis(1),
        Duration.ofNanos(2_500_000),
        Duration.ofMillis(5),
        Duration.ofMillis(10),
        Duration.ofMillis(25),
        Duration.ofMillis(50),
        Duration.ofMillis(100),
        Duration.ofMillis(250),
        Duration.ofSeconds(1)
    };

    /**
     * Counts kept elsewhere in the agent, read at each scrape.
     *
     * @param modelsLoaded models served now
     * @param windowsShipped telemetry windows monitoring acknowledged
     * @param windowsRefused telemetry windows monitoring refused for good (dropped)
     * @param spoolDropped windows dropped because the on-disk spool was full
     * @param queueDropped windows dropped because the in-memory queue was full
     */
    record Sources(
            IntSupplier modelsLoaded,
            LongSupplier windowsShipped,
            LongSupplier windowsRefused,
            LongSupplier spoolDropped,
            LongSupplier queueDropped) {}

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final ConcurrentHashMap<String, Counter> inferences = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Counter> errors = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Timer> durations = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Counter> updates = new ConcurrentHashMap<>();

    PrometheusAgentMetrics(Sources sources) {
        Gauge.builder("edgeloop.device.models.loaded", sources.modelsLoaded()::getAsInt)
                .description("Models the agent serves now")
                .register(registry);
        windows("shipped", sources.windowsShipped());
        windows("refused", sources.windowsRefused());
        windows("spool_full", sources.spoolDropped());
        windows("queue_full", sources.queueDropped());
    }

    private void windows(String outcome, LongSupplier count) {
        FunctionCounter.builder("edgeloop.device.telemetry.windows", count, c -> c.getAsLong())
                .description("Telemetry windows: shipped (acknowledged) or dropped, by why")
                .tag("outcome", outcome)
                .register(registry);
    }

    @Override
    public void inference(String model, String source, int samples, long latencyUs) {
        inferences
                .computeIfAbsent(
                        model + '\n' + source,
                        k -> Counter.builder("edgeloop.device.inferences")
                                .description("Samples inferred, by model and traffic source")
                                .tag("model", model)
                                .tag("source", source)
                                .register(registry))
                .increment(samples);
        durations
                .computeIfAbsent(
                        model,
                        k -> Timer.builder("edgeloop.device.inference.duration")
                                .description("Time of an inference call in ONNX Runtime, by model")
                                .tag("model", model)
                                .serviceLevelObjectives(BUCKETS)
                                .register(registry))
                .record(latencyUs, TimeUnit.MICROSECONDS);
    }

    @Override
    public void error(String model, ErrorKind kind) {
        String k = kind.name().toLowerCase(Locale.ROOT);
        errors.computeIfAbsent(
                        model + '\n' + k,
                        key -> Counter.builder("edgeloop.device.inference.errors")
                                .description("Failed inference calls: input (the caller's) or runtime (ONNX Runtime)")
                                .tag("model", model)
                                .tag("kind", k)
                                .register(registry))
                .increment();
    }

    void modelUpdate(String model, String state) {
        String outcome = state.toLowerCase(Locale.ROOT);
        updates.computeIfAbsent(
                        model + '\n' + outcome,
                        k -> Counter.builder("edgeloop.device.model.updates")
                                .description("Assignments applied, by the state the agent reported")
                                .tag("model", model)
                                .tag("outcome", outcome)
                                .register(registry))
                .increment();
    }

    String scrape() {
        return registry.scrape();
    }
}
