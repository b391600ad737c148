package io.edgeloop.console.web;

import io.edgeloop.console.clients.MonitoringViews.Performance;
import io.edgeloop.console.clients.MonitoringViews.Segment;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Live performance where ground truth came back (monitoring's {@code /performance} and {@code /performance/segments}):
 * accuracy, macro F1 and expected calibration error per version and per segment of the fleet (a value of a device
 * label), with a chart of accuracy and macro F1 per version.
 *
 * @param versions one row per version asked for, newest first
 * @param segments one table per device label key, worst accuracy first
 * @param note what could not be read, or empty
 */
public record LiveView(List<PerfRow> versions, List<SegmentGroup> segments, String note, Chart chart) {

    /**
     * A version's live figures.
     *
     * @param verdict the performance drift test in words
     */
    public record PerfRow(
            int version,
            long labelled,
            String accuracy,
            String macroF1,
            String calibration,
            String testAccuracy,
            String recall,
            String verdict,
            boolean drifted) {}

    /** The segments of one device label key. */
    public record SegmentGroup(String label, List<SegmentRow> rows) {}

    /** One segment's figures. */
    public record SegmentRow(String value, long labelled, String accuracy, String macroF1, String calibration) {}

    /** Builds the view; {@code segments} maps a label key to its segments (as monitoring orders them). */
    public static LiveView of(List<Performance> perfs, Map<String, List<Segment>> segments, String note) {
        List<PerfRow> rows = perfs.stream().map(LiveView::row).toList();
        List<SegmentGroup> groups = new ArrayList<>();
        new TreeMap<>(segments)
                .forEach((label, list) -> groups.add(new SegmentGroup(
                        label,
                        list.stream()
                                .map(s -> new SegmentRow(
                                        s.value(),
                                        s.labelledCount(),
                                        Fmt.percent(s.accuracy()),
                                        Fmt.number(s.macroF1(), 3),
                                        Fmt.number(s.expectedCalibrationError(), 3)))
                                .toList())));
        List<String> names = new ArrayList<>();
        List<Double> accuracy = new ArrayList<>();
        List<Double> f1 = new ArrayList<>();
        for (int i = perfs.size() - 1; i >= 0; i--) {
            Performance p = perfs.get(i);
            if (p.labelledCount() > 0) {
                names.add("v" + p.modelVersion());
                accuracy.add(p.accuracy());
                f1.add(p.macroF1());
            }
        }
        Chart chart = Chart.bars(
                "live accuracy and macro F1 per version",
                names,
                List.of(new Chart.Series("accuracy", accuracy), new Chart.Series("macro F1", f1)));
        return new LiveView(rows, groups, note, chart);
    }

    static PerfRow row(Performance p) {
        String verdict;
        boolean drifted = p.drift() != null && p.drift().drifted();
        if (p.drift() == null || !p.drift().evaluated()) {
            verdict = "not evaluated"
                    + (p.drift() != null && p.drift().reason() != null
                            ? ": " + p.drift().reason()
                            : "");
        } else {
            verdict = (drifted ? "below baseline " : "at baseline ")
                    + Fmt.percent(p.drift().baseline())
                    + (p.drift().pValue() == null
                            ? ""
                            : " (p " + Fmt.number(p.drift().pValue(), 4) + ")");
        }
        String recall = p.perClassRecall() == null || p.perClassRecall().isEmpty()
                ? "-"
                : new TreeMap<>(p.perClassRecall())
                        .entrySet().stream()
                                .map(e -> e.getKey() + " " + Fmt.percent(e.getValue()))
                                .collect(Collectors.joining(", "));
        return new PerfRow(
                p.modelVersion(),
                p.labelledCount(),
                Fmt.percent(p.accuracy()),
                Fmt.number(p.macroF1(), 3),
                Fmt.number(p.expectedCalibrationError(), 3),
                Fmt.percent(p.testAccuracy()),
                recall,
                verdict,
                drifted);
    }
}
