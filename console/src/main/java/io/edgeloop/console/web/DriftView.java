package io.edgeloop.console.web;

import io.edgeloop.console.clients.MonitoringViews.Drift;
import io.edgeloop.console.clients.MonitoringViews.FeatureDrift;
import java.util.ArrayList;
import java.util.List;

/**
 * The monitoring page of a model: the deployed version's drift verdict and every feature's test, statistic and
 * threshold, with a chart of statistic against threshold per feature.
 *
 * @param verdict the verdict in words
 * @param reason why nothing was computed, or empty
 */
public record DriftView(
        String model,
        int version,
        String reference,
        int samples,
        String method,
        String score,
        String threshold,
        boolean drifted,
        String verdict,
        String reason,
        List<FeatureRow> features,
        Chart chart) {

    /** One feature's result, formatted. */
    public record FeatureRow(
            String feature,
            String test,
            String statistic,
            String threshold,
            boolean drifted,
            String psi,
            String referenceMean,
            String observedMean) {}

    /** Builds the page; {@code featureNames} names features by index where known (may be empty). */
    public static DriftView of(Drift d, List<String> featureNames) {
        List<FeatureDrift> fs = d.features() == null ? List.of() : d.features();
        List<FeatureRow> rows = new ArrayList<>();
        List<String> names = new ArrayList<>();
        List<Double> statistic = new ArrayList<>();
        List<Double> threshold = new ArrayList<>();
        for (FeatureDrift f : fs) {
            String name = f.index() < featureNames.size() ? featureNames.get(f.index()) : "feature " + f.index();
            names.add(name);
            statistic.add(f.statistic());
            threshold.add(f.threshold());
            rows.add(new FeatureRow(
                    name,
                    f.test() == null ? "-" : f.test(),
                    Fmt.number(f.statistic(), 4),
                    Fmt.number(f.threshold(), 4),
                    f.drifted(),
                    Fmt.number(f.psi(), 3),
                    Fmt.number(f.referenceMean(), 3),
                    Fmt.number(f.observedMean(), 3)));
        }
        boolean computed = d.driftScore() >= 0;
        String verdict = !computed ? "not computed" : d.driftDetected() ? "drift detected" : "no drift";
        return new DriftView(
                d.modelName(),
                d.modelVersion(),
                d.referenceSnapshotId() == null ? "-" : d.referenceSnapshotId(),
                d.sampleCount(),
                d.method() == null ? "-" : d.method(),
                computed ? Fmt.number(d.driftScore(), 4) : "-",
                Fmt.number(d.threshold(), 4),
                d.driftDetected(),
                verdict,
                d.reason() == null ? "" : d.reason(),
                rows,
                Chart.bars(
                        "per feature: statistic and threshold",
                        names,
                        List.of(new Chart.Series("statistic", statistic), new Chart.Series("threshold", threshold))));
    }
}
