package io.edgeloop.monitoring.domain;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.apache.datasketches.kll.KllFloatsSketch;
import org.apache.datasketches.quantilescommon.FloatsSortedView;

/**
 * Builds a {@link ReferenceProfile} in one pass over a stream of rows with bounded memory: exact mean/std/min/max
 * (Welford) over every row, and a uniform reservoir of at most {@code sampleSize} rows whose random source is seeded
 * from the snapshot id, so the same snapshot streamed in the same order always gives the same profile.
 *
 * <p>Not thread-safe.
 */
public final class ReferenceProfileBuilder {
    /** PSI uses ten quantile bins. */
    public static final int BINS = 10;

    private final String snapshotId;
    private final int featureCount;
    private final int sampleSize;
    private final Random random;
    private final double[] mean;
    private final double[] m2;
    private final double[] min;
    private final double[] max;
    private final float[][] reservoir;
    private final boolean[] categorical;
    private final java.util.Map<Integer, Long>[] categoryCounts;
    private int filled;
    private long count;
    private final java.util.Map<String, Long> labelCounts = new java.util.TreeMap<>();

    /**
     * @param snapshotId the snapshot the rows come from (also seeds the reservoir)
     * @param featureCount values per row
     * @param sampleSize rows kept for KS/PSI
     */
    public ReferenceProfileBuilder(String snapshotId, int featureCount, int sampleSize) {
        this(snapshotId, featureCount, sampleSize, new boolean[Math.max(featureCount, 0)]);
    }

    /**
     * @param snapshotId the snapshot the rows come from (also seeds the reservoir)
     * @param featureCount values per row
     * @param sampleSize rows kept for KS/PSI
     * @param categorical per feature, whether its values are category codes (their counts are kept over all rows)
     */
    @SuppressWarnings("unchecked")
    public ReferenceProfileBuilder(String snapshotId, int featureCount, int sampleSize, boolean[] categorical) {
        if (featureCount < 1) {
            throw new IllegalArgumentException("featureCount must be >= 1, was " + featureCount);
        }
        if (sampleSize < 1) {
            throw new IllegalArgumentException("sampleSize must be >= 1, was " + sampleSize);
        }
        this.snapshotId = snapshotId;
        this.featureCount = featureCount;
        this.sampleSize = sampleSize;
        this.random = new Random(snapshotId.hashCode()); // String.hashCode is specified: stable across JVMs
        this.mean = new double[featureCount];
        this.m2 = new double[featureCount];
        this.min = new double[featureCount];
        this.max = new double[featureCount];
        Arrays.fill(min, Double.POSITIVE_INFINITY);
        Arrays.fill(max, Double.NEGATIVE_INFINITY);
        this.reservoir = new float[sampleSize][];
        if (categorical.length != featureCount) {
            throw new IllegalArgumentException(
                    "categorical has " + categorical.length + " flags, the snapshot " + featureCount + " features");
        }
        this.categorical = categorical.clone();
        this.categoryCounts = new java.util.Map[featureCount];
        for (int i = 0; i < featureCount; i++) {
            categoryCounts[i] = categorical[i] ? new java.util.TreeMap<>() : null;
        }
    }

    /** Number of values per row. */
    public int featureCount() {
        return featureCount;
    }

    /** Rows added so far. */
    public long count() {
        return count;
    }

    /** Counts one TRAIN row of class {@code label} (blank labels are not counted). */
    public void addLabel(String label) {
        if (label != null && !label.isBlank()) {
            labelCounts.merge(label, 1L, Long::sum);
        }
    }

    /**
     * Adds one row (a categorical feature's value counts under its category code, {@link
     * CategoryStatistics#NOT_A_CODE} when it is none).
     *
     * @throws IllegalArgumentException when the row has the wrong length or a non-finite value
     */
    public void add(float[] row) {
        if (row.length != featureCount) {
            throw new IllegalArgumentException("row has " + row.length + " features, the snapshot has " + featureCount);
        }
        for (float v : row) {
            if (!Float.isFinite(v)) {
                throw new IllegalArgumentException("row has a non-finite value " + v);
            }
        }
        count++;
        for (int i = 0; i < featureCount; i++) {
            double v = row[i];
            double delta = v - mean[i];
            mean[i] += delta / count;
            m2[i] += delta * (v - mean[i]);
            min[i] = Math.min(min[i], v);
            max[i] = Math.max(max[i], v);
            if (categorical[i]) {
                categoryCounts[i].merge(CategoryStatistics.category(v), 1L, Long::sum);
            }
        }
        if (filled < sampleSize) {
            reservoir[filled++] = row.clone();
        } else {
            long j = random.nextLong(count);
            if (j < sampleSize) {
                reservoir[(int) j] = row.clone();
            }
        }
    }

