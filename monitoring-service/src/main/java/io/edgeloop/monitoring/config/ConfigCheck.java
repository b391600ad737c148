package io.edgeloop.monitoring.config;

import io.edgeloop.monitoring.domain.DriftPolicy;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;

/** Refuses to start with settings that make drift detection meaningless or telemetry unwritable. */
@ApplicationScoped
public class ConfigCheck {
    @Inject
    MonitoringConfig config;

    void onStart(@Observes StartupEvent event) {
        List<String> problems = problems(config);
        if (!problems.isEmpty()) {
            throw new IllegalStateException("invalid edgeloop.monitoring settings: " + String.join("; ", problems));
        }
    }

    /** Every invalid setting of {@code c}, empty when all are valid. */
    public static List<String> problems(MonitoringConfig c) {
        List<String> p = new ArrayList<>();
        if (!(c.threshold() > 0 && c.threshold() <= 1)) {
            p.add("threshold must be in (0, 1], was " + c.threshold());
        }
        if (!(c.alpha() > 0 && c.alpha() < 1)) {
            p.add("alpha must be in (0, 1), was " + c.alpha());
        }
        if (c.minSamples() < 1) {
            p.add("min-samples must be >= 1, was " + c.minSamples());
        }
        int baseline = c.drift().liveBaselineRows();
        if (c.bufferSize() < c.minSamples()) {
            p.add("buffer-size must be >= min-samples (" + c.minSamples() + "), was " + c.bufferSize());
        } else if (baseline < c.minSamples() || baseline > c.bufferSize()) {
            p.add("drift.live-baseline-rows must be in [min-samples, buffer-size] = [" + c.minSamples() + ", "
                    + c.bufferSize() + "], was " + baseline);
        }
        if (c.referenceSampleSize() < 10) {
            p.add("reference-sample-size must be >= 10, was " + c.referenceSampleSize());
        }
        if (c.datasetTimeout().isNegative() || c.datasetTimeout().isZero()) {
            p.add("dataset-timeout must be positive, was " + c.datasetTimeout());
        }
        if (c.datasetRetries() < 0) {
            p.add("dataset-retries must be >= 0, was " + c.datasetRetries());
        }
        driftProblems(c.drift(), p);
        performanceProblems(c.performance(), p);
        historyProblems(c.driftHistory(), p);
        MonitoringConfig.Telemetry t = c.telemetry();
        if (t.batchSize() < 1 || t.batchSize() > 1000) {
            p.add("telemetry.batch-size must be 1 to 1000, was " + t.batchSize());
        }
        if (t.committers() < 1 || t.committers() > 16) {
            p.add("telemetry.committers must be 1 to 16, was " + t.committers());
        }
        if (t.timeout().isNegative() || t.timeout().isZero()) {
            p.add("telemetry.timeout must be positive, was " + t.timeout());
        }
        return p;
    }

    private static void historyProblems(MonitoringConfig.DriftHistory h, List<String> p) {
        if (h.minInterval().isNegative()) {
            p.add("drift-history.min-interval must be >= 0, was " + h.minInterval());
        }
        if (h.retention().isNegative() || h.retention().isZero()) {
            p.add("drift-history.retention must be positive, was " + h.retention());
        }
        if (h.maxRows() < 1) {
            p.add("drift-history.max-rows must be >= 1, was " + h.maxRows());
        }
        if (h.trimInterval().isNegative()) {
            p.add("drift-history.trim-interval must be >= 0 (0: no periodic trim), was " + h.trimInterval());
        }
    }

    private static void performanceProblems(MonitoringConfig.Performance f, List<String> p) {
        if (f.minLabelled() < 1) {
            p.add("performance.min-labelled must be >= 1, was " + f.minLabelled());
        }
        if (!(f.margin() >= 0 && f.margin() < 1)) {
            p.add("performance.margin must be in [0, 1), was " + f.margin());
        }
        if (!(f.alpha() > 0 && f.alpha() < 1)) {
            p.add("performance.alpha must be in (0, 1), was " + f.alpha());
        }
        if (f.retention().isNegative() || f.retention().isZero()) {
            p.add("performance.retention must be positive, was " + f.retention());
        }
        if (f.trimInterval().isNegative()) {
            p.add("performance.trim-interval must be >= 0 (0: no periodic trim), was " + f.trimInterval());
        }
        if (f.confidenceWindow() < 2 || f.confidenceWindow() > 100_000) {
            p.add("performance.confidence-window must be 2 to 100000, was " + f.confidenceWindow());
        }
        if (f.registryTimeout().isNegative() || f.registryTimeout().isZero()) {
            p.add("performance.registry-timeout must be positive, was " + f.registryTimeout());
        }
    }

    private static void driftProblems(MonitoringConfig.Drift d, List<String> p) {
        try {
            DriftPolicy.Method.of(d.method());
        } catch (IllegalArgumentException e) {
            p.add(e.getMessage());
        }
        if (d.ksMaxRows() < 1) {
            p.add("drift.ks-max-rows must be >= 1, was " + d.ksMaxRows());
        }
        if (!(d.featurePValue() > 0 && d.featurePValue() < 1)) {
            p.add("drift.feature-p-value must be in (0, 1), was " + d.featurePValue());
        }
        if (!(d.distanceThreshold() > 0)) {
            p.add("drift.distance-threshold must be > 0, was " + d.distanceThreshold());
        }
        if (!(d.share() > 0 && d.share() <= 1)) {
            p.add("drift.share must be in (0, 1], was " + d.share());
        }
    }
}
