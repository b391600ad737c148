package io.edgeloop.agent.domain;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.edgeloop.agent.TestModels;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Any ONNX model through ONNX Runtime's metadata: N-D inputs, several inputs with defaults, int64 inputs, regression
 * outputs, every datatype, class labels and the classification view, input validation (client errors) and run-time
 * failures.
 */
class LoadedModelTest {
    private static final String LABELS = "normal,imbalance,misalignment,bearing-fault";

    @TempDir
    Path dir;

    private final ModelRuntime runtime = new ModelRuntime(OrtEnvironment.getEnvironment());

    @AfterEach
    void close() {
        runtime.close();
    }

    static ModelDescriptor descriptor(String name, int version) {
        return new ModelDescriptor(
                "dep-" + name + version,
                name,
                version,
                name + "-v" + version,
                "sha-" + name,
                "onnx",
                List.of(),
                0,
                null);
    }

    private LoadedModel load(byte[] bytes, ModelDescriptor d) throws Exception {
        Path file = Files.write(dir.resolve(d.modelName() + "-" + System.nanoTime() + ".onnx"), bytes);
        return LoadedModel.load(runtime.environment(), file, d, 1);
    }

    private static float[] gaussian(int n, long seed) {
        Random r = new Random(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) r.nextGaussian();
        }
        return x;
    }

    /** ONNX Runtime run directly on {@code model} with one FP32 input. */
    static float[] reference(byte[] model, String input, float[] x, long[] shape) throws OrtException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession s = env.createSession(model, new OrtSession.SessionOptions());
                OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(x), shape);
                OrtSession.Result r = s.run(Map.of(input, t))) {
            FloatBuffer out = ((OnnxTensor) r.get(0)).getFloatBuffer();
            float[] a = new float[out.remaining()];
            out.get(a);
            return a;
        }
    }

    @Test
    void servesOneAndTwoDimensionalCnnShapedInputsLikeOnnxRuntime() throws Exception {
        for (long[] dims : List.of(new long[] {4, 10}, new long[] {1, 8, 8})) {
            byte[] bytes = TestModels.flattenLinear(dims, 4, 11, LABELS);
            String name = "cnn" + dims.length;
            runtime.activate(load(bytes, descriptor(name, 1)));
            ModelSignature sig = runtime.get(name).orElseThrow().signature();
            int f = (int) Tensor.elements(dims);
            assertEquals(f, sig.featureCount());
            assertEquals(dims.length + 1, sig.featureInput().rank());
            assertEquals(-1, sig.featureInput().dim(0));
            assertEquals(List.of(LABELS.split(",")), sig.labels());

            long[] shape = new long[dims.length + 1];
            shape[0] = 3;
            System.arraycopy(dims, 0, shape, 1, dims.length);
            float[] x = gaussian(3 * f, 5);
            InferenceResult r = runtime.run(name, "", Map.of("input", Tensor.fp32("input", shape, x)), List.of());
            assertEquals(3, r.batch());
            assertArrayEquals(
                    reference(bytes, "input", x, shape),
                    (float[]) r.output("probabilities").data(),
                    1e-6f);
            assertArrayEquals(new long[] {3, 4}, r.output("probabilities").shape());
            assertEquals(3, r.labels().size());

            // the flat features of one sample are reshaped to the feature input
            Prediction p = runtime.infer(name, java.util.Arrays.copyOf(x, f));
            assertEquals(r.labels().get(0), p.label());
            assertEquals(4, p.probabilities().length);
        }
        assertEquals(2, runtime.models().size());
    }

    @Test
    void assignmentLabelsWinOverMetadataAndOutputKindDecidesTheView() throws Exception {
        byte[] bytes = TestModels.constant(8, 4, 2, "w,x,y,z");
        var d = descriptor("m", 1).withOutput(List.of("a", "b", "c", "d"), "");
        assertEquals(List.of("a", "b", "c", "d"), load(bytes, d).labels());
        assertEquals(
                List.of("w", "x", "y", "z"), load(bytes, descriptor("m", 2)).labels());

        // no labels anywhere: raw tensors, never invented labels
        LoadedModel plain = load(TestModels.constant(8, 4, 2, null), descriptor("plain", 1));
        assertNull(plain.signature().classification());
        assertEquals("tensor", plain.signature().outputKind());
        runtime.activate(plain);
        Prediction p = runtime.infer("plain", new float[8]);
        assertNull(p.label());
        assertEquals(1, p.outputs().size());

        // declared classification without labels: generated ones; declared embedding: no view despite labels
        assertEquals(
                "class-3",
                load(TestModels.constant(8, 4, 2, null), descriptor("c", 1).withOutput(List.of(), "classification"))
                        .labels()
                        .get(3));
        assertNull(load(bytes, descriptor("e", 1).withOutput(List.of(), "embedding"))
                .signature()
                .classification());
        assertThrows(InvalidModelException.class, () -> load(bytes, d.withOutput(List.of("a", "b"), "")));
    }

    @Test
    void regressionOutputsAreServedAsTensors() throws Exception {
        byte[] bytes = TestModels.regression(5, 3);
        runtime.activate(load(bytes, descriptor("price", 1).withOutput(List.of(), "regression")));
        float[] x = gaussian(10, 9);
        InferenceResult r =
                runtime.run("price", "1", Map.of("input", Tensor.fp32("input", new long[] {2, 5}, x)), List.of());
        assertTrue(r.labels().isEmpty());
        assertEquals("regression", r.model().outputKind());
        assertArrayEquals(
                reference(bytes, "input", x, new long[] {2, 5}),
                (float[]) r.output("value").data(),
                1e-5f);
    }

    @Test
    void leftOutInputsTakeTheirDefaultsAndInt64InputsAreFed() throws Exception {
        var d = descriptor("rnn", 1).withInputs("x", Map.of("state", 0.5));
        runtime.activate(load(TestModels.stateful(), d));
        ModelSignature sig = runtime.get("rnn").orElseThrow().signature();
        assertEquals(3, sig.inputs().size());
        assertEquals(DataType.INT64, sig.input("step").orElseThrow().datatype());
        assertEquals("x", sig.featureInput().name());

        float[] x = {1, 2, 3, 4, 5, 6};
        Tensor xs = Tensor.fp32("x", new long[] {2, 3}, x);
        // without state and step: state = 0.5 everywhere (sum 1.0), step = 0
        InferenceResult r = runtime.run("rnn", "", Map.of("x", xs), List.of());
        assertArrayEquals(
                new float[] {3, 5, 7, 9, 11, 13}, (float[]) r.output("y").data(), 1e-6f);
        assertArrayEquals(
                new float[] {1.5f, 1.5f, 1.5f, 1.5f},
                (float[]) r.output("new_state").data(),
                1e-6f);

        Map<String, Tensor> all = new LinkedHashMap<>();
        all.put("x", xs);
        all.put("state", Tensor.fp32("state", new long[] {2, 2}, new float[] {1, 2, 0, 0}));
        all.put("step", new Tensor("step", DataType.INT64, new long[] {2, 1}, new long[] {3, 10}));
        r = runtime.run("rnn", "", all, List.of("y"));
        assertEquals(1, r.outputs().size(), "only the requested output");
        assertArrayEquals(
                new float[] {8, 10, 12, 18, 20, 22}, (float[]) r.output("y").data(), 1e-6f);
    }

    @Test
    void everyDatatypeRoundTripsThroughOnnxRuntime() throws Exception {
        Map<DataType, OnnxMl.TensorProto.DataType> onnx = Map.of(
                DataType.FP32, OnnxMl.TensorProto.DataType.FLOAT,
                DataType.FP16, OnnxMl.TensorProto.DataType.FLOAT16,
                DataType.FP64, OnnxMl.TensorProto.DataType.DOUBLE,
                DataType.INT64, OnnxMl.TensorProto.DataType.INT64,
                DataType.INT32, OnnxMl.TensorProto.DataType.INT32,
                DataType.INT16, OnnxMl.TensorProto.DataType.INT16,
                DataType.INT8, OnnxMl.TensorProto.DataType.INT8,
                DataType.UINT8, OnnxMl.TensorProto.DataType.UINT8,
                DataType.BOOL, OnnxMl.TensorProto.DataType.BOOL);
        for (DataType type : DataType.values()) {
            String name = "id-" + type;
            runtime.activate(load(TestModels.identity(onnx.get(type)), descriptor(name, 1)));
            assertEquals(
                    type,
                    runtime.get(name).orElseThrow().signature().featureInput().datatype());
            Object data = type.newArray(6);
            double[] values = {0, 1, -2, 3, 200, 5};
            for (int i = 0; i < 6; i++) {
                double v = type == DataType.BOOL ? i % 2 : type == DataType.UINT8 ? Math.abs(values[i]) : values[i];
                Tensor.set(type, data, i, type == DataType.INT8 && v > 127 ? 100 : v);
            }
            Tensor in = new Tensor("input", type, new long[] {2, 3}, data);
            Tensor out = runtime.run(name, "", Map.of("input", in), List.of()).output("output");
            assertEquals(type, out.datatype());
            for (int i = 0; i < 6; i++) {
                assertEquals(in.get(i), out.get(i), 0, type + " element " + i);
            }
            Object raw = TensorCodec.fromRaw(type, ByteBuffer.wrap(TensorCodec.toRaw(out)));
            Tensor back = new Tensor("output", type, out.shape(), raw);
            for (int i = 0; i < 6; i++) {
                assertEquals(out.get(i), back.get(i), 0, type + " raw element " + i);
            }
        }
    }

    @Test
    void inputThatDoesNotFitIsTheCallersFault() throws Exception {
        runtime.activate(load(TestModels.stateful(), descriptor("rnn", 1).withInputs("x", Map.of())));
        Tensor x = Tensor.fp32("x", new long[] {1, 3}, new float[] {1, 2, 3});
        Map<String, List<String>> cases = new LinkedHashMap<>();
        cases.put("unknown", fields(Map.of("x", x, "h0", x), List.of()));
        cases.put(
                "missing feature",
                fields(Map.of("state", Tensor.fp32("state", new long[] {1, 2}, new float[2])), List.of()));
        cases.put(
                "datatype",
                fields(Map.of("x", new Tensor("x", DataType.FP64, new long[] {1, 3}, new double[3])), List.of()));
        cases.put("rank", fields(Map.of("x", Tensor.fp32("x", new long[] {3}, new float[3])), List.of()));
        cases.put("fixed dim", fields(Map.of("x", Tensor.fp32("x", new long[] {1, 4}, new float[4])), List.of()));
        cases.put("count", fields(Map.of("x", Tensor.fp32("x", new long[] {2, 3}, new float[3])), List.of()));
        cases.put(
                "batch",
                fields(Map.of("x", x, "state", Tensor.fp32("state", new long[] {2, 2}, new float[4])), List.of()));
        cases.put(
                "nan",
                fields(Map.of("x", Tensor.fp32("x", new long[] {1, 3}, new float[] {1, Float.NaN, 3})), List.of()));
        cases.put("output", fields(Map.of("x", x), List.of("hidden")));
        assertEquals(List.of("h0"), cases.get("unknown"));
        assertEquals(List.of("x"), cases.get("missing feature"));
        assertEquals(List.of("x"), cases.get("datatype"));
        assertEquals(List.of("x"), cases.get("rank"));
        assertEquals(List.of("x"), cases.get("fixed dim"));
        assertEquals(List.of("x"), cases.get("count"));
        assertEquals(List.of("state"), cases.get("batch"));
        assertEquals(List.of("x[1]"), cases.get("nan"));
        assertEquals(List.of("outputs"), cases.get("output"));
        assertEquals(0, runtime.get("rnn").orElseThrow().inferenceCount(), "nothing was run");
    }

    private List<String> fields(Map<String, Tensor> inputs, List<String> outputs) {
        InvalidInputException e =
                assertThrows(InvalidInputException.class, () -> runtime.run("rnn", "", inputs, outputs));
        return e.problems().stream().map(InputProblem::field).toList();
    }

    @Test
    void runtimeFailuresAreInferenceFailures() throws Exception {
        var d = new ModelDescriptor("d", "reshape", 1, "v1", "s", "onnx", List.of(), 4, null);
        runtime.activate(load(TestModels.reshapeTo3(), d));
        assertEquals(4, runtime.get("reshape").orElseThrow().featureCount(), "dynamic width from the assignment");
        assertThrows(InferenceFailedException.class, () -> runtime.infer("reshape", new float[4]));
        InferenceResult ok = runtime.run(
                "reshape", "", Map.of("input", Tensor.fp32("input", new long[] {1, 6}, new float[6])), List.of());
        assertArrayEquals(new long[] {2, 3}, ok.output("output").shape());
    }

    @Test
    void maxOpsetIsTheHighestOnnxRuntimeLoads() throws Exception {
        load(TestModels.identityAtOpset(DeviceLimits.ORT_MAX_OPSET), descriptor("max", 1))
                .release();
        assertThrows(
                OrtException.class,
                () -> load(TestModels.identityAtOpset(DeviceLimits.ORT_MAX_OPSET + 1), descriptor("next", 1)));
    }
}