    /**
     * The profile of the rows added so far.
     *
     * @throws IllegalStateException when no row was added
     */
    public ReferenceProfile build(String datasetName, int datasetVersion) {
        if (count == 0) {
            throw new IllegalStateException("snapshot " + snapshotId + " has no rows to profile");
        }
        List<ReferenceProfile.FeatureProfile> features = new ArrayList<>(featureCount);
        for (int f = 0; f < featureCount; f++) {
            double[] sample = new double[filled];
            for (int r = 0; r < filled; r++) {
                sample[r] = reservoir[r][f];
            }
            Arrays.sort(sample);
            double[] edges = decileEdges(sample);
            double[] proportions = DriftEvaluator.proportions(edges, sample);
            double std = count > 1 ? Math.sqrt(m2[f] / (count - 1)) : 0.0;
            features.add(new ReferenceProfile.FeatureProfile(
                    f, mean[f], std, min[f], max[f], sample, edges, proportions, categoryCounts[f]));
        }
        return new ReferenceProfile(snapshotId, datasetName, datasetVersion, count, features, labelCounts);
    }

    /** {@link #fromSketches(String, String, int, KllFloatsSketch[], int, java.util.Map, boolean[])} of numerical features. */
    public static ReferenceProfile fromSketches(
            String snapshotId,
            String datasetName,
            int datasetVersion,
            KllFloatsSketch[] sketches,
            int sampleSize,
            java.util.Map<String, Long> labelCounts) {
        return fromSketches(
                snapshotId,
                datasetName,
                datasetVersion,
                sketches,
                sampleSize,
                labelCounts,
                new boolean[sketches.length]);
    }

    /**
     * A profile of inputs known only through one merged quantile sketch per feature (a live baseline from agents that
     * send sketches): per feature, {@code sampleSize} evenly spaced quantiles stand for the sorted sample (at most one
     * per value summarized), the mean and standard deviation are the sketch's weighted ones, min and max exact.
     *
     * @param snapshotId the profile's id
     * @param sketches one non-empty sketch per feature
     * @param sampleSize quantiles kept per feature
     * @param categorical per feature, whether it is categorical (its category counts are read from the sketch: {@link
     *     CategoryStatistics#counts(FloatsSortedView)})
     */
    public static ReferenceProfile fromSketches(
            String snapshotId,
            String datasetName,
            int datasetVersion,
            KllFloatsSketch[] sketches,
            int sampleSize,
            java.util.Map<String, Long> labelCounts,
            boolean[] categorical) {
        List<ReferenceProfile.FeatureProfile> features = new ArrayList<>(sketches.length);
        long count = Long.MAX_VALUE;
        for (int f = 0; f < sketches.length; f++) {
            KllFloatsSketch sketch = sketches[f];
            if (sketch.isEmpty()) {
                throw new IllegalStateException("feature " + f + " of " + snapshotId + " has no values to profile");
            }
            count = Math.min(count, sketch.getN());
            int m = (int) Math.min(sampleSize, sketch.getN());
            double[] sample = new double[m];
            for (int i = 0; i < m; i++) {
                sample[i] = sketch.getQuantile((i + 0.5) / m);
            }
            Arrays.sort(sample);
            double[] edges = decileEdges(sample);
            FloatsSortedView view = sketch.getSortedView();
            features.add(new ReferenceProfile.FeatureProfile(
                    f,
                    SketchStatistics.mean(view),
                    SketchStatistics.std(view),
                    sketch.getMinItem(),
                    sketch.getMaxItem(),
                    sample,
                    edges,
                    DriftEvaluator.proportions(edges, sample),
                    categorical[f] ? CategoryStatistics.counts(view) : null));
        }
        return new ReferenceProfile(snapshotId, datasetName, datasetVersion, count, features, labelCounts);
    }

    /** The distinct interior decile values of an ascending sample. */
    static double[] decileEdges(double[] sorted) {
        int n = sorted.length;
        return java.util.stream.IntStream.range(1, BINS)
                .mapToDouble(k -> sorted[Math.min(n - 1, (int) Math.floor((double) k * n / BINS))])
                .distinct()
                .sorted()
                .toArray();
    }
}
