package io.edgeloop.data.domain;

import io.edgeloop.data.persistence.DatasetEntity;
import io.edgeloop.data.persistence.SampleStore;
import io.edgeloop.data.persistence.StatsStore;
import io.edgeloop.data.persistence.StatsStore.BinCount;
import io.edgeloop.data.persistence.StatsStore.GroupCount;
import io.edgeloop.data.persistence.StatsStore.Moments;
import io.edgeloop.kit.api.ApiException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.util.ArrayList;
import java.util.List;

/**
 * A data set's statistics from SQL aggregates over its live samples: samples per class and split, and per feature
 * count, min, max, mean, population standard deviation and a histogram of equal bins between min and max. All of
 * it is read from one snapshot of the database (repeatable read), so every histogram's bins add up to its count.
 */
@ApplicationScoped
public class DatasetStats {
    @Inject
    StatsStore stats;

    @Inject
    SampleStore samples;

    /**
     * The statistics.
     *
     * @param split the split they cover, null for every live sample (unlabeled ones included)
     * @param sampleCount samples covered
     * @param unlabeledCount of them unlabeled (no class, no split)
     * @param splits labelled samples per split
     * @param classes samples per class and split, in the data set's label order
     * @param features one histogram per feature, in the data set's feature order
     */
    public record Stats(
            String datasetName,
            String split,
            int bins,
            long sampleCount,
            long unlabeledCount,
            SplitCounts splits,
            List<ClassCounts> classes,
            List<FeatureStats> features) {}

    /** Samples per split. */
    public record SplitCounts(long train, long validation, long test) {}

    /** One class's samples per split and in all. */
    public record ClassCounts(String label, long train, long validation, long test, long total) {}

    /**
     * One feature's values: {@code edges} has one more entry than {@code counts} ({@code counts[k]} values in {@code
     * [edges[k], edges[k+1])}, the last bin closed); all values equal: one bin {@code [min, max]}; no values: both
     * empty and min, max, mean and std null.
     */
    public record FeatureStats(
            String name, long count, Float min, Float max, Double mean, Double std, double[] edges, long[] counts) {}

    /**
     * Statistics of a live data set; {@code split} null for all live samples.
     *
     * @throws ApiException 404 unknown or deleted data set
     */
    @Transactional
    public Stats of(String dataset, Split split, int bins) {
        DatasetNames.require(dataset);
        stats.repeatableRead(); // first statement of the transaction
        DatasetEntity ds =
                samples.liveDataset(dataset).orElseThrow(() -> ApiException.notFound("no dataset '" + dataset + "'"));
        int code = split == null ? 0 : split.code();
        long[][] perClass = new long[ds.labels.length][3];
        long unlabeled = 0;
        long total = 0;
        for (GroupCount g : stats.groupCounts(dataset, code)) {
            total += g.count();
            if (g.labelIndex() == null || g.split() < 1 || g.split() > 3) {
                unlabeled += g.count();
            } else if (g.labelIndex() < perClass.length) {
                perClass[g.labelIndex()][g.split() - 1] += g.count();
            }
        }
        List<ClassCounts> classes = new ArrayList<>();
        long[] splits = new long[3];
        for (int c = 0; c < perClass.length; c++) {
            long[] n = perClass[c];
            classes.add(new ClassCounts(ds.labels[c], n[0], n[1], n[2], n[0] + n[1] + n[2]));
            for (int s = 0; s < 3; s++) {
                splits[s] += n[s];
            }
        }
        return new Stats(
                ds.name,
                split == null ? null : split.label(),
                bins,
                total,
                unlabeled,
                new SplitCounts(splits[0], splits[1], splits[2]),
                classes,
                features(ds, code, bins));
    }

    private List<FeatureStats> features(DatasetEntity ds, int split, int bins) {
        int n = ds.featureNames.length;
        Moments[] moments = new Moments[n];
        double[] low = new double[n];
        double[] high = new double[n];
        for (Moments m : stats.moments(ds.name, split)) {
            int f = m.feature() - 1;
            if (f >= 0 && f < n && m.count() > 0) {
                moments[f] = m;
                low[f] = m.min();
                high[f] = m.max();
            }
        }
        long[][] counts = new long[n][];
        for (int f = 0; f < n; f++) {
            counts[f] = moments[f] == null ? new long[0] : new long[low[f] < high[f] ? bins : 1];
        }
        boolean any = java.util.Arrays.stream(moments).anyMatch(m -> m != null);
        if (any) {
            for (BinCount b : stats.histograms(ds.name, split, low, high, bins)) {
                int f = b.feature() - 1;
                if (f >= 0 && f < n && b.bin() >= 1 && b.bin() <= counts[f].length) {
                    counts[f][b.bin() - 1] += b.count();
                }
            }
        }
        List<FeatureStats> out = new ArrayList<>(n);
        for (int f = 0; f < n; f++) {
            Moments m = moments[f];
            out.add(
                    m == null
                            ? new FeatureStats(
                                    ds.featureNames[f], 0, null, null, null, null, new double[0], new long[0])
                            : new FeatureStats(
                                    ds.featureNames[f],
                                    m.count(),
                                    m.min(),
                                    m.max(),
                                    m.mean(),
                                    m.std(),
                                    edges(low[f], high[f], counts[f].length),
                                    counts[f]));
        }
        return out;
    }

    /** {@code bins + 1} edges from {@code low} to {@code high} (exactly both ends). */
    static double[] edges(double low, double high, int bins) {
        double[] e = new double[bins + 1];
        for (int k = 0; k <= bins; k++) {
            e[k] = k == bins ? high : low + (high - low) * k / bins;
        }
        return e;
    }
}
