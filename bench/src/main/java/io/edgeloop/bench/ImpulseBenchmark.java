package io.edgeloop.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import io.edgeloop.proto.events.v1.ImpulseSpec;
import io.edgeloop.proto.events.v1.TrainingSpec;
import io.edgeloop.testsupport.Tones;
import io.edgeloop.training.domain.Architecture;
import io.edgeloop.training.domain.ClassifierTrainer;
import io.edgeloop.training.domain.DataKind;
import io.edgeloop.training.domain.ModelSpec;
import io.edgeloop.training.domain.SplitData;
import io.edgeloop.training.domain.TrainedModel;
import io.edgeloop.training.domain.TrainingData;
import io.edgeloop.training.domain.TrainingDivergedException;
import io.edgeloop.training.impulse.ProcessingBlock;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Impulses in one run on the same generated signals ({@link Tones}: three tones and a chirp with noise): for an
 * accelerometer-like data set (3 axes x 128 at 100 Hz) and an audio-like one (1 axis x 256 at 1 kHz), each also in a
 * hard version (tones 1 Hz or 15 Hz apart, a narrow chirp, noise sigma 1.5 instead of 0.4), trains the raw
 * windows (1D-CNN) and each processing block (spectral + MLP, MFE and MFCC + 1D-CNN) with the training service's
 * {@link ClassifierTrainer}, and measures: test accuracy, the block's cost per window computed in Java (training) and
 * inside the exported graph in ONNX Runtime (the block's nodes alone; what a device runs), the whole model's latency
 * for one window in ONNX Runtime, its size, and the features the network sees. 1 intra-op thread, medians.
 *
 * <p>Run: {@code ./mvnw -B -o -q -f bench/pom.xml compile exec:java
 * -Dexec.mainClass=io.edgeloop.bench.ImpulseBenchmark} (add {@code -Pworking-tree} for the modules' uninstalled jars).
 */
public final class ImpulseBenchmark {
    private static final OrtEnvironment ENV = OrtEnvironment.getEnvironment();
    private static final List<String> CLASSES = List.of("tone-a", "tone-b", "tone-c", "chirp");
    private static final int TRAIN = 240;
    private static final int VALIDATION = 60;
    private static final int TEST = 400;

    private ImpulseBenchmark() {}

    /** One measured model. */
    record Row(
            String data,
            String block,
            String network,
            int features,
            double accuracy,
            double javaUs,
            double ortBlockUs,
            double ortModelUs,
            long bytes) {}

    public static void main(String[] args) throws Exception {
        ClassifierTrainer.configureDjl();
        System.out.println("ONNX Runtime " + ENV.getVersion() + ", "
                + Runtime.getRuntime().availableProcessors() + " CPUs visible, 1 intra-op thread");
        List<Row> rows = new ArrayList<>();
        Map<String, Tones> sets = new java.util.LinkedHashMap<>();
        sets.put("accel", new Tones(100, 3, 128, new double[] {4, 13, 31}, 3, 40));
        sets.put("accel-hard", new Tones(100, 3, 128, new double[] {5, 6, 7}, 4, 8, 1.5));
        sets.put("audio", new Tones(1000, 1, 256, new double[] {70, 160, 330}, 50, 450));
        sets.put("audio-hard", new Tones(1000, 1, 256, new double[] {100, 115, 130}, 100, 130, 1.5));
        for (Map.Entry<String, Tones> set : sets.entrySet()) {
            int frame = set.getValue().rate() < 1000 ? 32 : 64;
            for (String block : List.of("raw", "spectral", "mfe", "mfcc")) {
                rows.add(run(set.getKey(), set.getValue(), block, frame));
            }
        }
        print(rows);
    }

    private static Row run(String name, Tones tones, String block, int frame) throws Exception {
        Random r = new Random(7);
        TrainingData data = new TrainingData(
                split(tones, r, TRAIN),
                split(tones, r, VALIDATION),
                split(tones, r, TEST),
                CLASSES,
                tones.axes() * tones.length());
        TrainingSpec.Builder requested = TrainingSpec.newBuilder()
                .setMaxEpochs(25)
                .setPatience(25)
                .setBatchSize(16)
                .setSeed(42);
        if (block.equals("raw")) {
            requested.setArchitecture("cnn1d");
        } else {
            ImpulseSpec.Builder impulse =
                    ImpulseSpec.newBuilder().setBlock(block).setSampleRateHz(tones.rate());
            if (!block.equals("spectral")) {
                impulse.setFrameLength(frame);
            }
            requested.setImpulse(impulse);
        }
        ModelSpec spec = ModelSpec.resolve(
                requested.build(),
                DataKind.TIMESERIES,
                ModelSpec.builder(Architecture.MLP, List.of(32, 32)).seed(42).build());
        List<Integer> shape = List.of(tones.axes(), tones.length());
        try {
            return measure(name, block, spec, shape, data);
        } catch (TrainingDivergedException e) {
            System.out.println(name + " " + block + ": " + e.getMessage());
            return new Row(name, block, "diverged", 0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, 0);
        }
    }

    private static Row measure(String name, String block, ModelSpec spec, List<Integer> shape, TrainingData data)
            throws OrtException {
        try (TrainedModel model = ClassifierTrainer.forSamples(
                        spec, DataKind.TIMESERIES, shape, data.featureCount(), CLASSES)
                .train(data)) {
            byte[] onnx = model.exportOnnx("impulse-bench", Map.of());
            float[][] windows = data.test().features();
            ProcessingBlock processing = model.processing();
            double javaUs = Double.NaN;
            double ortBlockUs = Double.NaN;
            if (processing != null) {
                javaUs = medianMicros(() -> processing.apply(windows[0]), windows.length);
                ortBlockUs = ortMicros(processing.standaloneModel(), windows);
            }
            return new Row(
                    name,
                    block,
                    spec.architecture().name().toLowerCase(Locale.ROOT),
                    model.layout().featureCount(),
                    model.test().accuracy(),
                    javaUs,
                    ortBlockUs,
                    ortMicros(onnx, windows),
                    onnx.length);
        }
    }

    private static SplitData split(Tones tones, Random r, int n) {
        Tones.Windows w = tones.windows(r, n);
        return new SplitData(w.x(), w.y());
    }

    /** Median microseconds of one window through {@code onnx} in ONNX Runtime (batch 1, after warm-up). */
    private static double ortMicros(byte[] onnx, float[][] windows) throws OrtException {
        try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
            opts.setIntraOpNumThreads(1);
            try (OrtSession session = ENV.createSession(onnx, opts)) {
                String input = session.getInputNames().iterator().next();
                long[] dims = ((TensorInfo) session.getInputInfo().get(input).getInfo()).getShape();
                dims[0] = 1;
                double[] times = new double[windows.length];
                for (int round = 0; round < 2; round++) { // the first round warms up
                    for (int i = 0; i < windows.length; i++) {
                        long t0 = System.nanoTime();
                        try (OnnxTensor x = OnnxTensor.createTensor(ENV, FloatBuffer.wrap(windows[i]), dims);
                                OrtSession.Result out = session.run(Map.of(input, x))) {
                            out.get(0);
                        }
                        times[i] = (System.nanoTime() - t0) / 1e3;
                    }
                }
                return median(times);
            }
        }
    }

    private static double medianMicros(Runnable work, int n) {
        double[] times = new double[n];
        for (int round = 0; round < 2; round++) {
            for (int i = 0; i < n; i++) {
                long t0 = System.nanoTime();
                work.run();
                times[i] = (System.nanoTime() - t0) / 1e3;
            }
        }
        return median(times);
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    private static void print(List<Row> rows) {
        System.out.printf(
                Locale.ROOT,
                "%n%-11s %-9s %-6s %8s %9s %12s %12s %9s %12s %9s%n",
                "data",
                "block",
                "net",
                "features",
                "test acc",
                "java us/win",
                "ort block us",
                "ort/java",
                "ort model us",
                "bytes");
        for (Row row : rows) {
            System.out.printf(
                    Locale.ROOT,
                    "%-11s %-9s %-6s %8d %9.3f %12s %12s %9s %12.1f %9d%n",
                    row.data(),
                    row.block(),
                    row.network(),
                    row.features(),
                    row.accuracy(),
                    Double.isNaN(row.javaUs()) ? "-" : String.format(Locale.ROOT, "%.1f", row.javaUs()),
                    Double.isNaN(row.ortBlockUs()) ? "-" : String.format(Locale.ROOT, "%.1f", row.ortBlockUs()),
                    Double.isNaN(row.javaUs())
                            ? "-"
                            : String.format(Locale.ROOT, "%.2fx", row.ortBlockUs() / row.javaUs()),
                    row.ortModelUs(),
                    row.bytes());
        }
        for (Row row : rows) {
            if (!row.block().equals("raw") && !Double.isNaN(row.accuracy())) {
                Row raw = rows.stream()
                        .filter(o -> o.data().equals(row.data()) && o.block().equals("raw"))
                        .findFirst()
                        .orElseThrow();
                System.out.printf(
                        Locale.ROOT,
                        "%s %s: accuracy %+.3f vs raw, model latency %.2fx raw's%n",
                        row.data(),
                        row.block(),
                        row.accuracy() - raw.accuracy(),
                        row.ortModelUs() / raw.ortModelUs());
            }
        }
    }
}
