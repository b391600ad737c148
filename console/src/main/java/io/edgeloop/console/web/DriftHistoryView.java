package io.edgeloop.console.web;

import io.edgeloop.console.clients.MonitoringViews.DriftHistory;
import io.edgeloop.console.clients.MonitoringViews.HistoryEntry;
import io.edgeloop.console.clients.MonitoringViews.HistoryFeature;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * A model's drift over time, from monitoring's recorded evaluations: a line chart of the score against its threshold,
 * a line chart of each feature's KS statistic (the first {@value #CHART_FEATURES} features), and a table newest first.
 *
 * @param note what the figures are (or why there are none)
 * @param rows the evaluations, newest first
 * @param scoreChart score and threshold per evaluation, oldest first
 * @param featureChart KS statistic per feature and evaluation, oldest first (empty without per-feature figures)
 */
public record DriftHistoryView(String note, List<Row> rows, Chart scoreChart, Chart featureChart) {
    /** Evaluations asked of monitoring (newest first). */
    public static final int LIMIT = 100;

    /** Features drawn in the per-feature chart, at most (lowest indexes). */
    public static final int CHART_FEATURES = 12;

    /**
     * One recorded evaluation, formatted.
     *
     * @param driftedFeatures the names of the features that drifted, or {@code -}
     * @param prediction drift of the predicted classes: {@code drifted}, {@code no drift} or {@code not evaluated}
     */
    public record Row(
            String time,
            int version,
            String reference,
            int samples,
            String method,
            String score,
            String threshold,
            String share,
            boolean drifted,
            String driftedFeatures,
            String prediction) {}

    /** The page part when monitoring gave no history (an older monitoring-service, or it failed). */
    public static DriftHistoryView unavailable() {
        return new DriftHistoryView(
                "monitoring-service gave no drift history for this model.", List.of(), empty(), empty());
    }

    /** Builds the view; {@code featureNames} names features by index where known (may be empty). */
    public static DriftHistoryView of(DriftHistory history, List<String> featureNames) {
        List<HistoryEntry> entries = history == null || history.entries() == null ? List.of() : history.entries();
        if (entries.isEmpty()) {
            return new DriftHistoryView(
                    "No drift evaluation of this model has been recorded yet (monitoring records one when device"
                            + " telemetry of the deployed version is evaluated).",
                    List.of(),
                    empty(),
                    empty());
        }
        List<Row> rows = entries.stream().map(e -> row(e, featureNames)).toList();
        List<HistoryEntry> oldestFirst = new ArrayList<>(entries);
        java.util.Collections.reverse(oldestFirst);
        List<String> times =
                oldestFirst.stream().map(e -> Fmt.time(e.evaluatedAt())).toList();
        Chart score = Chart.lines(
                "drift score against threshold over time",
                times,
                List.of(
                        new Chart.Series(
                                "score",
                                oldestFirst.stream()
                                        .map(e -> (Double) e.driftScore())
                                        .toList()),
                        new Chart.Series(
                                "threshold",
                                oldestFirst.stream()
                                        .map(e -> (Double) e.threshold())
                                        .toList())));
        return new DriftHistoryView(
                String.format(
                        java.util.Locale.ROOT,
                        "%d evaluations recorded by monitoring (newest first, at most %d): at most one a minute"
                                + " unless the verdict or the version changes.",
                        entries.size(),
                        LIMIT),
                rows,
                score,
                featureChart(oldestFirst, times, featureNames));
    }

    private static Row row(HistoryEntry e, List<String> featureNames) {
        List<String> drifted = new ArrayList<>();
        for (HistoryFeature f : features(e)) {
            if (f.drifted()) {
                drifted.add(name(f.index(), featureNames));
            }
        }
        return new Row(
                Fmt.time(e.evaluatedAt()),
                e.modelVersion(),
                e.referenceId() == null ? "-" : e.referenceId(),
                e.sampleCount(),
                e.method() == null ? "-" : e.method(),
                Fmt.number(e.driftScore(), 4),
                Fmt.number(e.threshold(), 4),
                Fmt.percent(e.driftShare()),
                e.driftDetected(),
                drifted.isEmpty() ? "-" : String.join(", ", drifted),
                e.predictionDrifted() == null ? "not evaluated" : e.predictionDrifted() ? "drifted" : "no drift");
    }

    private static Chart featureChart(List<HistoryEntry> oldestFirst, List<String> times, List<String> featureNames) {
        TreeSet<Integer> indexes = new TreeSet<>();
        oldestFirst.forEach(e -> features(e).forEach(f -> indexes.add(f.index())));
        List<Chart.Series> series = new ArrayList<>();
        for (int index : indexes.stream().limit(CHART_FEATURES).toList()) {
            List<Double> ks = new ArrayList<>();
            for (HistoryEntry e : oldestFirst) {
                Map<Integer, HistoryFeature> byIndex = new HashMap<>();
                features(e).forEach(f -> byIndex.put(f.index(), f));
                HistoryFeature f = byIndex.get(index);
                ks.add(f == null ? null : f.ks());
            }
            series.add(new Chart.Series(name(index, featureNames), ks));
        }
        if (series.isEmpty()) {
            return empty();
        }
        return Chart.lines("per feature: KS statistic over time", times, series);
    }

    private static List<HistoryFeature> features(HistoryEntry e) {
        return e.features() == null ? List.of() : e.features();
    }

    private static String name(int index, List<String> featureNames) {
        return index >= 0 && index < featureNames.size() ? featureNames.get(index) : "feature " + index;
    }

    private static Chart empty() {
        return Chart.lines("", List.of(), List.of());
    }
}
