package io.edgeloop.training.augment;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgeloop.proto.events.v1.AugmentationSpec;
import io.edgeloop.proto.events.v1.TrainingSpec;
import io.edgeloop.training.domain.Architecture;
import io.edgeloop.training.domain.ClassifierTrainer;
import io.edgeloop.training.domain.DataKind;
import io.edgeloop.training.domain.ModelSpec;
import io.edgeloop.training.domain.SplitData;
import io.edgeloop.training.domain.TrainedModel;
import io.edgeloop.training.domain.TrainingData;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Rotation augmentation in a training run: a cross, a T and an L of two strokes, upright in the small train split
 * (60 images, 16 x 16), turned by up to 45 degrees in validation and test. An MLP on the pixels (not rotation
 * invariant) trained on the upright shapes misreads turned ones (0.867 test accuracy with the kept seed); the same MLP,
 * data and seed with random rotations of up to 45 degrees of the train images reaches 1.000.
 */
class RotationAccuracyTest {
    static final List<String> SHAPES = List.of("cross", "tee", "ell");
    static final int SIDE = 16;
    static final double TILT = 45;

    @Test
    void rotationAugmentationTeachesAnMlpTurnedShapes() {
        TrainingData data = shapes(7);
        TrainingSpec base = TrainingSpec.newBuilder()
                .setArchitecture("mlp")
                .addHiddenUnits(32)
                .setMaxEpochs(30)
                .setPatience(30)
                .setBatchSize(16)
                .setSeed(5)
                .build();
        TrainingSpec augmented = base.toBuilder()
                .setAugmentation(AugmentationSpec.newBuilder().setRotationDegrees(TILT))
                .build();
        double plain = accuracy(base, data);
        double rotated = accuracy(augmented, data);
        // seeds 7-10 while developing: plain 0.867 / 0.863 / 0.921 / 0.763, rotated 1.000 / 1.000 / 0.992 / 0.992
        assertTrue(rotated >= 0.95, "augmented test accuracy " + rotated);
        assertTrue(rotated >= plain + 0.05, "augmented " + rotated + " vs plain " + plain);
    }

    private static double accuracy(TrainingSpec requested, TrainingData data) {
        ModelSpec spec = ModelSpec.resolve(
                requested,
                DataKind.IMAGE,
                ModelSpec.builder(Architecture.MLP, List.of(32)).build());
        try (TrainedModel m = ClassifierTrainer.forSamples(
                        spec, DataKind.IMAGE, List.of(1, SIDE, SIDE), SIDE * SIDE, SHAPES)
                .train(data)) {
            return m.test().accuracy();
        }
    }

    /** 60 upright train shapes; 80 validation and 240 test shapes turned by up to {@link #TILT} degrees. */
    static TrainingData shapes(long seed) {
        Random r = new Random(seed);
        return new TrainingData(split(r, 60, 0), split(r, 80, TILT), split(r, 240, TILT), SHAPES, SIDE * SIDE);
    }

    /**
     * Shapes of two strokes (width ~1.5 px, arm 4.5-6 px) about a centre within 1 px of the image's: a cross, a T or
     * an L, turned by a uniform angle in [-tilt, tilt] degrees, anti-aliased; noise sigma 0.05.
     */
    private static SplitData split(Random r, int n, double tilt) {
        float[][] x = new float[n][SIDE * SIDE];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            int c = i % SHAPES.size();
            y[i] = c;
            double angle = Math.toRadians(tilt * (2 * r.nextDouble() - 1));
            double a = 4.5 + 1.5 * r.nextDouble();
            double cy = (SIDE - 1) / 2.0 + (2 * r.nextDouble() - 1);
            double cx = (SIDE - 1) / 2.0 + (2 * r.nextDouble() - 1);
            // strokes {x0, y0, x1, y1} in the shape's own frame
            double[][] strokes = switch (c) {
                case 0 -> new double[][] {{-a, 0, a, 0}, {0, -a, 0, a}};
                case 1 -> new double[][] {{-a, -a, a, -a}, {0, -a, 0, a}};
                default -> new double[][] {{-a, -a, -a, a}, {-a, a, a, a}};
            };
            double cos = Math.cos(angle);
            double sin = Math.sin(angle);
            for (int h = 0; h < SIDE; h++) {
                for (int w = 0; w < SIDE; w++) {
                    // the pixel in the shape's frame (rotated back)
                    double u = (w - cx) * cos + (h - cy) * sin;
                    double v = -(w - cx) * sin + (h - cy) * cos;
                    double ink = 0;
                    for (double[] st : strokes) {
                        ink = Math.max(ink, Math.max(0, 1 - Math.max(0, distance(u, v, st) - 0.75)));
                    }
                    x[i][h * SIDE + w] = (float) (ink + 0.05 * r.nextGaussian());
                }
            }
        }
        return new SplitData(x, y);
    }

    /** Distance of (u, v) from the segment {x0, y0, x1, y1}. */
    private static double distance(double u, double v, double[] s) {
        double dx = s[2] - s[0];
        double dy = s[3] - s[1];
        double t = Math.max(0, Math.min(1, ((u - s[0]) * dx + (v - s[1]) * dy) / (dx * dx + dy * dy)));
        return Math.hypot(u - s[0] - t * dx, v - s[1] - t * dy);
    }
}
