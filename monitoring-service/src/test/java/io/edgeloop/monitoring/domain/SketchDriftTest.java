package io.edgeloop.monitoring.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgeloop.common.sketch.FeatureSketches;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.apache.datasketches.kll.KllFloatsSketch;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Drift from per-feature KLL sketches, as agents send them, against drift from the same rows sent raw: the figures
 * agree within the sketch's rank error, and the rules keep their false-alarm rate and detection delay.
 */
class SketchDriftTest {
    private static final int FEATURES = GaussianReference.FEATURES;
    private static final int DEVICES = 3;
    private static final DriftPolicy EVIDENTLY = GaussianReference.EVIDENTLY;
    private static ReferenceProfile reference;

    @BeforeAll
    static void profileTrainingData() {
        reference = GaussianReference.profile();
    }

    /** One window's rows, feature f ~ N(10 f + shift[f], scale[f]^2), as float32 like the device's inputs. */
    private static float[][] rows(long seed, int n, double[] shift, double[] scale) {
        Random random = new Random(seed);
        float[][] rows = new float[n][FEATURES];
        for (float[] row : rows) {
            for (int f = 0; f < FEATURES; f++) {
                row[f] = (float) (10 * f + shift[f] + scale[f] * random.nextGaussian());
            }
        }
        return rows;
    }

    private static double[][] columns(float[][] rows) {
        double[][] columns = new double[FEATURES][rows.length];
        for (int r = 0; r < rows.length; r++) {
            for (int f = 0; f < FEATURES; f++) {
                columns[f][r] = rows[r][f];
            }
        }
        return columns;
    }

    /** The rows sketched on {@link #DEVICES} devices (round robin), through the wire form, merged as monitoring does. */
    private static KllFloatsSketch[] sketched(float[][] rows) {
        List<ObservationBuffer.Chunk> chunks = new ArrayList<>();
        for (int d = 0; d < DEVICES; d++) {
            FeatureSketches device = new FeatureSketches(FEATURES, FeatureSketches.DEFAULT_K);
            int count = 0;
            for (int r = d; r < rows.length; r += DEVICES) {
                device.update(rows[r]);
                count++;
            }
            List<KllFloatsSketch> wire =
                    device.toBytes().stream().map(FeatureSketches::read).toList();
            chunks.add(new ObservationBuffer.Chunk(d, "dev-" + d, count, FEATURES, new float[0], wire));
        }
        ObservationBuffer.Selection s = ObservationBuffer.select(chunks, FEATURES, rows.length);
        assertTrue(s.sketched());
        assertNull(s.columns());
        assertEquals(rows.length, s.rows());
        assertEquals(Set.of("dev-0", "dev-1", "dev-2"), s.deviceIds());
        return s.sketches();
    }

    private static double[] constant(double v) {
        double[] a = new double[FEATURES];
        Arrays.fill(a, v);
        return a;
    }

    @Test
    void sketchFiguresMatchTheExactOnesWithinTheRankError() {
        double[] shift = constant(0);
        shift[2] = 0.3;
        float[][] rows = rows(3, 3000, shift, constant(1));
        KllFloatsSketch[] sketches = sketched(rows);
        double eps = sketches[0].getNormalizedRankError(false);
        DriftEvaluator evaluator = new DriftEvaluator(EVIDENTLY);
        DriftReport exact = evaluator.evaluate(reference, columns(rows));
        DriftReport approx = evaluator.evaluate(reference, sketches);
        assertEquals(3000, approx.sampleCount());
        for (int f = 0; f < FEATURES; f++) {
            DriftReport.FeatureResult e = exact.features().get(f);
            DriftReport.FeatureResult a = approx.features().get(f);
            assertEquals(e.ksStatistic(), a.ksStatistic(), 2 * eps, "KS statistic of feature " + f);
            // KLL compacts at random (unseeded): a quantile read from the sketch is off by at most eps in rank, so
            // W1 (the integral of the quantile gap, in reference stds: 1 here) is off by at most eps * the range
            double[] column = columns(rows)[f];
            double range = Arrays.stream(column).max().orElseThrow()
                    - Arrays.stream(column).min().orElseThrow();
            assertEquals(e.wasserstein(), a.wasserstein(), 0.1 * e.wasserstein() + eps * range, "W1 of feature " + f);
            assertEquals(e.jensenShannon(), a.jensenShannon(), 0.03, "JS of feature " + f);
            assertEquals(e.observedMean(), a.observedMean(), 0.05, "mean of feature " + f);
            assertEquals(e.drifted(), a.drifted(), "verdict of feature " + f);
        }
        assertEquals(exact.driftDetected(), approx.driftDetected());
    }

