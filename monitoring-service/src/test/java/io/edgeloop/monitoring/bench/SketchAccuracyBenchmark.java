package io.edgeloop.monitoring.bench;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgeloop.common.sketch.FeatureSketches;
import io.edgeloop.monitoring.domain.DriftEvaluator;
import io.edgeloop.monitoring.domain.DriftPolicy;
import io.edgeloop.monitoring.domain.DriftReport;
import io.edgeloop.monitoring.domain.ObservationBuffer;
import io.edgeloop.monitoring.domain.ReferenceProfile;
import io.edgeloop.monitoring.domain.ReferenceProfileBuilder;
import io.edgeloop.proto.telemetry.v1.FeatureSketch;
import io.edgeloop.proto.telemetry.v1.TelemetryWindow;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.apache.datasketches.kll.KllFloatsSketch;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * What device-side sketches cost and lose against raw rows: telemetry bytes of one window's inputs (eight features)
 * as agents send them (per-feature KLL sketches, k = 200) and as raw rows (the old 64-row reservoir, and every row),
 * and the error of sketch-based drift figures against the exact ones on the same rows (200 windows per size, each
 * window's rows spread over three devices whose sketches monitoring merges, half the windows with a 0.5 sd shift on one
 * feature). Run: {@code ./mvnw -B -o -q verify -pl monitoring-service -Pbenchmark -Dtest=SketchAccuracyBenchmark}.
 */
@Tag("benchmark")
class SketchAccuracyBenchmark {
    private static final int FEATURES = 8;
    private static final int WINDOWS = 200;
    private static final int DEVICES = 3;
    private static final int[] ROWS = {100, 300, 1000, 3000, 10000};

    @Test
    void printsBytesPerWindowAndTheErrorOfSketchBasedStatistics() {
        ReferenceProfile reference = reference();
        DriftEvaluator share = new DriftEvaluator(
                new DriftPolicy(DriftPolicy.Method.FEATURE_SHARE, 0.25, 0.001, 50, 1000, 0.05, 0.1, 1.0 / FEATURES));
        DriftEvaluator ksMax = new DriftEvaluator(DriftPolicy.ksMax(0.25, 0.001, 50));
        StringBuilder table =
                new StringBuilder("| rows per window | sketch bytes | 64-row sample bytes | all rows bytes |"
                        + " KS error mean / max | W1 error mean / max (sd) | verdicts agreeing |\n"
                        + "| --- | --- | --- | --- | --- | --- | --- |\n");
        long started = System.nanoTime();
        double worstKs = 0;
        for (int rows : ROWS) {
            Random random = new Random(rows);
            double ksSum = 0;
            double ksMaxErr = 0;
            double wSum = 0;
            double wMaxErr = 0;
            int agree = 0;
            long sketchBytes = 0;
            for (int w = 0; w < WINDOWS; w++) {
                float[][] window = window(random, rows, w % 2 == 0 ? 0 : 0.5);
                Sketched s = sketch(window);
                sketchBytes += s.bytes();
                double[][] columns = columns(window);
                DriftReport exact = share.evaluate(reference, columns);
                DriftReport approx = share.evaluate(reference, s.merged());
                for (int f = 0; f < FEATURES; f++) {
                    double ksErr = Math.abs(exact.features().get(f).ksStatistic()
                            - approx.features().get(f).ksStatistic());
                    double wErr = Math.abs(exact.features().get(f).wasserstein()
                            - approx.features().get(f).wasserstein());
                    ksSum += ksErr;
                    wSum += wErr;
                    ksMaxErr = Math.max(ksMaxErr, ksErr);
                    wMaxErr = Math.max(wMaxErr, wErr);
                }
                boolean same = exact.driftDetected() == approx.driftDetected()
                        && ksMax.evaluate(reference, columns).driftDetected()
                                == ksMax.evaluate(reference, s.merged()).driftDetected();
                agree += same ? 1 : 0;
            }
            worstKs = Math.max(worstKs, ksMaxErr);
            table.append(String.format(
                    Locale.ROOT,
                    "| %d | %d | %d | %d | %.4f / %.4f | %.4f / %.4f | %.3f |%n",
                    rows,
                    sketchBytes / WINDOWS,
                    rawBytes(Math.min(64, rows)),
                    rawBytes(rows),
                    ksSum / (WINDOWS * FEATURES),
                    ksMaxErr,
                    wSum / (WINDOWS * FEATURES),
                    wMaxErr,
                    agree / (double) WINDOWS));
        }
        System.out.printf(
                "%nSketches (KLL k=200, %d devices merged) vs raw rows, %d windows per size, %d features (%.1f s):%n%s%n",
                DEVICES, WINDOWS, FEATURES, (System.nanoTime() - started) / 1e9, table);
        assertTrue(worstKs < 1, "KS errors are distances between CDFs");
    }

