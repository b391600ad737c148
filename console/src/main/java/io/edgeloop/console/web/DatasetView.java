package io.edgeloop.console.web;

import io.edgeloop.console.clients.DataViews.ClassCounts;
import io.edgeloop.console.clients.DataViews.Dataset;
import io.edgeloop.console.clients.DataViews.FeatureStats;
import io.edgeloop.console.clients.DataViews.Ingest;
import io.edgeloop.console.clients.DataViews.Rejection;
import io.edgeloop.console.clients.DataViews.Snapshot;
import io.edgeloop.console.clients.DataViews.Stats;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The page of one data set: samples per class and split and per-feature figures and histograms (data-service's SQL
 * aggregates over all its live samples), its snapshots with their split sizes, and its ingest log (who sent what,
 * rows accepted, rejected and already stored, and the reasons for rejected rows).
 *
 * @param countNote what the counts cover
 * @param counts one row per class (and one for unlabeled samples), then the totals
 * @param features one row per feature: count, min, max, mean, std
 * @param histogramNote which features have a histogram
 * @param histograms one chart per feature (the first {@link #HISTOGRAMS})
 * @param ingests the newest logged ingests, newest first
 * @param rejections the reasons of rejected rows of those ingests (at most {@link #REJECTIONS})
 */
public record DatasetView(
        String name,
        String kind,
        String features,
        String labels,
        long sampleCount,
        String latestSnapshot,
        String countNote,
        List<CountRow> counts,
        List<FeatureRow> featureRows,
        String histogramNote,
        List<Chart> histograms,
        List<SnapshotRow> snapshots,
        List<IngestRow> ingests,
        List<RejectionRow> rejections,
        List<Chart> charts,
        String pendingDrift) {

    /** Features drawn as histograms, at most. */
    static final int HISTOGRAMS = 12;

    /** Rejection reasons listed, at most. */
    static final int REJECTIONS = 50;

    /** One class's samples per split. */
    public record CountRow(String label, long train, long validation, long test, long total) {}

    /** One feature's figures. */
    public record FeatureRow(String name, long count, String min, String max, String mean, String std) {}

    /** A snapshot. */
    public record SnapshotRow(
            int version,
            String id,
            long train,
            long validation,
            long test,
            String unlabeled,
            String trigger,
            String created,
            String warnings) {}

    /** A logged ingest request. */
    public record IngestRow(
            String at,
            String who,
            String format,
            String source,
            String outcome,
            int status,
            long rows,
            long accepted,
            long rejected,
            long duplicates,
            String detail) {
        /** Whether the request was refused as a whole (nothing stored). */
        public boolean refused() {
            return "rejected".equals(outcome);
        }
    }

    /** A reason a row (or a whole request) was rejected. */
    public record RejectionRow(String at, String format, String row, String field, String message) {}

    /** Builds the page. */
    public static DatasetView of(Dataset d, List<Snapshot> snapshots, Stats stats, List<Ingest> ingests) {
        return of(d, snapshots, stats, ingests, null);
    }

    /**
     * As {@link #of(Dataset, List, Stats, List)}, with the drift verdict that waits on the data set for new labelled
     * data (null: none, or data-service did not say).
     */
    public static DatasetView of(
            Dataset d,
            List<Snapshot> snapshots,
            Stats stats,
            List<Ingest> ingests,
            io.edgeloop.console.clients.DataViews.PendingDrift pending) {
        List<CountRow> counts = counts(stats);
        List<FeatureStats> features = stats.features() == null ? List.of() : stats.features();
        String histogramNote = features.size() > HISTOGRAMS
                ? "histograms of the first " + HISTOGRAMS + " of " + features.size() + " features"
                : stats.bins() + " bins between each feature's min and max";
        return new DatasetView(
                d.name(),
                d.dataKind() == null ? "features" : d.dataKind(),
                d.featureNames() == null ? "-" : String.join(", ", d.featureNames()),
                d.labels() == null ? "-" : String.join(", ", d.labels()),
                d.sampleCount(),
                d.latestSnapshotId() == null ? "-" : d.latestSnapshotId(),
                "all " + stats.sampleCount() + " live samples, counted by data-service",
                counts,
                features.stream().map(DatasetView::featureRow).toList(),
                histogramNote,
                histograms(features),
                snapshotRows(snapshots),
                ingests.stream().map(DatasetView::ingestRow).toList(),
                rejections(ingests),
                charts(counts, snapshots),
                pending == null
                        ? null
                        : String.format(
                                java.util.Locale.ROOT,
                                "Drift of %s v%d (score %.3f > %.3f, %s) waits for new labelled data: the drift snapshot"
                                        + " is cut once it has arrived and the data set is quiet.",
                                pending.modelName(),
                                pending.modelVersion(),
                                pending.driftScore(),
                                pending.threshold(),
                                Fmt.time(pending.detectedAt())));
    }

    static List<CountRow> counts(Stats stats) {
        List<CountRow> out = new ArrayList<>();
        long[] total = new long[3];
        for (ClassCounts c : stats.classes() == null ? List.<ClassCounts>of() : stats.classes()) {
            out.add(new CountRow(c.label(), c.train(), c.validation(), c.test(), c.total()));
            total[0] += c.train();
            total[1] += c.validation();
            total[2] += c.test();
        }
        if (stats.unlabeledCount() > 0) {
            out.add(new CountRow("(unlabeled)", 0, 0, 0, stats.unlabeledCount()));
        }
        out.add(new CountRow("total", total[0], total[1], total[2], stats.sampleCount()));
        return out;
    }

    private static FeatureRow featureRow(FeatureStats f) {
        return new FeatureRow(f.name(), f.count(), figure(f.min()), figure(f.max()), figure(f.mean()), figure(f.std()));
    }

    /** One bar chart per feature (the first {@link #HISTOGRAMS}): values per bin, labelled by the bin's lower edge. */
    static List<Chart> histograms(List<FeatureStats> features) {
        List<Chart> out = new ArrayList<>();
        for (FeatureStats f : features.subList(0, Math.min(HISTOGRAMS, features.size()))) {
            List<Long> counts = f.counts() == null ? List.of() : f.counts();
            List<Double> edges = f.edges() == null ? List.of() : f.edges();
            if (counts.isEmpty() || edges.size() != counts.size() + 1) {
                continue;
            }
            List<String> bins = new ArrayList<>();
            for (int k = 0; k < counts.size(); k++) {
                bins.add(counts.size() == 1 ? "= " + figure(edges.get(0)) : figure(edges.get(k)));
            }
            out.add(Chart.bars(
                    f.name(),
                    bins,
                    List.of(new Chart.Series(
                            "samples", counts.stream().map(Long::doubleValue).toList()))));
        }
        return out;
    }

    private static IngestRow ingestRow(Ingest i) {
        return new IngestRow(
                Fmt.time(i.receivedAt()),
                i.subject() == null ? "-" : i.subject(),
                i.format(),
                i.source() == null ? "-" : i.source(),
                i.outcome(),
                i.status(),
                i.rows(),
                i.accepted(),
                i.rejected(),
                i.duplicates(),
                i.detail() == null ? "" : i.detail());
    }

    static List<RejectionRow> rejections(List<Ingest> ingests) {
        List<RejectionRow> out = new ArrayList<>();
        for (Ingest i : ingests) {
            for (Rejection r : i.rejections() == null ? List.<Rejection>of() : i.rejections()) {
                if (out.size() == REJECTIONS) {
                    return out;
                }
                out.add(new RejectionRow(
                        Fmt.time(i.receivedAt()),
                        i.format(),
                        r.row() == null ? "-" : String.valueOf(r.row()),
                        r.field() == null ? "-" : r.field(),
                        r.message() == null ? "" : r.message()));
            }
        }
        return out;
    }

    private static List<SnapshotRow> snapshotRows(List<Snapshot> snapshots) {
        List<SnapshotRow> snaps = new ArrayList<>();
        for (int i = snapshots.size() - 1; i >= 0; i--) {
            Snapshot s = snapshots.get(i);
            snaps.add(new SnapshotRow(
                    s.version(),
                    s.snapshotId(),
                    s.trainCount(),
                    s.validationCount(),
                    s.testCount(),
                    s.unlabeledCount() == null ? "-" : String.valueOf(s.unlabeledCount()),
                    s.trigger() == null ? "-" : s.trigger(),
                    Fmt.time(s.createdAt()),
                    s.warnings() == null || s.warnings().isEmpty() ? "-" : String.join("; ", s.warnings())));
        }
        return snaps;
    }

    /** A value with 4 significant digits ({@code 0.1235}, {@code 12350}, {@code 1.235e-05}); null -> {@code -}. */
    static String figure(Double v) {
        if (v == null || v.isNaN() || v.isInfinite()) {
            return "-";
        }
        double a = Math.abs(v);
        if (a != 0 && (a < 1e-3 || a >= 1e7)) {
            return String.format(Locale.ROOT, "%.3e", v);
        }
        return new BigDecimal(v).round(new MathContext(4)).stripTrailingZeros().toPlainString();
    }

    static List<Chart> charts(List<CountRow> counts, List<Snapshot> snapshots) {
        List<CountRow> classes = counts.stream()
                .filter(c -> !c.label().equals("total") && !c.label().equals("(unlabeled)"))
                .toList();
        List<Chart> out = new ArrayList<>();
        if (!classes.isEmpty()) {
            out.add(Chart.bars(
                    "samples per class and split",
                    classes.stream().map(CountRow::label).toList(),
                    List.of(
                            new Chart.Series(
                                    "train",
                                    classes.stream()
                                            .map(c -> (double) c.train())
                                            .toList()),
                            new Chart.Series(
                                    "validation",
                                    classes.stream()
                                            .map(c -> (double) c.validation())
                                            .toList()),
                            new Chart.Series(
                                    "test",
                                    classes.stream().map(c -> (double) c.test()).toList()))));
        }
        if (!snapshots.isEmpty()) {
            out.add(Chart.lines(
                    "snapshot sizes per version",
                    snapshots.stream().map(s -> "v" + s.version()).toList(),
                    List.of(
                            new Chart.Series(
                                    "train",
                                    snapshots.stream()
                                            .map(s -> (double) s.trainCount())
                                            .toList()),
                            new Chart.Series(
                                    "validation",
                                    snapshots.stream()
                                            .map(s -> (double) s.validationCount())
                                            .toList()),
                            new Chart.Series(
                                    "test",
                                    snapshots.stream()
                                            .map(s -> (double) s.testCount())
                                            .toList()))));
        }
        return out;
    }
}
