package io.edgeloop.monitoring.domain;

import com.google.protobuf.Timestamp;
import io.edgeloop.common.sketch.FeatureSketches;
import io.edgeloop.monitoring.persistence.TelemetryWindowEntity;
import io.edgeloop.proto.telemetry.v1.FeatureStats;
import io.edgeloop.proto.telemetry.v1.InferenceRecord;
import io.edgeloop.proto.telemetry.v1.ListWindowsRequest;
import io.edgeloop.proto.telemetry.v1.TelemetryWindow;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks a {@link TelemetryWindow} before it is stored, and a {@link ListWindowsRequest}; every problem is reported,
 * not just the first, naming its field. The bounds on a window's sizes, counts and times are the {@code MAX_*}
 * constants here, the one place that defines them.
 */
public final class TelemetryValidation {
    /** Longest accepted id (window, device, model, variant). */
    public static final int MAX_ID_LENGTH = 255;

    /** Largest {@code limit} of a ListWindows request. */
    public static final int MAX_LIST_LIMIT = 500;

    /** Most windows in one ReportBatch call. */
    public static final int MAX_BATCH = 100;

    /** Windows a ListWindows request with {@code limit = 0} gets. */
    public static final int DEFAULT_LIST_LIMIT = 50;

    /**
     * Most features a window may describe ({@code feature_count}, and {@code feature_stats} entries). Models on the
     * edge take far fewer inputs; beyond this a window is a mistake or an attack, not telemetry.
     */
    public static final int MAX_FEATURE_COUNT = 4096;

    /**
     * Most input rows in a window's reservoir sample ({@code sample_count}); an agent samples {@code
     * edgeloop.agent.telemetry.reservoir-size} (64 by default) per window.
     */
    public static final int MAX_SAMPLE_COUNT = 1024;

    /**
     * Most {@code input_sample} values in one window (1 MiB of floats): fewer than {@link #MAX_SAMPLE_COUNT} x
     * {@link #MAX_FEATURE_COUNT}, so a wide model's window holds fewer rows.
     */
    public static final int MAX_INPUT_SAMPLE_VALUES = 262_144;

    /** Most {@code inferences} records in one window (an agent itemizes at most 1000 by default). */
    public static final int MAX_INFERENCE_RECORDS = 10_000;

    /** Most distinct labels in {@code predicted_class_counts}. */
    public static final int MAX_PREDICTED_CLASSES = 1024;

    /**
     * Largest inference, error, client error or per-class count of one window (10^9: a billion inferences in one
     * window is beyond any edge device).
     */
    public static final long MAX_COUNT = 1_000_000_000L;

    /** How far in the future (by the server's clock) {@code window_start} / {@code window_end} may be: clock skew. */
    public static final Duration MAX_FUTURE_SKEW = Duration.ofMinutes(5);

    /** How old {@code window_start} / {@code window_end} may be: an agent's spool is not kept for longer. */
    public static final Duration MAX_AGE = Duration.ofDays(30);

    /** Longest window ({@code window_end - window_start}); agents close a window every few seconds. */
    public static final Duration MAX_WINDOW_LENGTH = Duration.ofDays(1);

    /** Seconds of 0001-01-01T00:00:00Z, the earliest valid protobuf Timestamp. */
    private static final long MIN_SECONDS = -62_135_596_800L;

