package io.edgeloop.monitoring.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.apache.datasketches.kll.KllFloatsSketch;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Categorical input features: the reference keeps rows per category over every TRAIN row, a category-share shift is
 * found by chi-square (small windows) and by the Jensen-Shannon distance (large ones), unchanged streams raise no
 * false alarms, sketches give the same counts, and the statistics are the ones prediction drift uses.
 */
class CategoricalDriftTest {
    /** Features: 0 ~ N(0, 1), 1 ~ N(10, 1), 2 and 3 categorical with {@link #SHARES}. */
    private static final int FEATURES = 4;

    private static final boolean[] CATEGORICAL = {false, false, true, true};
    /** Category shares of the categorical features in the reference (codes 0..3). */
    private static final double[] SHARES = {0.5, 0.3, 0.15, 0.05};

    private static final double[] SHIFTED = {0.3, 0.3, 0.3, 0.1};
    private static final DriftPolicy EVIDENTLY =
            new DriftPolicy(DriftPolicy.Method.FEATURE_SHARE, 0.25, 0.001, 300, 1000, 0.05, 0.1, 0.5);
    private static final DriftPolicy ONE_FEATURE_IS_ENOUGH =
            new DriftPolicy(DriftPolicy.Method.FEATURE_SHARE, 0.25, 0.001, 300, 1000, 0.05, 0.1, 0.25);

    private static ReferenceProfile reference;
    private static Map<Integer, Long> exactCounts;

    @BeforeAll
    static void profileTrainingData() {
        Random random = new Random(11);
        ReferenceProfileBuilder b = new ReferenceProfileBuilder("cat@v1", FEATURES, 500, CATEGORICAL);
        exactCounts = new TreeMap<>();
        for (int i = 0; i < 4000; i++) {
            float[] row = row(random, SHARES, SHARES);
            exactCounts.merge((int) row[2], 1L, Long::sum);
            b.add(row);
        }
        reference = b.build("cat", 1);
    }

    private static float[] row(Random random, double[] shares2, double[] shares3) {
        return new float[] {
            (float) random.nextGaussian(),
            (float) (10 + random.nextGaussian()),
            category(random, shares2),
            category(random, shares3)
        };
    }

    private static int category(Random random, double[] shares) {
        double u = random.nextDouble();
        int c = 0;
        while (c < shares.length - 1 && u >= shares[c]) {
            u -= shares[c];
            c++;
        }
        return c;
    }

    /** {@code rows} rows whose feature 2 has {@code shares2}, the others as in the reference. */
    private static double[][] window(long seed, int rows, double[] shares2) {
        Random random = new Random(seed);
        double[][] columns = new double[FEATURES][rows];
        for (int r = 0; r < rows; r++) {
            float[] row = row(random, shares2, SHARES);
            for (int f = 0; f < FEATURES; f++) {
                columns[f][r] = row[f];
            }
        }
        return columns;
    }

    @Test
    void theReferenceKeepsRowsPerCategoryOverEveryTrainRow() {
        assertEquals(500, reference.sampleSize(), "the reservoir keeps 500 rows");
        assertEquals(exactCounts, reference.features().get(2).categoryCounts(), "counts over all 4000 rows");
        assertEquals(
                4000L,
                reference.features().get(3).categoryCounts().values().stream()
                        .mapToLong(Long::longValue)
                        .sum());
        assertNull(reference.features().get(0).categoryCounts());
        assertEquals(java.util.Arrays.toString(CATEGORICAL), java.util.Arrays.toString(reference.categorical()));
    }

