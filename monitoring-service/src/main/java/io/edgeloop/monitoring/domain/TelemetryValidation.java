package io.edgeloop.monitoring.domain;

import io.edgeloop.proto.telemetry.v1.FeatureStats;
import io.edgeloop.proto.telemetry.v1.TelemetryWindow;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Checks a {@link TelemetryWindow} before it is stored; every problem is reported, not just the first. */
public final class TelemetryValidation {
    /** Longest accepted id (window, device, model, variant). */
    public static final int MAX_ID_LENGTH = 255;

    private TelemetryValidation() {}

    /** Problems of {@code w}, empty when it is valid. */
    public static List<String> problems(TelemetryWindow w) {
        List<String> p = new ArrayList<>();
        requireId(p, "window_id", w.getWindowId(), true);
        requireId(p, "device_id", w.getDeviceId(), true);
        requireId(p, "model_name", w.getModelName(), true);
        requireId(p, "variant_id", w.getVariantId(), false);
        if (w.getModelVersion() < 1) {
            p.add("model_version must be >= 1, was " + w.getModelVersion());
        }
        if (w.getInferenceCount() < 0) {
            p.add("inference_count must be >= 0, was " + w.getInferenceCount());
        }
        if (w.getErrorCount() < 0) {
            p.add("error_count must be >= 0, was " + w.getErrorCount());
        }
        if (w.getFeatureCount() < 0) {
            p.add("feature_count must be >= 0, was " + w.getFeatureCount());
        }
        if (w.getSampleCount() < 0) {
            p.add("sample_count must be >= 0, was " + w.getSampleCount());
        }
        if (w.getSampleCount() > 0 && w.getFeatureCount() < 1) {
            p.add("feature_count must be >= 1 when sample_count > 0");
        }
        long expected = (long) Math.max(0, w.getSampleCount()) * Math.max(0, w.getFeatureCount());
        if (w.getInputSampleCount() != expected) {
            p.add("input_sample has " + w.getInputSampleCount() + " values, expected sample_count x feature_count = "
                    + w.getSampleCount() + " x " + w.getFeatureCount() + " = " + expected);
        }
        for (int i = 0; i < w.getInputSampleCount(); i++) {
            if (!Float.isFinite(w.getInputSample(i))) {
                p.add("input_sample[" + i + "] is not a finite number");
                break;
            }
        }
        if (w.getFeatureStatsCount() != 0 && w.getFeatureStatsCount() != w.getFeatureCount()) {
            p.add("feature_stats has " + w.getFeatureStatsCount() + " entries, expected 0 or feature_count = "
                    + w.getFeatureCount());
        }
        for (int i = 0; i < w.getFeatureStatsCount(); i++) {
            FeatureStats s = w.getFeatureStats(i);
            if (!Double.isFinite(s.getMean())
                    || !Double.isFinite(s.getStd())
                    || !Double.isFinite(s.getMin())
                    || !Double.isFinite(s.getMax())) {
                p.add("feature_stats[" + i + "] has a non-finite value");
            }
        }
        if (!(Double.isFinite(w.getLatencyP50Us()) && w.getLatencyP50Us() >= 0)) {
            p.add("latency_p50_us must be a finite number >= 0");
        }
        if (!(Double.isFinite(w.getLatencyP99Us()) && w.getLatencyP99Us() >= 0)) {
            p.add("latency_p99_us must be a finite number >= 0");
        }
        for (Map.Entry<String, Long> e : w.getPredictedClassCountsMap().entrySet()) {
            if (e.getKey().isBlank() || e.getKey().length() > MAX_ID_LENGTH) {
                p.add("predicted_class_counts has a blank or too long label");
            }
            if (e.getValue() < 0) {
                p.add("predicted_class_counts[" + e.getKey() + "] must be >= 0, was " + e.getValue());
            }
        }
        if (w.hasWindowStart() && w.hasWindowEnd()) {
            var start = w.getWindowStart();
            var end = w.getWindowEnd();
            if (end.getSeconds() < start.getSeconds()
                    || (end.getSeconds() == start.getSeconds() && end.getNanos() < start.getNanos())) {
                p.add("window_end is before window_start");
            }
        }
        return p;
    }

    private static void requireId(List<String> p, String field, String value, boolean required) {
        if (required && value.isBlank()) {
            p.add(field + " is required");
        } else if (value.length() > MAX_ID_LENGTH) {
            p.add(field + " is longer than " + MAX_ID_LENGTH + " characters");
        }
    }
}