    /** The merged per-feature sketches of one window and the bytes its devices sent for them. */
    private record Sketched(KllFloatsSketch[] merged, long bytes) {}

    private static Sketched sketch(float[][] window) {
        List<ObservationBuffer.Chunk> chunks = new ArrayList<>();
        long bytes = 0;
        for (int d = 0; d < DEVICES; d++) {
            FeatureSketches device = new FeatureSketches(FEATURES, FeatureSketches.DEFAULT_K);
            int count = 0;
            for (int r = d; r < window.length; r += DEVICES) {
                device.update(window[r]);
                count++;
            }
            TelemetryWindow.Builder wire = TelemetryWindow.newBuilder();
            device.toBytes()
                    .forEach(kll -> wire.addFeatureSketches(
                            FeatureSketch.newBuilder().setKll(com.google.protobuf.ByteString.copyFrom(kll))));
            TelemetryWindow sent = wire.build();
            bytes += sent.getSerializedSize();
            List<KllFloatsSketch> read = sent.getFeatureSketchesList().stream()
                    .map(s -> FeatureSketches.read(s.getKll().toByteArray()))
                    .toList();
            chunks.add(new ObservationBuffer.Chunk(d, "dev-" + d, count, FEATURES, new float[0], read));
        }
        return new Sketched(
                ObservationBuffer.select(chunks, FEATURES, window.length).sketches(), bytes / DEVICES);
    }

    /** Serialized size of {@code rows} raw rows in a window's input_sample (packed floats). */
    private static long rawBytes(int rows) {
        TelemetryWindow.Builder b = TelemetryWindow.newBuilder().setSampleCount(rows);
        for (int i = 0; i < rows * FEATURES; i++) {
            b.addInputSample(i);
        }
        return b.build().getSerializedSize();
    }

    private static ReferenceProfile reference() {
        Random random = new Random(11);
        ReferenceProfileBuilder b = new ReferenceProfileBuilder("bench@v1", FEATURES, 4000);
        for (int i = 0; i < 4000; i++) {
            b.add(row(random, 0));
        }
        return b.build("bench", 1);
    }

    private static float[][] window(Random random, int rows, double shiftOfFeatureZero) {
        float[][] window = new float[rows][];
        for (int r = 0; r < rows; r++) {
            window[r] = row(random, shiftOfFeatureZero);
        }
        return window;
    }

    private static float[] row(Random random, double shiftOfFeatureZero) {
        float[] row = new float[FEATURES];
        for (int f = 0; f < FEATURES; f++) {
            row[f] = (float) (10 * f + (f == 0 ? shiftOfFeatureZero : 0) + random.nextGaussian());
        }
        return row;
    }

    private static double[][] columns(float[][] window) {
        double[][] columns = new double[FEATURES][window.length];
        for (int r = 0; r < window.length; r++) {
            for (int f = 0; f < FEATURES; f++) {
                columns[f][r] = window[r][f];
            }
        }
        return columns;
    }
}