    @Test
    void aCategoryShareShiftIsDetectedByChiSquare() {
        DriftReport r = new DriftEvaluator(ONE_FEATURE_IS_ENOUGH).evaluate(reference, window(21, 300, SHIFTED));
        DriftReport.FeatureResult f = r.features().get(2);
        assertEquals("categorical", f.kind());
        assertEquals("chi-square", f.test());
        assertTrue(f.drifted(), f.toString());
        assertTrue(f.statistic() < 1e-6, "Holm-adjusted p " + f.statistic());
        assertTrue(f.pValue() <= f.statistic(), "raw p " + f.pValue() + " <= adjusted " + f.statistic());
        assertEquals(0.05, f.featureThreshold());
        assertTrue(Double.isNaN(f.ksStatistic()) && Double.isNaN(f.wasserstein()), "no KS for categories");
        assertEquals(4000, f.categories().referenceCount());
        assertEquals(300, f.categories().observedCount());
        assertEquals(0.5, f.categories().referenceShares().get(0), 0.03);
        assertEquals(0.3, f.categories().observedShares().get(0), 0.07);
        assertTrue(f.psi() > 0.1, "PSI over categories " + f.psi());
        for (int other : new int[] {0, 1, 3}) {
            assertFalse(
                    r.features().get(other).drifted(), r.features().get(other).toString());
        }
        assertEquals(0.25, r.driftShare(), 1e-12);
        assertTrue(r.driftDetected(), "one feature of four is enough at drift share 0.25");
        assertFalse(
                new DriftEvaluator(EVIDENTLY)
                        .evaluate(reference, window(21, 300, SHIFTED))
                        .driftDetected(),
                "one feature of four is below the default drift share 0.5");
    }

    @Test
    void manyRowsAreJudgedByTheJensenShannonDistance() {
        DriftEvaluator evaluator = new DriftEvaluator(ONE_FEATURE_IS_ENOUGH);
        DriftReport.FeatureResult shifted = evaluator
                .evaluate(reference, window(31, 3000, SHIFTED))
                .features()
                .get(2);
        assertEquals("jensen-shannon", shifted.test());
        assertEquals(shifted.jensenShannon(), shifted.statistic());
        assertEquals(0.1, shifted.featureThreshold());
        assertTrue(shifted.drifted(), "distance " + shifted.statistic());
        assertEquals(0.172, shifted.statistic(), 0.03, "JS of the two share vectors");
        // a two-point change of shares over 3000 rows is significant for chi-square, but not a relevant distance
        DriftReport.FeatureResult slight = evaluator
                .evaluate(reference, window(32, 3000, new double[] {0.47, 0.31, 0.16, 0.06}))
                .features()
                .get(2);
        assertFalse(slight.drifted(), "distance " + slight.statistic());
    }

    @Test
    void noShiftRaisesAtMostOnePercentFalseAlarmsOver200Windows() {
        for (int rows : new int[] {300, 1500}) {
            DriftEvaluator evaluator = new DriftEvaluator(EVIDENTLY);
            int alarms = 0;
            int categoricalFlags = 0;
            for (int w = 0; w < 200; w++) {
                DriftReport r = evaluator.evaluate(reference, window(1000 + w, rows, SHARES));
                alarms += r.driftDetected() ? 1 : 0;
                categoricalFlags +=
                        r.features().get(2).drifted() || r.features().get(3).drifted() ? 1 : 0;
            }
            assertTrue(alarms <= 2, rows + " rows: false alarms " + alarms + " of 200");
            // Holm across the four features keeps any flagged categorical feature near 5 % of windows
            assertTrue(categoricalFlags <= 20, rows + " rows: windows with a flagged category " + categoricalFlags);
        }
    }

    @Test
    void underKsMaxACategoricalFeatureIsReportedButDoesNotDecide() {
        DriftReport r =
                new DriftEvaluator(DriftPolicy.ksMax(0.25, 0.001, 300)).evaluate(reference, window(21, 300, SHIFTED));
        assertTrue(r.features().get(2).drifted(), "reported with its verdict");
        assertEquals("chi-square", r.features().get(2).test());
        assertFalse(r.driftDetected(), "ks-max decides by KS statistics only");
        assertTrue(r.driftScore() >= 0 && r.driftScore() < 0.25, "largest KS of the numerical features");
    }

    @Test
    void valuesThatAreNoCategoryCodeAreAnUnseenCategory() {
        double[][] obs = window(41, 300, SHARES);
        for (int r = 0; r < 30; r++) {
            obs[2][r] = 1.5;
        }
        DriftReport.FeatureResult f = new DriftEvaluator(ONE_FEATURE_IS_ENOUGH)
                .evaluate(reference, obs)
                .features()
                .get(2);
        assertTrue(f.drifted(), f.toString());
        assertEquals(0.1, f.categories().observedShares().get(CategoryStatistics.NOT_A_CODE), 1e-12);
        assertEquals(0.0, f.categories().referenceShares().get(CategoryStatistics.NOT_A_CODE));
    }

