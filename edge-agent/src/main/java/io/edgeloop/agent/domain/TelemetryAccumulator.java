package io.edgeloop.agent.domain;

import com.google.protobuf.ByteString;
import io.edgeloop.common.ProtoTime;
import io.edgeloop.common.sketch.FeatureSketches;
import io.edgeloop.proto.telemetry.v1.FeatureSketch;
import io.edgeloop.proto.telemetry.v1.FeatureStats;
import io.edgeloop.proto.telemetry.v1.InferenceRecord;
import io.edgeloop.proto.telemetry.v1.TelemetryWindow;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Inference statistics of the current windows, one per model and source ("live" or "simulator"): count, per-feature
 * mean/std/min/max (Welford; std is the population standard deviation), the inputs as {@link InputSummary} says (by
 * default one KLL quantile sketch per feature over every input; a uniform reservoir sample of raw rows, algorithm R,
 * only when asked for), predicted class counts,
 * latency percentiles (nearest rank over a latency reservoir), the model/runtime error count and, apart, the client
 * (input) error count, tagged with the deployment being served, and one {@link InferenceRecord} per classified
 * inference that came with an id (its id, predicted class index and confidence; at most {@code maxInferenceRecords}
 * per window, later ones are counted but not itemized). {@link #roll} closes every window that saw an
 * inference or an error into a bounded queue of windows waiting to be sent; a window closes early when its model's
 * deployment changes. Thread-safe.
 */
public final class TelemetryAccumulator {
    private static final Logger LOG = Logger.getLogger(TelemetryAccumulator.class);
    private static final int LATENCY_RESERVOIR = 4096;
    /** Inference records per window unless configured. */
    public static final int DEFAULT_MAX_INFERENCE_RECORDS = 1000;
    /** Most inference records per window (monitoring refuses windows with more). */
    public static final int MAX_INFERENCE_RECORDS = 10000;

    private final String deviceId;
    private final InputSummary inputs;
    private final int reservoirSize;
    private final int maxPending;
    private final int maxInferenceRecords;
    private final InputCapture capture;
    private volatile Map<String, String> deviceLabels = Map.of();
    private final Random random;
    private final Clock clock;
    private final Deque<TelemetryWindow> pending = new ArrayDeque<>();
    private final Map<String, Window> windows = new java.util.LinkedHashMap<>();
    private long dropped;

    /**
     * @param reservoirSize inputs sampled per window
     * @param maxPending closed windows kept while they cannot be sent; the oldest are dropped beyond
     */
    public TelemetryAccumulator(String deviceId, int reservoirSize, int maxPending, Random random, Clock clock) {
        this(deviceId, reservoirSize, maxPending, DEFAULT_MAX_INFERENCE_RECORDS, random, clock);
    }

    /**
     * @param reservoirSize inputs sampled per window
     * @param maxPending closed windows kept while they cannot be sent; the oldest are dropped beyond
     * @param maxInferenceRecords inference records (id, class, confidence) itemized per window
     */
    public TelemetryAccumulator(
            String deviceId, int reservoirSize, int maxPending, int maxInferenceRecords, Random random, Clock clock) {
        this(deviceId, reservoirSize, maxPending, maxInferenceRecords, InputCapture.NONE, random, clock);
    }

    /**
     * @param reservoirSize inputs sampled per window
     * @param maxPending closed windows kept while they cannot be sent; the oldest are dropped beyond
     * @param maxInferenceRecords inference records (id, class, confidence) itemized per window
     * @param capture which itemized inferences carry their input (for labelled feedback)
     */
    public TelemetryAccumulator(
            String deviceId,
            int reservoirSize,
            int maxPending,
            int maxInferenceRecords,
            InputCapture capture,
            Random random,
            Clock clock) {
        this(deviceId, InputSummary.sample(reservoirSize), maxPending, maxInferenceRecords, capture, random, clock);
    }

    /**
     * @param inputs how a window summarizes its inputs (sketches, a raw sample or both)
     * @param maxPending closed windows kept while they cannot be sent; the oldest are dropped beyond
     * @param maxInferenceRecords inference records (id, class, confidence) itemized per window
     * @param capture which itemized inferences carry their input (for labelled feedback)
     */
    public TelemetryAccumulator(
            String deviceId,
            InputSummary inputs,
            int maxPending,
            int maxInferenceRecords,
            InputCapture capture,
            Random random,
            Clock clock) {
        if (maxPending < 1 || maxInferenceRecords < 0 || maxInferenceRecords > MAX_INFERENCE_RECORDS) {
            throw new IllegalArgumentException("max-pending-windows must be >= 1 and max-inference-records 0 to "
                    + MAX_INFERENCE_RECORDS + ", were " + maxPending + ", " + maxInferenceRecords);
        }
        this.deviceId = deviceId;
        this.inputs = inputs;
        this.reservoirSize = inputs.sampledRows();
        this.maxPending = maxPending;
        this.maxInferenceRecords = maxInferenceRecords;
        this.capture = capture;
        this.random = random;
        this.clock = clock;
    }

    /** The device's labels (its fleet segment), sent with every window so that monitoring reports per segment. */
    public void setDeviceLabels(Map<String, String> labels) {
        this.deviceLabels = Map.copyOf(labels);
    }

    /** Traffic from callers of the device's APIs. */
    public static final String LIVE = "live";
    /** Traffic from the built-in simulator's sensor (stands in for a real sensor: drift detection may use it). */
    public static final String SIMULATOR = "simulator";
    /** Random inputs shaped like a model's signature (health gates count them; drift detection never uses them). */
    public static final String SYNTHETIC = "synthetic";

    /** Records one successful live inference. */
    public void record(ModelDescriptor model, float[] features, String label, long latencyUs) {
        record(model, LIVE, features, label, latencyUs);
    }

    /** Records one successful inference from {@code source}; {@code label} is null for non-classifiers. */
    public void record(ModelDescriptor model, String source, float[] features, String label, long latencyUs) {
        record(model, source, features, new Outcome(null, label, -1, 0f), latencyUs);
    }

    /**
     * Records one successful inference from {@code source} with its outcome: when it has an id and a class, the
     * window itemizes it (up to the per-window cap).
     */
    public synchronized void record(
            ModelDescriptor model, String source, float[] features, Outcome outcome, long latencyUs) {
        Window w = windowFor(model, source, features.length);
        if (w.add(features, outcome.label(), latencyUs)
                && outcome.inferenceId() != null
                && outcome.classIndex() >= 0
                && w.inferences.size() < maxInferenceRecords) {
            InferenceRecord.Builder r = InferenceRecord.newBuilder()
                    .setInferenceId(outcome.inferenceId())
                    .setPredictedClass(outcome.classIndex())
                    .setConfidence(outcome.confidence())
                    .setInferredAt(ProtoTime.of(clock.instant()));
            if (capture.captures(outcome.confidence(), features.length, w.captured, random::nextDouble)) {
                for (float v : features) {
                    r.addInput(v);
                }
                w.captured++;
            }
            w.inferences.add(r.build());
        }
    }

    /**
     * What one inference gave, for telemetry.
     *
     * @param inferenceId the inference's id, or null (not itemized)
     * @param label predicted label, null for a model that is not a classifier
     * @param classIndex index of the predicted class, -1 for a model that is not a classifier
     * @param confidence probability of the predicted class
     */
    public record Outcome(String inferenceId, String label, int classIndex, float confidence) {}

    /** Records one live inference that the model or runtime failed. */
    public void recordError(ModelDescriptor model) {
        recordError(model, LIVE);
    }

    /** Records one inference from {@code source} that the model or runtime failed. */
    public synchronized void recordError(ModelDescriptor model, String source) {
        windowFor(model, source, 0).errors++;
    }

    /** Records one inference from {@code source} refused because the caller's input did not fit the model. */
    public synchronized void recordClientError(ModelDescriptor model, String source) {
        windowFor(model, source, 0).clientErrors++;
    }

    /**
     * Closes every window that saw at least one inference or error into the send queue (oldest first); windows that
     * saw nothing are dropped.
     */
    public synchronized void roll() {
        List<Window> open = new ArrayList<>(windows.values());
        open.sort(java.util.Comparator.comparing(w -> w.start));
        windows.clear();
        for (Window w : open) {
            if (w.count > 0 || w.errors > 0 || w.clientErrors > 0) {
                close(w);
            }
        }
    }

    /** Closed windows waiting to be sent, oldest first. */
    public synchronized List<TelemetryWindow> pending() {
        return List.copyOf(pending);
    }

    /** Removes a window that was delivered. */
    public synchronized void acknowledge(String windowId) {
        pending.removeIf(w -> w.getWindowId().equals(windowId));
    }

    /** Windows dropped because the queue was full. */
    public synchronized long droppedWindows() {
        return dropped;
    }

    /**
     * The open window of {@code model} and {@code source}; a window of another deployment, version or variant of the
     * same model and source is closed first (dropped when it saw nothing).
     */
    private Window windowFor(ModelDescriptor model, String source, int featureCount) {
        String key = model.modelName() + '\u0000' + source;
        Window window = windows.get(key);
        if (window != null && !sameModel(window.model, model)) {
            windows.remove(key);
            if (window.count > 0 || window.errors > 0 || window.clientErrors > 0) {
                close(window);
            }
            window = null;
        }
        if (window == null) {
            window = new Window(model, source, clock.instant());
            windows.put(key, window);
        }
        if (featureCount > 0 && window.featureCount == 0) {
            window.initFeatures(featureCount);
        }
        return window;
    }

    private static boolean sameModel(ModelDescriptor a, ModelDescriptor b) {
        return java.util.Objects.equals(a.deploymentId(), b.deploymentId())
                && a.modelName().equals(b.modelName())
                && a.modelVersion() == b.modelVersion()
                && a.variantId().equals(b.variantId());
    }

    private void close(Window window) {
        TelemetryWindow w = window.toProto(deviceId, clock.instant());
        pending.addLast(
                deviceLabels.isEmpty()
                        ? w
                        : w.toBuilder().putAllDeviceLabels(deviceLabels).build());
        while (pending.size() > maxPending) {
            TelemetryWindow gone = pending.removeFirst();
            dropped++;
            LOG.warnf(
                    "telemetry queue full (%d windows): dropped window %s of %d inferences",
                    maxPending, gone.getWindowId(), gone.getInferenceCount());
        }
    }

    /** Statistics of one open window. */
    private final class Window {
        final ModelDescriptor model;
        final String source;
        final Instant start;
        long count;
        long errors;
        long clientErrors;
        int featureCount;
        double[] mean;
        double[] m2;
        double[] min;
        double[] max;
        final List<float[]> sample = new ArrayList<>();
        FeatureSketches sketches;
        final Map<String, Long> classCounts = new HashMap<>();
        final List<InferenceRecord> inferences = new ArrayList<>();
        /** Inference records of this window that carry their input (the capture budget counts them). */
        int captured;

        long[] latencies = new long[64];
        int latencyCount;
        long latencySeen;

        Window(ModelDescriptor model, String source, Instant start) {
            this.model = model;
            this.source = source;
            this.start = start;
        }

        void initFeatures(int n) {
            featureCount = n;
            mean = new double[n];
            m2 = new double[n];
            min = new double[n];
            max = new double[n];
            Arrays.fill(min, Double.POSITIVE_INFINITY);
            Arrays.fill(max, Double.NEGATIVE_INFINITY);
            sketches = inputs.sketches() ? new FeatureSketches(n, inputs.sketchK()) : null;
        }

        /** Adds one inference; false when it was counted as a client error instead. */
        boolean add(float[] x, String label, long latencyUs) {
            if (x.length != featureCount) {
                clientErrors++; // cannot happen for inputs the model accepted; never mix shapes in one window
                return false;
            }
            count++;
            for (int i = 0; i < featureCount; i++) {
                double v = x[i];
                double delta = v - mean[i];
                mean[i] += delta / count;
                m2[i] += delta * (v - mean[i]);
                min[i] = Math.min(min[i], v);
                max[i] = Math.max(max[i], v);
            }
            if (sketches != null) {
                sketches.update(x);
            }
            if (sample.size() < reservoirSize) {
                sample.add(x.clone());
            } else if (reservoirSize > 0) {
                long j = nextLong(count);
                if (j < reservoirSize) {
                    sample.set((int) j, x.clone());
                }
            }
            if (label != null) {
                classCounts.merge(label, 1L, Long::sum);
            }
            latencySeen++;
            if (latencyCount < LATENCY_RESERVOIR) {
                if (latencyCount == latencies.length) {
                    latencies = Arrays.copyOf(latencies, Math.min(LATENCY_RESERVOIR, latencies.length * 2));
                }
                latencies[latencyCount++] = latencyUs;
            } else {
                long j = nextLong(latencySeen);
                if (j < LATENCY_RESERVOIR) {
                    latencies[(int) j] = latencyUs;
                }
            }
            return true;
        }

        /** Uniform in [0, bound). */
        private long nextLong(long bound) {
            return (long) (random.nextDouble() * bound);
        }

        TelemetryWindow toProto(String deviceId, Instant end) {
            var b = TelemetryWindow.newBuilder()
                    .setWindowId(UUID.randomUUID().toString())
                    .setDeviceId(deviceId)
                    .setDeploymentId(model.deploymentId() == null ? "" : model.deploymentId())
                    .setModelName(model.modelName())
                    .setModelVersion(model.modelVersion())
                    .setVariantId(model.variantId())
                    .setWindowStart(ProtoTime.of(start))
                    .setWindowEnd(ProtoTime.of(end))
                    .setInferenceCount(count)
                    .setFeatureCount(featureCount)
                    .setSampleCount(sample.size())
                    .putAllPredictedClassCounts(classCounts)
                    .setErrorCount(errors)
                    .setClientErrorCount(clientErrors)
                    .setSource(source)
                    .addAllInferences(inferences);
            for (int i = 0; i < featureCount; i++) {
                b.addFeatureStats(FeatureStats.newBuilder()
                        .setMean(mean[i])
                        .setStd(count == 0 ? 0 : Math.sqrt(m2[i] / count))
                        .setMin(min[i])
                        .setMax(max[i]));
            }
            for (float[] row : sample) {
                for (float v : row) {
                    b.addInputSample(v);
                }
            }
            if (sketches != null && count > 0) {
                for (byte[] kll : sketches.toBytes()) {
                    b.addFeatureSketches(FeatureSketch.newBuilder().setKll(ByteString.copyFrom(kll)));
                }
            }
            long[] sorted = Arrays.copyOf(latencies, latencyCount);
            Arrays.sort(sorted);
            b.setLatencyP50Us(percentile(sorted, 0.50)).setLatencyP99Us(percentile(sorted, 0.99));
            return b.build();
        }
    }

    /** Nearest-rank percentile of sorted values. */
    static double percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        int rank = (int) Math.ceil(p * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length, rank) - 1)];
    }
}