    @Test
    void noDriftRaisesAtMostOnePercentFalseAlarmsOver200SketchedWindows() {
        DriftEvaluator share = new DriftEvaluator(EVIDENTLY);
        int alarms = 0;
        for (int w = 0; w < 200; w++) {
            alarms += share.evaluate(reference, sketched(rows(1000 + w, 300, constant(0), constant(1))))
                            .driftDetected()
                    ? 1
                    : 0;
        }
        assertTrue(alarms <= 2, "false alarms from sketches: " + alarms + " of 200");
    }

    @Test
    void halfSigmaShiftOfOneFeatureAndAVarianceChangeAreDetectedFromSketches() {
        double[] shift = constant(0);
        shift[3] = 0.5;
        for (int w = 0; w < 2; w++) {
            DriftReport r =
                    new DriftEvaluator(EVIDENTLY).evaluate(reference, sketched(rows(50 + w, 300, shift, constant(1))));
            assertTrue(
                    r.features().get(3).drifted(),
                    "window " + w + ": " + r.features().get(3));
        }
        DriftReport byKs =
                new DriftEvaluator(EVIDENTLY).evaluate(reference, sketched(rows(7, 500, constant(0), constant(2))));
        assertTrue(byKs.driftDetected(), "KS from sketches, 500 rows: share " + byKs.driftShare());
        DriftReport byDistance =
                new DriftEvaluator(EVIDENTLY).evaluate(reference, sketched(rows(8, 1500, constant(0), constant(2))));
        assertTrue(byDistance.driftDetected(), "W1 from sketches, 1,500 rows: share " + byDistance.driftShare());
        byDistance.features().forEach(f -> assertEquals(0.80, f.wasserstein(), 0.1));
    }

    @Test
    void rawRowsOfOlderAgentsJoinTheSketchesAndALiveBaselineIsBuiltFromThem() {
        float[][] rows = rows(21, 400, constant(0), constant(1));
        FeatureSketches device = new FeatureSketches(FEATURES, FeatureSketches.DEFAULT_K);
        for (int r = 0; r < 300; r++) {
            device.update(rows[r]);
        }
        float[] raw = new float[100 * FEATURES];
        for (int r = 300; r < 400; r++) {
            System.arraycopy(rows[r], 0, raw, (r - 300) * FEATURES, FEATURES);
        }
        List<ObservationBuffer.Chunk> newestFirst = List.of(
                new ObservationBuffer.Chunk(2, "old-agent", 100, FEATURES, raw),
                new ObservationBuffer.Chunk(1, "new-agent", 300, FEATURES, new float[0], List.of(sketchesOf(device))));
        ObservationBuffer.Selection s = ObservationBuffer.select(newestFirst, FEATURES, 1000);
        assertTrue(s.sketched());
        assertEquals(400, s.rows());
        assertEquals(400, s.sketches()[0].getN());

        ReferenceProfile live = ReferenceProfileBuilder.fromSketches(
                "live:gauss@v2", "gauss", 2, s.sketches(), 1000, reference.labelCounts());
        assertEquals(400, live.trainCount());
        assertEquals(400, live.sampleSize(), "one quantile per value when fewer than the sample size");
        for (int f = 0; f < FEATURES; f++) {
            ReferenceProfile.FeatureProfile p = live.features().get(f);
            assertEquals(10 * f, p.mean(), 0.2);
            assertEquals(1.0, p.std(), 0.15);
            assertEquals(ReferenceProfileBuilder.BINS, p.binProportions().length);
        }
        // the same regime compared with that baseline: no drift
        DriftReport same =
                new DriftEvaluator(EVIDENTLY).evaluate(live, sketched(rows(22, 600, constant(0), constant(1))));
        assertTrue(!same.driftDetected(), "share " + same.driftShare());
    }

    private static KllFloatsSketch[] sketchesOf(FeatureSketches device) {
        KllFloatsSketch[] out = new KllFloatsSketch[FEATURES];
        for (int f = 0; f < FEATURES; f++) {
            out[f] = device.feature(f);
        }
        return out;
    }
}