    @Test
    void sketchedCategoriesCountWithinTheSketchErrorAndGiveTheSameVerdicts() {
        for (double[] shares : new double[][] {SHARES, SHIFTED}) {
            double[][] obs = window(51, 3000, shares);
            KllFloatsSketch[] sketches = new KllFloatsSketch[FEATURES];
            for (int f = 0; f < FEATURES; f++) {
                sketches[f] = KllFloatsSketch.newHeapInstance(200);
                for (double v : obs[f]) {
                    sketches[f].update((float) v);
                }
            }
            assertTrue(sketches[2].isEstimationMode(), "3000 values compact a k = 200 sketch");
            Map<Integer, Long> exact = CategoryStatistics.counts(obs[2]);
            Map<Integer, Long> sketched = CategoryStatistics.counts(sketches[2].getSortedView());
            assertEquals(exact.keySet(), sketched.keySet());
            double bound = 2 * sketches[2].getNormalizedRankError(false);
            exact.forEach((code, n) ->
                    assertEquals(n / 3000.0, sketched.get(code) / 3000.0, bound, "share of category " + code));
            DriftEvaluator evaluator = new DriftEvaluator(ONE_FEATURE_IS_ENOUGH);
            DriftReport.FeatureResult fromRows =
                    evaluator.evaluate(reference, obs).features().get(2);
            DriftReport.FeatureResult fromSketch =
                    evaluator.evaluate(reference, sketches).features().get(2);
            assertEquals(fromRows.drifted(), fromSketch.drifted());
            assertEquals(fromRows.statistic(), fromSketch.statistic(), 0.02);
        }
    }

    @Test
    void aLiveBaselineFromSketchesKeepsTheCategoricalFeatures() {
        double[][] obs = window(61, 500, SHIFTED);
        KllFloatsSketch[] sketches = new KllFloatsSketch[FEATURES];
        for (int f = 0; f < FEATURES; f++) {
            sketches[f] = KllFloatsSketch.newHeapInstance(200);
            for (double v : obs[f]) {
                sketches[f].update((float) v);
            }
        }
        ReferenceProfile live =
                ReferenceProfileBuilder.fromSketches("live:cat@v2", "cat", 2, sketches, 500, Map.of(), CATEGORICAL);
        assertTrue(live.features().get(2).categorical());
        assertEquals(
                500L,
                live.features().get(2).categoryCounts().values().stream()
                        .mapToLong(Long::longValue)
                        .sum());
        // the new regime against its own baseline: no drift of the categorical feature
        DriftReport r = new DriftEvaluator(ONE_FEATURE_IS_ENOUGH).evaluate(live, window(62, 300, SHIFTED));
        assertFalse(r.features().get(2).drifted(), r.features().get(2).toString());
    }

    @Test
    void predictionDriftUsesTheSameStatistics() {
        Map<String, Long> training = Map.of("a", 500L, "b", 300L, "c", 150L, "d", 50L);
        Map<String, Long> predicted = Map.of("a", 90L, "b", 90L, "c", 90L, "d", 30L);
        PredictionDrift p =
                PredictionDrift.evaluate(training, predicted, EVIDENTLY).orElseThrow();
        CategoryStatistics.Comparison<String> c = CategoryStatistics.compare(training, predicted);
        assertEquals(c.pValue(), p.statistic());
        assertEquals(c.jensenShannon(), p.jensenShannon());
        // the same counts as a categorical feature's codes give the same p-value
        CategoryStatistics.Comparison<Integer> codes = CategoryStatistics.compare(
                Map.of(0, 500L, 1, 300L, 2, 150L, 3, 50L), Map.of(0, 90L, 1, 90L, 2, 90L, 3, 30L));
        assertEquals(c.pValue(), codes.pValue(), 1e-15);
    }
}
