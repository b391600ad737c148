package io.edgeloop.monitoring.domain;

import io.edgeloop.monitoring.persistence.TelemetryWindowEntity;
import io.edgeloop.proto.telemetry.v1.FeatureStats;
import io.edgeloop.proto.telemetry.v1.ListWindowsRequest;
import io.edgeloop.proto.telemetry.v1.TelemetryWindow;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks a {@link TelemetryWindow} before it is stored, and a {@link ListWindowsRequest}; every problem is reported,
 * not just the first.
 */
public final class TelemetryValidation {
    /** Longest accepted id (window, device, model, variant). */
    public static final int MAX_ID_LENGTH = 255;

    /** Largest {@code limit} of a ListWindows request. */
    public static final int MAX_LIST_LIMIT = 500;

    /** Windows a ListWindows request with {@code limit = 0} gets. */
    public static final int DEFAULT_LIST_LIMIT = 50;

    /** Accepted {@code source} values; empty means live. */
    private static final Set<String> SOURCES =
            Set.of("", TelemetryWindowEntity.LIVE, TelemetryWindowEntity.SIMULATOR, TelemetryWindowEntity.SYNTHETIC);

    private TelemetryValidation() {}

    /** The window's traffic source: {@code live} when it names none. */
    public static String source(TelemetryWindow w) {
        return w.getSource().isEmpty() ? TelemetryWindowEntity.LIVE : w.getSource();
    }

    /** Problems of a ListWindows request (each names its field), empty when it is valid. */
    public static List<String> problems(ListWindowsRequest r) {
        List<String> p = new ArrayList<>();
        requireId(p, "device_id", r.getDeviceId(), true);
        requireId(p, "model_name", r.getModelName(), false);
        if (r.getModelVersion() < 0) {
            p.add("model_version must be >= 0 (0 = every version), was " + r.getModelVersion());
        } else if (r.getModelVersion() > 0 && r.getModelName().isBlank()) {
            p.add("model_version needs model_name");
        }
        if (r.getLimit() < 0 || r.getLimit() > MAX_LIST_LIMIT) {
            p.add("limit must be between 0 and " + MAX_LIST_LIMIT + " (0 = " + DEFAULT_LIST_LIMIT + "), was "
                    + r.getLimit());
        }
        if (r.hasSince() && (r.getSince().getNanos() < 0 || r.getSince().getNanos() > 999_999_999)) {
            p.add("since has nanos outside 0..999999999");
        }
        return p;
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "...";
    }

    /** Problems of {@code w}, empty when it is valid. */
    public static List<String> problems(TelemetryWindow w) {
        List<String> p = new ArrayList<>();
        requireId(p, "window_id", w.getWindowId(), true);
        requireId(p, "device_id", w.getDeviceId(), true);
        requireId(p, "model_name", w.getModelName(), true);
        requireId(p, "variant_id", w.getVariantId(), false);
        requireId(p, "deployment_id", w.getDeploymentId(), false);
        if (w.getModelVersion() < 1) {
            p.add("model_version must be >= 1, was " + w.getModelVersion());
        }
        if (w.getInferenceCount() < 0) {
            p.add("inference_count must be >= 0, was " + w.getInferenceCount());
        }
        if (w.getErrorCount() < 0) {
            p.add("error_count must be >= 0, was " + w.getErrorCount());
        }
        if (w.getClientErrorCount() < 0) {
            p.add("client_error_count must be >= 0, was " + w.getClientErrorCount());
        }
        if (!SOURCES.contains(w.getSource())) {
            p.add("source must be empty, \"live\", \"simulator\" or \"synthetic\", was \"" + abbreviate(w.getSource())
                    + "\"");
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
        // statistics over zero inferences (an error-only window) carry nothing: an agent's empty min/max are +-inf
        int statsChecked = w.getInferenceCount() > 0 ? w.getFeatureStatsCount() : 0;
        for (int i = 0; i < statsChecked; i++) {
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
