package io.edgeloop.console.web;

import io.edgeloop.console.clients.DataViews.Dataset;
import io.edgeloop.console.clients.DataViews.Sample;
import io.edgeloop.console.clients.DataViews.Snapshot;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The page of one data set: samples per class and split (counted from data-service's sample listing, which is all its
 * API offers for it), its snapshots with their split sizes, and its recent ingests (samples grouped by source and
 * second of arrival).
 *
 * @param countNote how many samples were counted
 * @param counts one row per class (and one for unlabeled samples), then the totals
 * @param ingests the newest ingest batches, newest first
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
        List<SnapshotRow> snapshots,
        List<IngestRow> ingests,
        List<Chart> charts) {

    /** Samples shown as recent ingest batches, at most. */
    static final int INGESTS = 10;

    /** One class's samples per split. */
    public record CountRow(String label, long train, long validation, long test, long total) {}

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

    /** Samples that arrived together: same source, same second. */
    public record IngestRow(String at, String source, long samples, String labels) {}

    /** Builds the page from the samples read ({@code complete}: all of them). */
    public static DatasetView of(Dataset d, List<Snapshot> snapshots, List<Sample> samples, boolean complete) {
        List<CountRow> counts = counts(d.labels() == null ? List.of() : d.labels(), samples);
        String note = complete
                ? "counted over all " + samples.size() + " samples"
                : "counted over the first " + samples.size() + " of " + d.sampleCount()
                        + " samples (in id order): data-service offers no counts per class and split, so the console"
                        + " pages through its samples up to a limit";
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
        return new DatasetView(
                d.name(),
                d.dataKind() == null ? "features" : d.dataKind(),
                d.featureNames() == null ? "-" : String.join(", ", d.featureNames()),
                d.labels() == null ? "-" : String.join(", ", d.labels()),
                d.sampleCount(),
                d.latestSnapshotId() == null ? "-" : d.latestSnapshotId(),
                note,
                counts,
                snaps,
                ingests(samples),
                charts(counts, snapshots));
    }

    static List<CountRow> counts(List<String> labels, List<Sample> samples) {
        Map<String, long[]> by = new LinkedHashMap<>();
        labels.forEach(l -> by.put(l, new long[3]));
        long[] unlabeled = new long[3];
        long unassigned = 0;
        for (Sample s : samples) {
            long[] row = s.label() == null ? unlabeled : by.computeIfAbsent(s.label(), k -> new long[3]);
            int split = s.split() == null
                    ? -1
                    : switch (s.split()) {
                        case "train" -> 0;
                        case "validation" -> 1;
                        case "test" -> 2;
                        default -> -1;
                    };
            if (split >= 0) {
                row[split]++;
            } else if (s.label() == null) {
                unassigned++;
            }
        }
        List<CountRow> out = new ArrayList<>();
        long[] total = new long[3];
        by.forEach((label, c) -> {
            out.add(new CountRow(label, c[0], c[1], c[2], c[0] + c[1] + c[2]));
            for (int i = 0; i < 3; i++) {
                total[i] += c[i];
            }
        });
        if (unassigned > 0) {
            out.add(new CountRow("(unlabeled)", 0, 0, 0, unassigned));
        }
        out.add(new CountRow("total", total[0], total[1], total[2], total[0] + total[1] + total[2] + unassigned));
        return out;
    }

    static List<IngestRow> ingests(List<Sample> samples) {
        Map<String, Map<String, Long>> batches = new TreeMap<>(Comparator.reverseOrder());
        for (Sample s : samples) {
            String at = s.ingestedAt() == null ? "" : Fmt.time(s.ingestedAt());
            String key = at + "\u0000" + (s.source() == null ? "-" : s.source());
            batches.computeIfAbsent(key, k -> new TreeMap<>())
                    .merge(s.label() == null ? "(unlabeled)" : s.label(), 1L, Long::sum);
        }
        List<IngestRow> out = new ArrayList<>();
        for (var e : batches.entrySet()) {
            if (out.size() == INGESTS) {
                break;
            }
            String[] key = e.getKey().split("\u0000", 2);
            long n = e.getValue().values().stream().mapToLong(Long::longValue).sum();
            out.add(new IngestRow(key[0], key[1], n, Fmt.labels(stringValues(e.getValue()))));
        }
        return out;
    }

    private static Map<String, String> stringValues(Map<String, Long> m) {
        Map<String, String> out = new TreeMap<>();
        m.forEach((k, v) -> out.put(k, String.valueOf(v)));
        return out;
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