    /** Seconds of 9999-12-31T23:59:59Z, the latest valid protobuf Timestamp. */
    private static final long MAX_SECONDS = 253_402_300_799L;

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
        if (r.hasSince()
                && (r.getSince().getSeconds() < MIN_SECONDS || r.getSince().getSeconds() > MAX_SECONDS)) {
            p.add("since must be between 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z");
        }
        return p;
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "...";
    }

    /**
     * Problems of {@code w} as received at {@code now}, empty when it is valid. Besides the ids, counts and finiteness,
     * every size and time is bounded (see the {@code MAX_*} constants): a window beyond a bound is refused, never
     * clipped.
     */
    public static List<String> problems(TelemetryWindow w, Instant now) {
        List<String> p = new ArrayList<>();
        requireId(p, "window_id", w.getWindowId(), true);
        requireId(p, "device_id", w.getDeviceId(), true);
        requireId(p, "model_name", w.getModelName(), true);
        requireId(p, "variant_id", w.getVariantId(), false);
        requireId(p, "deployment_id", w.getDeploymentId(), false);
        if (w.getModelVersion() < 1) {
            p.add("model_version must be >= 1, was " + w.getModelVersion());
        }
        requireCount(p, "inference_count", w.getInferenceCount());
        requireCount(p, "error_count", w.getErrorCount());
        requireCount(p, "client_error_count", w.getClientErrorCount());
        if (!SOURCES.contains(w.getSource())) {
            p.add("source must be empty, \"live\", \"simulator\" or \"synthetic\", was \"" + abbreviate(w.getSource())
                    + "\"");
        }
        sampleProblems(p, w);
        sketchProblems(p, w);
        statsProblems(p, w);
        if (!(Double.isFinite(w.getLatencyP50Us()) && w.getLatencyP50Us() >= 0)) {
            p.add("latency_p50_us must be a finite number >= 0");
        }
        if (!(Double.isFinite(w.getLatencyP99Us()) && w.getLatencyP99Us() >= 0)) {
            p.add("latency_p99_us must be a finite number >= 0");
        }
        classProblems(p, w);
        timeProblems(p, w, now);
        inferenceProblems(p, w, now);
        labelProblems(p, w);
        return p;
    }

    /**
     * inferences: at most {@link #MAX_INFERENCE_RECORDS} and no more than inference_count, each with an id, a class
     * index >= 0, a confidence in [0, 1] and a valid time within the window bounds; the first bad record is named.
     */
    private static void inferenceProblems(List<String> p, TelemetryWindow w, Instant now) {
        int n = w.getInferencesCount();
        if (n > MAX_INFERENCE_RECORDS || n > Math.max(0, w.getInferenceCount())) {
            p.add("inferences has " + n + " records, at most inference_count (" + w.getInferenceCount() + ") and "
                    + MAX_INFERENCE_RECORDS + " are accepted");
            return;
        }
        for (int i = 0; i < n; i++) {
            InferenceRecord r = w.getInferences(i);
            List<String> q = new ArrayList<>();
            requireId(q, "inferences[" + i + "].inference_id", r.getInferenceId(), true);
            if (r.getPredictedClass() < 0 || r.getPredictedClass() >= MAX_PREDICTED_CLASSES) {
                q.add("inferences[" + i + "].predicted_class must be between 0 and " + (MAX_PREDICTED_CLASSES - 1)
                        + ", was " + r.getPredictedClass());
            }
            if (!(r.getConfidence() >= 0f && r.getConfidence() <= 1f)) {
                q.add("inferences[" + i + "].confidence must be between 0 and 1, was " + r.getConfidence());
            }
            if (r.getInputCount() > io.edgeloop.common.events.EventContracts.MAX_SAMPLE_VALUES) {
                q.add("inferences[" + i + "].input has " + r.getInputCount() + " values, at most "
                        + io.edgeloop.common.events.EventContracts.MAX_SAMPLE_VALUES);
            } else if (!allFinite(r)) {
                q.add("inferences[" + i + "].input holds a value that is not a finite number");
            }
            if (!r.hasInferredAt()) {
                q.add("inferences[" + i + "].inferred_at is required");
            } else {
                instant(q, "inferences[" + i + "].inferred_at", r.getInferredAt(), now);
            }
            if (!q.isEmpty()) {
                p.addAll(q);
                return;
            }
        }
    }

    /** Most labels a device reports. */
    public static final int MAX_DEVICE_LABELS = 32;

    private static final java.util.regex.Pattern LABEL_KEY =
            java.util.regex.Pattern.compile("[A-Za-z0-9][A-Za-z0-9._/-]{0,62}");

    /** device_labels: at most {@link #MAX_DEVICE_LABELS}, keys as the fleet's label keys, values 1-255 chars. */
    private static void labelProblems(List<String> p, TelemetryWindow w) {
        if (w.getDeviceLabelsCount() > MAX_DEVICE_LABELS) {
            p.add("device_labels has " + w.getDeviceLabelsCount() + " labels, at most " + MAX_DEVICE_LABELS);
            return;
        }
        for (Map.Entry<String, String> l : new java.util.TreeMap<>(w.getDeviceLabelsMap()).entrySet()) {
            if (!LABEL_KEY.matcher(l.getKey()).matches()) {
                p.add("device_labels key '" + clip(l.getKey()) + "' must be 1-63 of [A-Za-z0-9._/-], starting with a"
                        + " letter or digit");
                return;
            }
            if (l.getValue().isEmpty() || l.getValue().length() > 255) {
                p.add("device_labels." + l.getKey() + " must be 1 to 255 characters");
                return;
            }
        }
    }

    private static String clip(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "...";
    }

    private static boolean allFinite(InferenceRecord r) {
        for (int i = 0; i < r.getInputCount(); i++) {
            if (!Float.isFinite(r.getInput(i))) {
                return false;
            }
        }
        return true;
    }

    private static void requireCount(List<String> p, String field, long value) {
        if (value < 0 || value > MAX_COUNT) {
            p.add(field + " must be between 0 and " + MAX_COUNT + ", was " + value);
        }
    }

    /** feature_count, sample_count and input_sample: bounded, and the sample is sample_count x feature_count. */
    private static void sampleProblems(List<String> p, TelemetryWindow w) {
        if (w.getFeatureCount() < 0 || w.getFeatureCount() > MAX_FEATURE_COUNT) {
            p.add("feature_count must be between 0 and " + MAX_FEATURE_COUNT + ", was " + w.getFeatureCount());
        }
        if (w.getSampleCount() < 0 || w.getSampleCount() > MAX_SAMPLE_COUNT) {
            p.add("sample_count must be between 0 and " + MAX_SAMPLE_COUNT + ", was " + w.getSampleCount());
        }
        if (w.getSampleCount() > 0 && w.getFeatureCount() < 1) {
            p.add("feature_count must be >= 1 when sample_count > 0");
        }
        if (w.getInputSampleCount() > MAX_INPUT_SAMPLE_VALUES) {
            p.add("input_sample has " + w.getInputSampleCount() + " values, at most " + MAX_INPUT_SAMPLE_VALUES
                    + " are accepted");
            return;
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
    }

    /**
     * feature_sketches: none or one per feature, each a KLL float sketch ({@link FeatureSketches#read}) of at most
     * inference_count values; the first bad one is named.
     */
    private static void sketchProblems(List<String> p, TelemetryWindow w) {
        int n = w.getFeatureSketchesCount();
        if (n == 0) {
            return;
        }
        if (n != w.getFeatureCount()) {
            p.add("feature_sketches has " + n + " sketches, expected one per feature (feature_count "
                    + w.getFeatureCount() + ")");
            return;
        }
        for (int i = 0; i < n; i++) {
            try {
                long values = FeatureSketches.read(
                                w.getFeatureSketches(i).getKll().toByteArray())
                        .getN();
                if (values > w.getInferenceCount()) {
                    p.add("feature_sketches[" + i + "] summarizes " + values + " values, more than inference_count "
                            + w.getInferenceCount());
                    return;
                }
            } catch (FeatureSketches.InvalidSketchException e) {
                p.add("feature_sketches[" + i + "].kll " + e.getMessage());
                return;
            }
        }
    }

    /** feature_stats: none or one per feature, finite where the window saw inferences. */
    private static void statsProblems(List<String> p, TelemetryWindow w) {
        if (w.getFeatureStatsCount() > MAX_FEATURE_COUNT) {
            p.add("feature_stats has " + w.getFeatureStatsCount() + " entries, at most " + MAX_FEATURE_COUNT
                    + " are accepted");
            return;
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
    }

    /** predicted_class_counts: a bounded number of labels, each named and counted within bounds. */
    private static void classProblems(List<String> p, TelemetryWindow w) {
        if (w.getPredictedClassCountsCount() > MAX_PREDICTED_CLASSES) {
            p.add("predicted_class_counts has " + w.getPredictedClassCountsCount() + " entries, at most "
                    + MAX_PREDICTED_CLASSES + " are accepted");
            return;
        }
        for (Map.Entry<String, Long> e : w.getPredictedClassCountsMap().entrySet()) {
            if (e.getKey().isBlank() || e.getKey().length() > MAX_ID_LENGTH || hasControlCharacter(e.getKey())) {
                p.add("predicted_class_counts has a blank or too long label, or one with a control character");
            } else if (e.getValue() < 0 || e.getValue() > MAX_COUNT) {
                p.add("predicted_class_counts[" + abbreviate(e.getKey()) + "] must be between 0 and " + MAX_COUNT
                        + ", was " + e.getValue());
            }
        }
    }

    /**
     * window_start and window_end (each optional): valid instants, neither more than {@link #MAX_FUTURE_SKEW} after
     * {@code now} nor more than {@link #MAX_AGE} before it, the end not before the start, and the window at most
     * {@link #MAX_WINDOW_LENGTH} long.
     */
    private static void timeProblems(List<String> p, TelemetryWindow w, Instant now) {
        Instant start = w.hasWindowStart() ? instant(p, "window_start", w.getWindowStart(), now) : null;
        Instant end = w.hasWindowEnd() ? instant(p, "window_end", w.getWindowEnd(), now) : null;
        if (start == null || end == null) {
            return;
        }
        if (end.isBefore(start)) {
            p.add("window_end is before window_start");
        } else if (Duration.between(start, end).compareTo(MAX_WINDOW_LENGTH) > 0) {
            p.add("window_end - window_start must be at most " + MAX_WINDOW_LENGTH.toSeconds() + " s, was "
                    + Duration.between(start, end).toSeconds() + " s");
        }
    }

    /** {@code ts} as an instant, or null (with the problem added) when it is invalid or out of bounds. */
    private static Instant instant(List<String> p, String field, Timestamp ts, Instant now) {
        if (ts.getNanos() < 0 || ts.getNanos() > 999_999_999) {
            p.add(field + " has nanos outside 0..999999999");
            return null;
        }
        if (ts.getSeconds() < MIN_SECONDS || ts.getSeconds() > MAX_SECONDS) {
            p.add(field + " is not a valid timestamp (0001-01-01T00:00:00Z to 9999-12-31T23:59:59Z)");
            return null;
        }
        Instant latest = now.plus(MAX_FUTURE_SKEW);
        Instant earliest = now.minus(MAX_AGE);
        Instant t = Instant.ofEpochSecond(ts.getSeconds(), ts.getNanos());
        if (t.isAfter(latest)) {
            p.add(field + " is more than " + MAX_FUTURE_SKEW.toMinutes() + " minutes in the future (after " + latest
                    + ")");
            return null;
        }
        if (t.isBefore(earliest)) {
            p.add(field + " is more than " + MAX_AGE.toDays() + " days old (before " + earliest + ")");
            return null;
        }
        return t;
    }

    private static void requireId(List<String> p, String field, String value, boolean required) {
        if (required && value.isBlank()) {
            p.add(field + " is required");
        } else if (value.length() > MAX_ID_LENGTH) {
            p.add(field + " is longer than " + MAX_ID_LENGTH + " characters");
        } else if (hasControlCharacter(value)) {
            p.add(field + " contains a control character");
        }
    }

    private static boolean hasControlCharacter(String s) {
        return s.chars().anyMatch(Character::isISOControl);
    }
}
