package io.edgeloop.agent.bench;

import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/** The rows of {@link FootprintBenchmark}: one start's figures, the median of several starts, the printed table. */
final class FootprintTable {
    private FootprintTable() {}

    /** One start's figures; -1 where not measured. */
    record Figures(
            String label,
            double startedInS,
            double liveAfterS,
            long rssKb,
            long peakRssKb,
            int threads,
            long classes,
            long p50Us,
            long p99Us,
            double reqPerS) {}

    /** Per figure, the median of several starts (the upper one of an even count); the label says how many. */
    static Figures median(List<Figures> starts) {
        if (starts.size() == 1) {
            return starts.get(0);
        }
        return new Figures(
                starts.get(0).label() + " (median of " + starts.size() + ")",
                median(starts, Figures::startedInS),
                median(starts, Figures::liveAfterS),
                (long) median(starts, Figures::rssKb),
                -1,
                (int) median(starts, Figures::threads),
                (long) median(starts, Figures::classes),
                -1,
                -1,
                -1);
    }

    /** Prints {@code rows} as a table (MB, ms, us; "-" where not measured). */
    static void print(List<Figures> rows) {
        System.out.printf(
                Locale.ROOT,
                "%-44s %10s %8s %9s %9s %7s %7s %8s %8s %8s%n",
                "run",
                "started s",
                "live s",
                "RSS MB",
                "peak MB",
                "threads",
                "classes",
                "p50 us",
                "p99 us",
                "req/s");
        for (Figures f : rows) {
            System.out.printf(
                    Locale.ROOT,
                    "%-44s %10s %8s %9.1f %9s %7d %7d %8s %8s %8s%n",
                    f.label(),
                    f.startedInS() < 0 ? "-" : String.format(Locale.ROOT, "%.3f", f.startedInS()),
                    f.liveAfterS() < 0 ? "-" : String.format(Locale.ROOT, "%.2f", f.liveAfterS()),
                    f.rssKb() / 1024.0,
                    f.peakRssKb() < 0 ? "-" : String.format(Locale.ROOT, "%.1f", f.peakRssKb() / 1024.0),
                    f.threads(),
                    f.classes(),
                    f.p50Us() < 0 ? "-" : Long.toString(f.p50Us()),
                    f.p99Us() < 0 ? "-" : Long.toString(f.p99Us()),
                    f.reqPerS() < 0 ? "-" : String.format(Locale.ROOT, "%.0f", f.reqPerS()));
        }
    }

    private static double median(List<Figures> starts, ToDoubleFunction<Figures> figure) {
        double[] v = starts.stream().mapToDouble(figure).sorted().toArray();
        return v[v.length / 2];
    }
}
