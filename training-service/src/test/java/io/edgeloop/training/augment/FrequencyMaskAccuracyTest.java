package io.edgeloop.training.augment;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgeloop.proto.events.v1.AugmentationSpec;
import io.edgeloop.proto.events.v1.ImpulseSpec;
import io.edgeloop.proto.events.v1.TrainingSpec;
import io.edgeloop.training.domain.Architecture;
import io.edgeloop.training.domain.ClassifierTrainer;
import io.edgeloop.training.domain.DataKind;
import io.edgeloop.training.domain.ModelSpec;
import io.edgeloop.training.domain.SplitData;
import io.edgeloop.training.domain.TrainedModel;
import io.edgeloop.training.domain.TrainingData;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * SpecAugment-style frequency masks in a training run, against a spurious shortcut in one band: the frequency twin of
 * {@link MaskAccuracyTest}. The class is *when* a broadband noise burst occurs in a [1, 256] window at 1 kHz (early,
 * middle or late: visible in every mel channel), and every train and validation window also carries a loud hum whose
 * pitch gives the class away (400, 440 or 480 Hz: the top two or three of 16 mel channels). In the test windows the hum
 * has a random class's pitch. An MLP on the mfe features trained without masks leans on the hum; with 6 frequency masks
 * of up to 4 channels per window, which often hide the hum band while the burst stays visible in the other channels, it
 * learns the burst's place. Eight data seeds, same training seed, plain vs masked.
 */
class FrequencyMaskAccuracyTest {
    static final List<String> PLACES = List.of("early", "middle", "late");
    /** Where each class's burst starts (samples, +-8). */
    static final int[] BURST_AT = {20, 100, 180};

    static final int BURST_LENGTH = 56;
    static final double[] HUM_HZ = {400, 440, 480};
    static final int RATE = 1000;
    static final int LENGTH = 256;
    static final int SEEDS = 8;

    @Test
    void frequencyMasksTeachAnMlpTheBurstInsteadOfAHumAtAClassPitch() {
        TrainingSpec base = TrainingSpec.newBuilder()
                .setArchitecture("mlp")
                .addHiddenUnits(32)
                .setImpulse(ImpulseSpec.newBuilder()
                        .setBlock("mfe")
                        .setSampleRateHz(RATE)
                        .setFrameLength(32)
                        .setMelFilters(16)) // 16 channels x 15 frames
                .setMaxEpochs(40)
                .setPatience(40)
                .setBatchSize(16)
                .setSeed(5)
                .build();
        TrainingSpec masked = base.toBuilder()
                .setAugmentation(
                        AugmentationSpec.newBuilder().setFrequencyMasks(6).setFrequencyMaskMax(4))
                .build();
        double[] plain = new double[SEEDS];
        double[] withMasks = new double[SEEDS];
        for (int s = 0; s < SEEDS; s++) {
            Random r = new Random(s + 1);
            TrainingData data =
                    new TrainingData(split(r, 90, false), split(r, 60, false), split(r, 240, true), PLACES, LENGTH);
            plain[s] = testAccuracy(base, data);
            withMasks[s] = testAccuracy(masked, data);
        }
        double plainMean = Arrays.stream(plain).average().orElseThrow();
        double maskedMean = Arrays.stream(withMasks).average().orElseThrow();
        long improved =
                IntStream.range(0, SEEDS).filter(s -> withMasks[s] > plain[s]).count();
        String figures = "plain " + Arrays.toString(plain) + ", masked " + Arrays.toString(withMasks);
        System.out.printf("frequency masks: mean test accuracy %.3f -> %.3f; %s%n", plainMean, maskedMean, figures);
        assertTrue(maskedMean >= plainMean + 0.08, figures);
        assertTrue(improved >= SEEDS - 2, improved + " of " + SEEDS + " seeds improved: " + figures);
    }

    private static double testAccuracy(TrainingSpec requested, TrainingData data) {
        ModelSpec spec = ModelSpec.resolve(
                requested,
                DataKind.TIMESERIES,
                ModelSpec.builder(Architecture.MLP, List.of(32)).build());
        try (TrainedModel m = ClassifierTrainer.forSamples(
                        spec, DataKind.TIMESERIES, List.of(1, LENGTH), LENGTH, PLACES)
                .train(data)) {
            return m.test().accuracy();
        }
    }

    /**
     * Windows of noise sigma 1 with a burst of {@link #BURST_LENGTH} samples of extra noise (sigma 1-1.8) at the
     * class's place +-8 samples, plus a hum (amplitude 1.4-2.6, random phase) at the class's pitch, or at a random
     * class's pitch when {@code humAnywhere}.
     */
    private static SplitData split(Random r, int n, boolean humAnywhere) {
        float[][] x = new float[n][LENGTH];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            int c = i % PLACES.size();
            y[i] = c;
            double hz = HUM_HZ[humAnywhere ? r.nextInt(HUM_HZ.length) : c];
            double phase = 2 * Math.PI * r.nextDouble();
            double hum = 2 * (0.7 + 0.6 * r.nextDouble());
            double burst = 1 + 0.8 * r.nextDouble();
            int at = BURST_AT[c] + r.nextInt(17) - 8;
            for (int t = 0; t < LENGTH; t++) {
                double v = r.nextGaussian() + hum * Math.sin(2 * Math.PI * hz * t / RATE + phase);
                if (t >= at && t < at + BURST_LENGTH) {
                    v += burst * r.nextGaussian();
                }
                x[i][t] = (float) v;
            }
        }
        return new SplitData(x, y);
    }
}
