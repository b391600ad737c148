package io.edgeloop.monitoring.bench;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgeloop.monitoring.domain.DriftEvaluator;
import io.edgeloop.monitoring.domain.DriftPolicy;
import io.edgeloop.monitoring.domain.DriftReport;
import io.edgeloop.monitoring.domain.ReferenceProfile;
import io.edgeloop.monitoring.domain.ReferenceProfileBuilder;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * False alarms and detection power of the two drift rules ({@code ks-max}, EdgeLoop's default, and {@code
 * feature-share}, Evidently's defaults) and of PSI, Jensen-Shannon and Wasserstein alone, on generated data with known
 * drift: eight Gaussian features (reference 4000
 * rows), windows of 100 to 3000 rows, 200 windows per cell, no drift and seven kinds of drift. Prints the share of
 * windows flagged per cell; the no-drift row is the false-alarm rate. Run: {@code ./mvnw -B -o -q verify -pl
 * monitoring-service -Pbenchmark -Dtest=DriftDetectionBenchmark}.
 */
@Tag("benchmark")
class DriftDetectionBenchmark {
    private static final int FEATURES = 8;
    private static final int WINDOWS = 200;
    private static final int[] ROWS = {100, 300, 1000, 3000};

    /** A kind of drift: per-feature mean shift and scale, in units of the reference's standard deviation. */
    private record Scenario(String name, double[] shift, double[] scale) {}

    private static double[] fill(double v, int first, double rest) {
        double[] a = new double[FEATURES];
        for (int f = 0; f < FEATURES; f++) {
            a[f] = f < first ? v : rest;
        }
        return a;
    }

    private static List<Scenario> scenarios() {
        return List.of(
                new Scenario("none", fill(0, 0, 0), fill(1, 0, 1)),
                new Scenario("1 feature +0.1 sd", fill(0.1, 1, 0), fill(1, 0, 1)),
                new Scenario("1 feature +0.25 sd", fill(0.25, 1, 0), fill(1, 0, 1)),
                new Scenario("1 feature +0.5 sd", fill(0.5, 1, 0), fill(1, 0, 1)),
                new Scenario("1 feature +1 sd", fill(1, 1, 0), fill(1, 0, 1)),
                new Scenario("4 features +0.25 sd", fill(0.25, 4, 0), fill(1, 0, 1)),
                new Scenario("8 features +0.25 sd", fill(0.25, 8, 0), fill(1, 0, 1)),
                new Scenario("4 features sd x1.5", fill(0, 0, 0), fill(1.5, 4, 1)));
    }

    private static ReferenceProfile reference() {
        Random random = new Random(11);
        ReferenceProfileBuilder b = new ReferenceProfileBuilder("bench@v1", FEATURES, 4000);
        for (int i = 0; i < 4000; i++) {
            float[] row = new float[FEATURES];
            for (int f = 0; f < FEATURES; f++) {
                row[f] = (float) (10 * f + random.nextGaussian());
            }
            b.add(row);
        }
        return b.build("bench", 1);
    }

    private static double[][] window(Random random, int rows, Scenario s) {
        double[][] columns = new double[FEATURES][rows];
        for (int r = 0; r < rows; r++) {
            for (int f = 0; f < FEATURES; f++) {
                columns[f][r] = 10 * f + s.shift()[f] + s.scale()[f] * random.nextGaussian();
            }
        }
        return columns;
    }

    /** A detector: whether a window's report says drift. */
    private interface Rule {
        boolean flags(DriftReport r);
    }

    /**
     * The rules compared: the two policies' verdicts, and each distance alone on the same figures (any feature above
     * the field's usual threshold: PSI 0.2, Jensen-Shannon 0.1 and normalized Wasserstein 0.1, as Evidently uses).
     */
    private static Map<String, Rule> rules() {
        Map<String, Rule> rules = new LinkedHashMap<>();
        rules.put("ks-max", DriftReport::driftDetected);
        rules.put("feature-share", DriftReport::driftDetected);
        rules.put("any PSI > 0.2", r -> r.features().stream().anyMatch(f -> f.psi() > 0.2));
        rules.put("any JS > 0.1", r -> r.features().stream().anyMatch(f -> f.jensenShannon() > 0.1));
        rules.put("any W1 > 0.1 sd", r -> r.features().stream().anyMatch(f -> f.wasserstein() > 0.1));
        return rules;
    }

    @Test
    void printsFalseAlarmAndDetectionRatesPerRuleWindowSizeAndDrift() {
        ReferenceProfile reference = reference();
        DriftEvaluator ksMax = new DriftEvaluator(DriftPolicy.ksMax(0.25, 0.001, 50));
        DriftEvaluator share = new DriftEvaluator(
                new DriftPolicy(DriftPolicy.Method.FEATURE_SHARE, 0.25, 0.001, 50, 1000, 0.05, 0.1, 0.5));
        Map<String, Rule> rules = rules();
        StringBuilder table = new StringBuilder("| drift | rule |");
        for (int rows : ROWS) {
            table.append(" ").append(rows).append(" rows |");
        }
        table.append("\n| --- | --- |").append(" --- |".repeat(ROWS.length)).append('\n');
        double falseAlarmsMax = 0;
        long started = System.nanoTime();
        for (Scenario s : scenarios()) {
            Map<String, int[]> flagged = new LinkedHashMap<>();
            rules.keySet().forEach(k -> flagged.put(k, new int[ROWS.length]));
            for (int c = 0; c < ROWS.length; c++) {
                Random random = new Random(ROWS[c] * 31L + s.name().hashCode());
                for (int w = 0; w < WINDOWS; w++) {
                    double[][] window = window(random, ROWS[c], s);
                    DriftReport byKs = ksMax.evaluate(reference, window);
                    DriftReport byShare = share.evaluate(reference, window);
                    for (Map.Entry<String, Rule> rule : rules.entrySet()) {
                        DriftReport r = rule.getKey().equals("ks-max") ? byKs : byShare;
                        flagged.get(rule.getKey())[c] += rule.getValue().flags(r) ? 1 : 0;
                    }
                }
            }
            for (Map.Entry<String, int[]> rule : flagged.entrySet()) {
                table.append("| ")
                        .append(s.name())
                        .append(" | ")
                        .append(rule.getKey())
                        .append(" |");
                for (int count : rule.getValue()) {
                    double rate = count / (double) WINDOWS;
                    if (s.name().equals("none")) {
                        falseAlarmsMax = Math.max(falseAlarmsMax, rate);
                    }
                    table.append(String.format(Locale.ROOT, " %.3f |", rate));
                }
                table.append('\n');
            }
        }
        System.out.printf(
                "%nDrift detection, %d windows per cell, %d features, reference 4000 rows (%.1f s):%n%s%n",
                WINDOWS, FEATURES, (System.nanoTime() - started) / 1e9, table);
        assertTrue(falseAlarmsMax <= 1, "rates are shares");
    }
}
