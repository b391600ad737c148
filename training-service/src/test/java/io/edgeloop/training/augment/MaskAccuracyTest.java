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
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * SpecAugment-style time masks in a training run, against a spurious shortcut: tones of 90, 180 or 300 Hz buried in
 * noise, and in every train (and validation) window a loud click at a place that gives the class away (a time
 * segment of 2-3 frames, much easier to learn than the tone). In the test windows the click sits at a random
 * class's place, independent of the label. An MLP on the mfe features trained without masks leans on the click
 * (0.504 test accuracy with the kept seed); the same MLP, data and seed with 6 time masks of up to 4 frames of 15
 * per window, which often hide the click while the tone stays in the other frames, reaches 0.733. Windows with no
 * click at all: 0.871 without masks, 0.967 with them.
 */
class MaskAccuracyTest {
    static final List<String> TONES = List.of("low", "mid", "high");
    static final double[] HZ = {90, 180, 300};
    /** Where the train click of each class starts (samples, +-8). */
    static final int[] CLICK_AT = {40, 120, 200};

    static final int RATE = 1000;
    static final int LENGTH = 256;

    @Test
    void timeMasksTeachAnMlpTheToneInsteadOfAClickAtAClassPlace() {
        Random r = new Random(1);
        TrainingData data = new TrainingData(
                split(r, 90, Click.AT_CLASS),
                split(r, 60, Click.AT_CLASS),
                split(r, 240, Click.ANYWHERE),
                TONES,
                LENGTH);
        SplitData silent = split(r, 240, Click.NONE);
        TrainingSpec base = TrainingSpec.newBuilder()
                .setArchitecture("mlp")
                .addHiddenUnits(32)
                .setImpulse(ImpulseSpec.newBuilder()
                        .setBlock("mfe")
                        .setSampleRateHz(RATE)
                        .setFrameLength(32)
                        .setMelFilters(16)) // 16 filters x 15 frames (stride 16)
                .setMaxEpochs(20)
                .setPatience(20)
                .setBatchSize(16)
                .setSeed(5)
                .build();
        TrainingSpec masked = base.toBuilder()
                .setAugmentation(AugmentationSpec.newBuilder().setTimeMasks(6).setTimeMaskMax(4))
                .build();
        double[] plain = accuracy(base, data, silent);
        double[] withMasks = accuracy(masked, data, silent);
        // data seeds 1-10 while developing (training seed 5): plain 0.504 / 0.442 / 0.521 / 0.633 / 0.671 / 0.525 /
        // 0.613 / 0.558 / 0.558 / 0.533, masked 0.733 / 0.642 / 0.688 / 0.742 / 0.754 / 0.771 / 0.763 / 0.704 /
        // 0.638 / 0.717 (+0.08 to +0.25); without a click, masks gained +0.03 to +0.10 on every seed
        assertTrue(withMasks[0] >= plain[0] + 0.1, "masked " + withMasks[0] + " vs plain " + plain[0]);
        assertTrue(withMasks[0] >= 0.65, "masked test accuracy " + withMasks[0]);
        assertTrue(withMasks[1] > plain[1], "no click: masked " + withMasks[1] + " vs plain " + plain[1]);
    }

    /** Test accuracy, and accuracy on {@code silent}. */
    private static double[] accuracy(TrainingSpec requested, TrainingData data, SplitData silent) {
        ModelSpec spec = ModelSpec.resolve(
                requested,
                DataKind.TIMESERIES,
                ModelSpec.builder(Architecture.MLP, List.of(32)).build());
        try (TrainedModel m = ClassifierTrainer.forSamples(spec, DataKind.TIMESERIES, List.of(1, LENGTH), LENGTH, TONES)
                .train(data)) {
            return new double[] {m.test().accuracy(), m.evaluate(silent).accuracy()};
        }
    }

    /** Where a window's click is. */
    enum Click {
        /** At its class's place. */
        AT_CLASS,
        /** At a random class's place. */
        ANYWHERE,
        /** None. */
        NONE
    }

    /**
     * [1, 256] windows at 1 kHz: a tone of the class's frequency (amplitude 0.49-0.91, random phase) plus noise sigma
     * 1, and a click: 12 samples of noise sigma 4 starting at {@link #CLICK_AT} +-8 samples.
     */
    private static SplitData split(Random r, int n, Click click) {
        float[][] x = new float[n][LENGTH];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            int c = i % TONES.size();
            y[i] = c;
            double phase = 2 * Math.PI * r.nextDouble();
            double amp = 0.7 * (0.7 + 0.6 * r.nextDouble());
            for (int t = 0; t < LENGTH; t++) {
                x[i][t] = (float) (amp * Math.sin(2 * Math.PI * HZ[c] * t / RATE + phase) + r.nextGaussian());
            }
            int place = click == Click.ANYWHERE ? r.nextInt(TONES.size()) : c;
            if (click != Click.NONE) {
                int at = CLICK_AT[place] + r.nextInt(17) - 8;
                for (int t = at; t < at + 12; t++) {
                    x[i][t] += (float) (4 * r.nextGaussian());
                }
            }
        }
        return new SplitData(x, y);
    }
}
