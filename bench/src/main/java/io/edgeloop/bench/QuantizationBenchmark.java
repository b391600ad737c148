package io.edgeloop.bench;

import ai.onnx.proto.OnnxMl;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.edgeloop.common.SensorSimulator;
import io.edgeloop.compiler.domain.SessionMemoryProbe;
import io.edgeloop.compiler.onnx.Calibrator;
import io.edgeloop.compiler.onnx.DeviceEstimate;
import io.edgeloop.compiler.onnx.DeviceEstimator;
import io.edgeloop.compiler.onnx.OnnxChecker;
import io.edgeloop.compiler.onnx.StaticQuantizer;
import io.edgeloop.compiler.onnx.TargetProfile;
import io.edgeloop.training.domain.Architecture;
import io.edgeloop.training.domain.ClassifierTrainer;
import io.edgeloop.training.domain.DataKind;
import io.edgeloop.training.domain.InputLayout;
import io.edgeloop.training.domain.ModelSpec;
import io.edgeloop.training.domain.SplitData;
import io.edgeloop.training.domain.TrainedModel;
import io.edgeloop.training.domain.TrainingData;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Float vs int8 in one run on the same generated data: trains an MLP (simulated vibration features) and a 1D-CNN
 * (3-channel windows) with the training service's {@link ClassifierTrainer}, exports them to ONNX, quantizes each with
 * the compiler's {@link StaticQuantizer} (per-channel int8 weights, uint8 activations calibrated by min/max on 512
 * train samples), and measures with ONNX Runtime (1 intra-op thread, default optimizations as a device loads a model,
 * warm-up first): file size, single-sample and batch-64 median latency, test accuracy, and training time per epoch.
 *
 * <p>Run: {@code ./mvnw -B -o -q -f bench/pom.xml compile exec:java} (add {@code -Pworking-tree} to use the modules'
 * uninstalled {@code target/*.jar}); {@code -Dbench.dump=DIR} also writes each float and int8 model there.
 */
public final class QuantizationBenchmark {
    private static final OrtEnvironment ENV = OrtEnvironment.getEnvironment();
    private static final List<String> LABELS = List.of("a", "b", "c", "d");

    private QuantizationBenchmark() {}

    /** One benchmarked model. */
    record Row(
            String name,
            int epochs,
            double secondsPerEpoch,
            long floatBytes,
            long int8Bytes,
            double weightRatio,
            long floorBytes,
            double floatAccuracy,
            double int8Accuracy,
            double floatSingleUs,
            double int8SingleUs,
            double floatBatchUs,
            double int8BatchUs,
            double estimatedRamRatio,
            long floatSessionBytes,
            long int8SessionBytes) {}

    public static void main(String[] args) throws Exception {
        ClassifierTrainer.configureDjl();
        System.out.println("ONNX Runtime " + ENV.getVersion() + ", "
                + Runtime.getRuntime().availableProcessors() + " CPUs visible, 1 intra-op thread");
        Path work = Files.createTempDirectory("edgeloop-bench");
        List<Row> rows;
        try (SessionMemoryProbe probe = SessionMemoryProbe.create(work, "128m", Duration.ofMinutes(2), 1)) {
            rows = List.of(
                    run("MLP [8] 64-64", Architecture.MLP, List.of(64, 64), mlpData(), new int[] {8}, probe),
                    run("MLP [8] 256-256", Architecture.MLP, List.of(256, 256), mlpData(), new int[] {8}, probe),
                    run(
                            "1D-CNN [3x128] 16-32",
                            Architecture.CNN1D,
                            List.of(16, 32),
                            windowData(),
                            new int[] {3, 128},
                            probe),
                    run(
                            "1D-CNN [3x128] 64-128",
                            Architecture.CNN1D,
                            List.of(64, 128),
                            windowData(),
                            new int[] {3, 128},
                            probe));
        } finally {
            deleteTree(work);
        }
        System.out.println();
        System.out.println(
                "model                 epochs s/epoch  float B  int8 B  size  floor  weights  acc f   acc i8  d pts "
                        + " 1x f us 1x i8 us 1x ratio  64x f us 64x i8 us 64x ratio  est RAM  session f  session i8"
                        + "  session");
        for (Row r : rows) {
            System.out.println(String.format(
                    Locale.ROOT,
                    "%-21s %6d %7.3f %8d %7d %5.2fx %5.2fx %6.2fx %7.4f %7.4f %+5.2f %8.1f %8.1f %7.2fx %9.1f %9.1f %8.2fx"
                            + "  %6.2fx %9d %11d %6.2fx",
                    r.name,
                    r.epochs,
                    r.secondsPerEpoch,
                    r.floatBytes,
                    r.int8Bytes,
                    (double) r.int8Bytes / r.floatBytes,
                    (double) r.floorBytes / r.floatBytes,
                    r.weightRatio,
                    r.floatAccuracy,
                    r.int8Accuracy,
                    (r.int8Accuracy - r.floatAccuracy) * 100,
                    r.floatSingleUs,
                    r.int8SingleUs,
                    r.int8SingleUs / r.floatSingleUs,
                    r.floatBatchUs,
                    r.int8BatchUs,
                    r.int8BatchUs / r.floatBatchUs,
                    r.estimatedRamRatio,
                    r.floatSessionBytes,
                    r.int8SessionBytes,
                    (double) r.int8SessionBytes / r.floatSessionBytes));
        }
        System.out.println("ratios are int8 / float: below 1.00x is smaller or faster; 'weights' compares the"
                + " Gemm/Conv weight tensors only; 'floor' is the smallest possible int8 file with per-channel scales"
                + " and int32 biases: the float file's bytes other than weights and biases (graph, metadata, input"
                + " statistics) plus 1 byte per weight and 8 per output channel (int32 bias + float scale); 'est RAM' is the"
                + " device estimate of weights + largest live activations (runtime overhead left out); 'session' is the"
                + " measured peak resident memory of an ONNX Runtime session loading the model and running batches of 64,"
                + " each in its own process (ORT's own per-session overhead, ~8 MB, included)");
    }

    static Row run(
            String name,
            Architecture arch,
            List<Integer> units,
            TrainingData data,
            int[] shape,
            SessionMemoryProbe probe)
            throws Exception {
        ModelSpec spec = ModelSpec.builder(arch, units)
                .epochs(15, 5)
                .batchSize(64)
                .learningRate(0.005)
                .optimizer(ModelSpec.OptimizerKind.ADAM)
                .schedule(ModelSpec.Schedule.COSINE)
                .seed(7)
                .build();
        DataKind kind = shape.length == 1 ? DataKind.FEATURES : DataKind.TIMESERIES;
        byte[] floatModel;
        int epochs;
        double seconds;
        try (TrainedModel m =
                new ClassifierTrainer(spec, new InputLayout(kind, shape), data.classLabels()).train(data)) {
            floatModel = m.exportOnnx("bench", Map.of());
            epochs = m.epochs();
            seconds = m.trainingSeconds();
        }
        OnnxMl.ModelProto proto = OnnxMl.ModelProto.parseFrom(floatModel);
        float[][] calibration = Arrays.copyOf(data.train().features(), 512);
        Map<String, float[]> ranges = new Calibrator(ENV, Calibrator.Method.MINMAX, 99.99)
                .ranges(proto, StaticQuantizer.activationsToCalibrate(proto), calibration);
        OnnxMl.ModelProto int8 = StaticQuantizer.quantize(proto, ranges, true).model();
        List<String> problems = OnnxChecker.check(int8);
        if (!problems.isEmpty()) {
            throw new IllegalStateException("quantized model fails the checker: " + problems);
        }
        byte[] int8Model = int8.toByteArray();
        String dump = System.getProperty("bench.dump");
        if (dump != null) {
            Path dir = Files.createDirectories(Path.of(dump));
            String file = name.replaceAll("[^A-Za-z0-9]+", "-");
            Files.write(dir.resolve(file + "-float.onnx"), floatModel);
            Files.write(dir.resolve(file + "-int8.onnx"), int8Model);
        }
        long[] dims = Arrays.stream(shape).asLongStream().toArray();
        try (Measured f = new Measured(floatModel, dims);
                Measured q = new Measured(int8Model, dims)) {
            SplitData test = data.test();
            double accF = f.accuracy(test);
            double accQ = q.accuracy(test);
            // interleave float and int8 measurements so that machine noise hits both alike
            double singleF = 0;
            double singleQ = 0;
            double batchF = 0;
            double batchQ = 0;
            for (int round = 0; round < 3; round++) {
                singleF += f.latencyUs(test, 1, 300, 3000) / 3;
                singleQ += q.latencyUs(test, 1, 300, 3000) / 3;
                batchF += f.latencyUs(test, 64, 30, 300) / 3;
                batchQ += q.latencyUs(test, 64, 30, 300) / 3;
            }
            double weightRatio = (double) weightBytes(int8, "_quantized") / weightBytes(proto, "weight");
            DeviceEstimate floatRam = DeviceEstimator.estimate(
                    proto.getGraph(),
                    DeviceEstimator.weightBytes(proto.getGraph()),
                    floatModel.length,
                    TargetProfile.CPU_FP32);
            DeviceEstimate int8Ram = DeviceEstimator.estimate(
                    proto.getGraph(),
                    DeviceEstimator.weightBytes(int8.getGraph()),
                    int8Model.length,
                    TargetProfile.CPU_INT8);
            double ramRatio = (double) (int8Ram.ramBytes() - TargetProfile.CPU_INT8.runtimeOverheadBytes())
                    / (floatRam.ramBytes() - TargetProfile.CPU_FP32.runtimeOverheadBytes());
            return new Row(
                    name,
                    epochs,
                    seconds / Math.max(1, epochs),
                    floatModel.length,
                    int8Model.length,
                    weightRatio,
                    floorBytes(proto),
                    accF,
                    accQ,
                    singleF,
                    singleQ,
                    batchF,
                    batchQ,
                    ramRatio,
                    sessionPeak(probe, floatModel, dims),
                    sessionPeak(probe, int8Model, dims));
        }
    }

    /**
     * The least an int8 file of {@code floatModel} can weigh with per-channel symmetric weights and int32 biases: its
     * bytes other than the Gemm/Conv/MatMul weights and biases (graph, metadata, other constants), plus one byte per
     * weight and, per output channel, a 4-byte int32 bias and a 4-byte float scale.
     */
    static long floorBytes(OnnxMl.ModelProto floatModel) {
        Map<String, OnnxMl.TensorProto> init = new HashMap<>();
        floatModel.getGraph().getInitializerList().forEach(t -> init.put(t.getName(), t));
        long floatParams = 0;
        long weights = 0;
        long channels = 0;
        for (OnnxMl.NodeProto n : floatModel.getGraph().getNodeList()) {
            if (!List.of("Gemm", "Conv", "MatMul").contains(n.getOpType()) || n.getInputCount() < 2) {
                continue;
            }
            OnnxMl.TensorProto w = init.get(n.getInput(1));
            if (w == null) {
                continue;
            }
            long count = w.getDimsList().stream().mapToLong(Long::longValue).reduce(1, (a, b) -> a * b);
            boolean transB =
                    n.getAttributeList().stream().anyMatch(a -> a.getName().equals("transB") && a.getI() != 0);
            long out = n.getOpType().equals("Conv") || transB ? w.getDims(0) : w.getDims(1);
            weights += count;
            channels += out;
            floatParams += count;
            if (n.getInputCount() > 2 && init.containsKey(n.getInput(2))) {
                floatParams += out;
            }
        }
        return floatModel.getSerializedSize() - 4 * floatParams + weights + 8 * channels;
    }

    /** Peak resident memory of one session of {@code model} running batches of 64, in a process of its own. */
    static long sessionPeak(SessionMemoryProbe probe, byte[] model, long[] dims) throws Exception {
        Path file = Files.createTempFile("bench-model", ".onnx");
        try {
            Files.write(file, model);
            long[] shape = new long[dims.length + 1];
            shape[0] = -1;
            System.arraycopy(dims, 0, shape, 1, dims.length);
            return probe.measure(new SessionMemoryProbe.Request(
                            file, shape, OrtSession.SessionOptions.OptLevel.ALL_OPT, 1, 64))
                    .peakBytes();
        } finally {
            Files.deleteIfExists(file);
        }
    }

    static void deleteTree(Path dir) throws java.io.IOException {
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** Stored bytes of the initializers whose name contains {@code marker} and that are not biases. */
    static long weightBytes(OnnxMl.ModelProto m, String marker) {
        return m.getGraph().getInitializerList().stream()
                .filter(t -> t.getName().contains(marker) && t.getDimsCount() >= 2)
                .mapToLong(t -> t.getRawData().size() + 4L * t.getFloatDataCount())
                .sum();
    }

    /** An ONNX Runtime session of one model. */
    static final class Measured implements AutoCloseable {
        private final OrtSession session;
        private final long[] dims;
        private final String input;

        Measured(byte[] model, long[] dims) throws OrtException {
            try (OrtSession.SessionOptions o = new OrtSession.SessionOptions()) {
                o.setIntraOpNumThreads(1);
                o.setInterOpNumThreads(1);
                this.session = ENV.createSession(model, o);
            }
            this.dims = dims;
            this.input = session.getInputNames().iterator().next();
        }

        OnnxTensor tensor(SplitData split, int from, int n) throws OrtException {
            int f = split.features()[0].length;
            FloatBuffer b = FloatBuffer.allocate(n * f);
            for (int i = 0; i < n; i++) {
                b.put(split.features()[(from + i) % split.size()]);
            }
            b.flip();
            long[] shape = new long[dims.length + 1];
            shape[0] = n;
            System.arraycopy(dims, 0, shape, 1, dims.length);
            return OnnxTensor.createTensor(ENV, b, shape);
        }

        double accuracy(SplitData split) throws OrtException {
            int correct = 0;
            for (int start = 0; start < split.size(); start += 256) {
                int n = Math.min(256, split.size() - start);
                try (OnnxTensor t = tensor(split, start, n);
                        OrtSession.Result r = session.run(Map.of(input, t))) {
                    float[][] out = (float[][]) r.get(0).getValue();
                    for (int i = 0; i < n; i++) {
                        int best = 0;
                        for (int c = 1; c < out[i].length; c++) {
                            if (out[i][c] > out[i][best]) {
                                best = c;
                            }
                        }
                        if (best == split.labels()[start + i]) {
                            correct++;
                        }
                    }
                }
            }
            return (double) correct / split.size();
        }

        /** Median microseconds of one run on {@code batch} samples. */
        double latencyUs(SplitData split, int batch, int warmup, int runs) throws OrtException {
            OnnxTensor[] inputs = new OnnxTensor[16];
            try {
                for (int i = 0; i < inputs.length; i++) {
                    inputs[i] = tensor(split, i * batch, batch);
                }
                for (int i = 0; i < warmup; i++) {
                    session.run(Map.of(input, inputs[i % inputs.length])).close();
                }
                long[] nanos = new long[runs];
                for (int i = 0; i < runs; i++) {
                    Map<String, OnnxTensor> in = Map.of(input, inputs[i % inputs.length]);
                    long t0 = System.nanoTime();
                    session.run(in).close();
                    nanos[i] = System.nanoTime() - t0;
                }
                Arrays.sort(nanos);
                return nanos[runs / 2] / 1000.0;
            } finally {
                for (OnnxTensor t : inputs) {
                    if (t != null) {
                        t.close();
                    }
                }
            }
        }

        @Override
        public void close() throws OrtException {
            session.close();
        }
    }

    /** Simulated vibration features (8 per sample, 4 classes): 4000 train, 1000 validation, 2000 test. */
    static TrainingData mlpData() {
        SensorSimulator sim = new SensorSimulator(42);
        return new TrainingData(
                features(sim, 4000),
                features(sim, 1000),
                features(sim, 2000),
                SensorSimulator.LABELS,
                SensorSimulator.featureCount());
    }

    static SplitData features(SensorSimulator sim, int n) {
        float[][] x = new float[n][];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            var r = sim.next();
            x[i] = r.features();
            y[i] = r.labelIndex();
        }
        return new SplitData(x, y);
    }

    /**
     * Windows of a 3-channel signal [3 x 128], 4 classes that differ in frequency and harmonics, with noise: 3000
     * train, 500 validation, 1000 test.
     */
    static TrainingData windowData() {
        Random r = new Random(43);
        return new TrainingData(windows(r, 3000), windows(r, 500), windows(r, 1000), LABELS, 3 * 128);
    }

    static SplitData windows(Random r, int n) {
        float[][] x = new float[n][3 * 128];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = r.nextInt(4);
            double freq = 0.04 + 0.025 * y[i] + 0.01 * r.nextGaussian();
            double phase = r.nextDouble() * Math.PI * 2;
            for (int c = 0; c < 3; c++) {
                for (int t = 0; t < 128; t++) {
                    x[i][c * 128 + t] =
                            (float) (Math.sin(freq * t * (c + 1) + phase) * (1 + 0.3 * c) + 0.6 * r.nextGaussian());
                }
            }
        }
        return new SplitData(x, y);
    }
}
