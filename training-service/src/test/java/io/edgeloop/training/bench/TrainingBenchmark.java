package io.edgeloop.training.bench;

import io.edgeloop.common.SensorSimulator;
import io.edgeloop.training.domain.Architecture;
import io.edgeloop.training.domain.ClassifierTrainer;
import io.edgeloop.training.domain.DataKind;
import io.edgeloop.training.domain.InputLayout;
import io.edgeloop.training.domain.ModelSpec;
import io.edgeloop.training.domain.SplitData;
import io.edgeloop.training.domain.Synthetic;
import io.edgeloop.training.domain.TrainedModel;
import io.edgeloop.training.domain.TrainingData;
import java.util.List;
import java.util.Locale;

/**
 * Training time per epoch of the MLP (demo sensor features [8]), the 1D-CNN (sine windows [3 x 128]) and the 2D-CNN
 * (shapes [1 x 8 x 8]) on generated data, measured in one run on one thread. Not a test. Run:
 *
 * <pre>
 * ./mvnw -o -q -pl training-service org.codehaus.mojo:exec-maven-plugin:3.5.0:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=io.edgeloop.training.bench.TrainingBenchmark [-Dexec.args="4000 6"]
 * </pre>
 *
 * Arguments: train windows (default 4000), epochs (default 6; the first is reported separately as warm-up).
 */
public final class TrainingBenchmark {
    private TrainingBenchmark() {}

    /** Runs the benchmark and prints one line per model plus the CNN/MLP ratios. */
    public static void main(String[] args) {
        int train = args.length > 0 ? Integer.parseInt(args[0]) : 4000;
        int epochs = args.length > 1 ? Integer.parseInt(args[1]) : 6;
        int val = train / 4;
        ModelSpec base = ModelSpec.builder(Architecture.MLP, List.of(32, 32))
                .epochs(epochs, epochs)
                .batchSize(32)
                .learningRate(0.01)
                .optimizer(ModelSpec.OptimizerKind.ADAM)
                .schedule(ModelSpec.Schedule.COSINE)
                .seed(42)
                .build();
        System.out.printf(
                Locale.ROOT,
                "training benchmark: %d train samples, %d epochs, batch 32, Adam, 1 thread (%s, %d cores)%n",
                train,
                epochs,
                System.getProperty("java.version"),
                Runtime.getRuntime().availableProcessors());
        double mlp = run("mlp [8] 32-32", sensor(train, val), base, new InputLayout(DataKind.FEATURES, new int[] {8}));
        double cnn1d = run(
                "cnn1d [3x128] 16-32",
                Synthetic.timeSeries(1, 3, 128, train, val, val),
                base.withLayers(Architecture.CNN1D, Architecture.CNN1D.defaultUnits()),
                new InputLayout(DataKind.TIMESERIES, new int[] {3, 128}));
        double cnn2d = run(
                "cnn2d [1x8x8] 8-16",
                Synthetic.images(1, 8, train, val, val),
                base.withLayers(Architecture.CNN2D, Architecture.CNN2D.defaultUnits()),
                new InputLayout(DataKind.IMAGE, new int[] {1, 8, 8}));
        System.out.printf(Locale.ROOT, "ratio cnn1d/mlp per epoch: %.1fx%n", cnn1d / mlp);
        System.out.printf(Locale.ROOT, "ratio cnn2d/mlp per epoch: %.1fx%n", cnn2d / mlp);
    }

    private static double run(String name, TrainingData data, ModelSpec spec, InputLayout layout) {
        long[] stamps = new long[spec.maxEpochs() + 1];
        stamps[0] = System.nanoTime();
        try (TrainedModel m = new ClassifierTrainer(spec, layout, data.classLabels())
                .onEpoch(s -> stamps[s.epoch()] = System.nanoTime())
                .train(data)) {
            double first = (stamps[1] - stamps[0]) / 1e9;
            double steady = spec.maxEpochs() > 1
                    ? (stamps[spec.maxEpochs()] - stamps[1]) / 1e9 / (spec.maxEpochs() - 1)
                    : first;
            System.out.printf(
                    Locale.ROOT,
                    "%-22s params %6d  first epoch %.3f s  steady %.3f s/epoch  (%.1f us/sample)  test acc %.3f%n",
                    name,
                    m.parameterCount(),
                    first,
                    steady,
                    steady / data.train().size() * 1e6,
                    m.test().accuracy());
            return steady;
        }
    }

    private static TrainingData sensor(int train, int val) {
        SensorSimulator sim = new SensorSimulator(7);
        return new TrainingData(split(sim, train), split(sim, val), split(sim, val), SensorSimulator.LABELS, 8);
    }

    private static SplitData split(SensorSimulator sim, int n) {
        float[][] x = new float[n][];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            SensorSimulator.Reading r = sim.next();
            x[i] = r.features();
            y[i] = r.labelIndex();
        }
        return new SplitData(x, y);
    }
}
