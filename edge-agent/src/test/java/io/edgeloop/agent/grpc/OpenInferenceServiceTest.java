package io.edgeloop.agent.grpc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import com.google.protobuf.ByteString;
import io.edgeloop.agent.TestModels;
import io.edgeloop.agent.domain.LoadedModel;
import io.edgeloop.agent.domain.ModelDescriptor;
import io.edgeloop.agent.domain.ModelRuntime;
import io.edgeloop.proto.inference.GRPCInferenceServiceGrpc;
import io.edgeloop.proto.inference.InferTensorContents;
import io.edgeloop.proto.inference.ModelInferRequest;
import io.edgeloop.proto.inference.ModelInferResponse;
import io.edgeloop.proto.inference.ModelMetadataRequest;
import io.edgeloop.proto.inference.ModelMetadataResponse;
import io.edgeloop.proto.inference.ModelReadyRequest;
import io.edgeloop.proto.inference.ServerLiveRequest;
import io.edgeloop.proto.inference.ServerMetadataRequest;
import io.edgeloop.proto.inference.ServerReadyRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The KServe v2 / Open Inference Protocol gRPC API, called through a client built from the generated stubs: health,
 * metadata, typed and raw FP32 inference checked against ONNX Runtime run directly on the same model, and the
 * protocol's error codes.
 */
@QuarkusTest
class OpenInferenceServiceTest {
    private static final int F = 8;
    private static final int C = 4;

    @GrpcClient("kserve")
    GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub client;

    @Inject
    ModelRuntime runtime;

    @AfterEach
    void unload() {
        runtime.close(); // leave no model behind for the other tests of this application
    }

    private byte[] activate() throws Exception {
        byte[] model = TestModels.linear(F, new float[] {0.1f, -0.2f, 0.3f, 0f}, 0.7f, 5, null);
        Path file = Files.createTempFile("kserve", ".onnx");
        Files.write(file, model);
        var d = new ModelDescriptor(
                "dep-k", "vibration", 7, "vibration-v7-fp32", "e".repeat(64), "onnx", List.of(), 0, Instant.now());
        runtime.activate(LoadedModel.load(runtime.environment(), file, d, 1));
        return model;
    }

    /** What ONNX Runtime computes for the same rows, in-process and independent of the agent. */
    private static float[] reference(byte[] model, float[] rows, int n) throws Exception {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession s = env.createSession(model, new OrtSession.SessionOptions());
                OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(rows), new long[] {n, F});
                OrtSession.Result r = s.run(Map.of("input", t))) {
            float[][] out = (float[][]) r.get(0).getValue();
            float[] flat = new float[n * C];
            for (int i = 0; i < n; i++) {
                System.arraycopy(out[i], 0, flat, i * C, C);
            }
            return flat;
        }
    }

    private static float[] rows(int n, long seed) {
        Random r = new Random(seed);
        float[] x = new float[n * F];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextGaussian() * 3;
        }
        return x;
    }

    private static ModelInferRequest.Builder request(String name, List<Long> shape) {
        return ModelInferRequest.newBuilder()
                .setModelName("vibration")
                .setId("req-1")
                .addInputs(ModelInferRequest.InferInputTensor.newBuilder()
                        .setName(name)
                        .setDatatype("FP32")
                        .addAllShape(shape));
    }

    private static ModelInferRequest typed(float[] x, int n) {
        InferTensorContents.Builder c = InferTensorContents.newBuilder();
        for (float v : x) {
            c.addFp32Contents(v);
        }
        ModelInferRequest.Builder b = request("input", List.of((long) n, (long) F));
        b.getInputsBuilder(0).setContents(c);
        return b.build();
    }

    private static Status.Code code(Runnable call) {
        return assertThrows(StatusRuntimeException.class, call::run).getStatus().getCode();
    }

    @Test
    void healthAndMetadataFollowTheModel() throws Exception {
        runtime.close();
        assertTrue(client.serverLive(ServerLiveRequest.getDefaultInstance()).getLive());
        assertFalse(client.serverReady(ServerReadyRequest.getDefaultInstance()).getReady());
        assertFalse(client.modelReady(
                        ModelReadyRequest.newBuilder().setName("vibration").build())
                .getReady());
        assertEquals(
                "edge-agent",
                client.serverMetadata(ServerMetadataRequest.getDefaultInstance())
                        .getName());
        assertEquals(
                Status.Code.UNAVAILABLE,
                code(() -> client.modelMetadata(
                        ModelMetadataRequest.newBuilder().setName("vibration").build())));
        assertEquals(Status.Code.UNAVAILABLE, code(() -> client.modelInfer(typed(rows(1, 1), 1))));

        activate();
        assertTrue(client.serverReady(ServerReadyRequest.getDefaultInstance()).getReady());
        assertTrue(client.modelReady(
                        ModelReadyRequest.newBuilder().setName("vibration").build())
                .getReady());
        assertTrue(client.modelReady(ModelReadyRequest.newBuilder()
                        .setName("vibration")
                        .setVersion("7")
                        .build())
                .getReady());
        assertFalse(client.modelReady(ModelReadyRequest.newBuilder()
                        .setName("vibration")
                        .setVersion("6")
                        .build())
                .getReady());
        assertFalse(client.modelReady(
                        ModelReadyRequest.newBuilder().setName("other").build())
                .getReady());

        ModelMetadataResponse meta = client.modelMetadata(
                ModelMetadataRequest.newBuilder().setName("vibration").build());
        assertEquals("vibration", meta.getName());
        assertEquals(List.of("7"), meta.getVersionsList());
        assertEquals("onnxruntime_onnx", meta.getPlatform());
        assertEquals(1, meta.getInputsCount());
        assertEquals("input", meta.getInputs(0).getName());
        assertEquals("FP32", meta.getInputs(0).getDatatype());
        assertEquals(List.of(-1L, (long) F), meta.getInputs(0).getShapeList());
        assertEquals("probabilities", meta.getOutputs(0).getName());
        assertEquals("FP32", meta.getOutputs(0).getDatatype());
        assertEquals(List.of(-1L, (long) C), meta.getOutputs(0).getShapeList());
        assertEquals(
                Status.Code.NOT_FOUND,
                code(() -> client.modelMetadata(
                        ModelMetadataRequest.newBuilder().setName("other").build())));
    }

    @Test
    void infersTypedAndRawBatchesLikeOnnxRuntime() throws Exception {
        byte[] model = activate();
        int n = 5;
        float[] x = rows(n, 42);
        float[] expected = reference(model, x, n);

        ModelInferResponse typed = client.modelInfer(typed(x, n));
        assertEquals("vibration", typed.getModelName());
        assertEquals("7", typed.getModelVersion());
        assertEquals("req-1", typed.getId());
        assertEquals(1, typed.getOutputsCount());
        assertEquals("probabilities", typed.getOutputs(0).getName());
        assertEquals("FP32", typed.getOutputs(0).getDatatype());
        assertEquals(List.of((long) n, (long) C), typed.getOutputs(0).getShapeList());
        float[] got = new float[n * C];
        for (int i = 0; i < got.length; i++) {
            got[i] = typed.getOutputs(0).getContents().getFp32Contents(i);
        }
        assertArrayEquals(expected, got, 1e-6f);

        ByteBuffer raw = ByteBuffer.allocate(x.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        raw.asFloatBuffer().put(x);
        ModelInferResponse rawResponse = client.modelInfer(request("input", List.of((long) n, (long) F))
                .setModelVersion("7")
                .addOutputs(ModelInferRequest.InferRequestedOutputTensor.newBuilder()
                        .setName("probabilities"))
                .addRawInputContents(ByteString.copyFrom(raw.array()))
                .build());
        assertEquals(1, rawResponse.getRawOutputContentsCount());
        float[] rawOut = new float[n * C];
        rawResponse
                .getRawOutputContents(0)
                .asReadOnlyByteBuffer()
                .order(ByteOrder.LITTLE_ENDIAN)
                .asFloatBuffer()
                .get(rawOut);
        assertArrayEquals(expected, rawOut, 1e-6f);
        assertEquals(2 * n, runtime.active().orElseThrow().inferenceCount(), "each row is one inference");
    }

    @Test
    void badRequestsGetTheProtocolsStatusCodes() throws Exception {
        activate();
        float[] x = rows(2, 3);
        // another model or version
        assertEquals(
                Status.Code.NOT_FOUND,
                code(() -> client.modelInfer(
                        typed(x, 2).toBuilder().setModelName("other").build())));
        assertEquals(
                Status.Code.NOT_FOUND,
                code(() -> client.modelInfer(
                        typed(x, 2).toBuilder().setModelVersion("3").build())));
        // shapes
        assertEquals(Status.Code.INVALID_ARGUMENT, code(() -> client.modelInfer(typed(x, 3))));
        ModelInferRequest.Builder wrongRank = typed(x, 2).toBuilder();
        wrongRank.getInputsBuilder(0).clearShape().addShape(2L * F);
        assertEquals(Status.Code.INVALID_ARGUMENT, code(() -> client.modelInfer(wrongRank.build())));
        ModelInferRequest.Builder wrongFeatures = typed(x, 2).toBuilder();
        wrongFeatures.getInputsBuilder(0).clearShape().addShape(4L).addShape(4L);
        assertEquals(Status.Code.INVALID_ARGUMENT, code(() -> client.modelInfer(wrongFeatures.build())));
        ModelInferRequest.Builder zeroBatch = typed(new float[0], 0).toBuilder();
        assertEquals(Status.Code.INVALID_ARGUMENT, code(() -> client.modelInfer(zeroBatch.build())));
        // the request id names the inference in telemetry: an over-long one is refused
        assertEquals(
                Status.Code.INVALID_ARGUMENT,
                code(() -> client.modelInfer(
                        typed(x, 2).toBuilder().setId("i".repeat(201)).build())));
        // datatype, names, contents
        ModelInferRequest.Builder fp64 = typed(x, 2).toBuilder();
        fp64.getInputsBuilder(0).setDatatype("FP64");
        assertEquals(Status.Code.INVALID_ARGUMENT, code(() -> client.modelInfer(fp64.build())));
        ModelInferRequest.Builder wrongName = typed(x, 2).toBuilder();
        wrongName.getInputsBuilder(0).setName("features");
        assertEquals(Status.Code.INVALID_ARGUMENT, code(() -> client.modelInfer(wrongName.build())));
        assertEquals(
                Status.Code.INVALID_ARGUMENT,
                code(() -> client.modelInfer(typed(x, 2).toBuilder()
                        .addOutputs(ModelInferRequest.InferRequestedOutputTensor.newBuilder()
                                .setName("logits"))
                        .build())));
        assertEquals(
                Status.Code.INVALID_ARGUMENT,
                code(() -> client.modelInfer(request("input", List.of(2L, (long) F))
                        .addRawInputContents(ByteString.copyFrom(new byte[2 * F * 4 - 1]))
                        .build())));
        float[] nan = x.clone();
        nan[3] = Float.NaN;
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> client.modelInfer(typed(nan, 2)));
        assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
        assertTrue(
                e.getStatus().getDescription().contains("input[3]"),
                e.getStatus().getDescription());
        assertEquals(
                Status.Code.INVALID_ARGUMENT,
                code(() -> client.modelInfer(
                        typed(x, 2).toBuilder().setModelName("").build())));
        assertEquals(0, runtime.active().orElseThrow().inferenceCount(), "nothing was run");
    }

    private void activate(String name, byte[] bytes, ModelDescriptor d) throws Exception {
        Path file = Files.createTempFile(name, ".onnx");
        Files.write(file, bytes);
        runtime.activate(LoadedModel.load(runtime.environment(), file, d, 1));
    }

    /**
     * The loop's 1D-CNN and 2D-CNN shapes and a model with a state input (left out: its default) and an int64 input,
     * served next to each other, typed and raw, with requested outputs.
     */
    @Test
    void servesNdAndMultiInputModelsTypedAndRaw() throws Exception {
        byte[] cnn1 = TestModels.flattenLinear(new long[] {4, 10}, 4, 31, "a,b,c,d");
        byte[] cnn2 = TestModels.flattenLinear(new long[] {1, 8, 8}, 3, 32, "x,y,z");
        var d1 = new ModelDescriptor("d1", "cnn1d", 1, "v1", "1".repeat(64), "onnx", List.of(), 0, Instant.now());
        var d2 = new ModelDescriptor("d2", "cnn2d", 2, "v2", "2".repeat(64), "onnx", List.of(), 0, Instant.now());
        var d3 = new ModelDescriptor("d3", "rnn", 1, "v1", "3".repeat(64), "onnx", List.of(), 0, Instant.now())
                .withInputs("x", Map.of("state", 0.5));
        activate("cnn1d", cnn1, d1);
        activate("cnn2d", cnn2, d2);
        activate("rnn", TestModels.stateful(), d3);

        ModelMetadataResponse meta = client.modelMetadata(
                ModelMetadataRequest.newBuilder().setName("cnn2d").build());
        assertEquals(List.of(-1L, 1L, 8L, 8L), meta.getInputs(0).getShapeList());
        assertEquals(
                List.of("FP32", "FP32", "INT64"),
                client
                        .modelMetadata(
                                ModelMetadataRequest.newBuilder().setName("rnn").build())
                        .getInputsList()
                        .stream()
                        .map(ModelMetadataResponse.TensorMetadata::getDatatype)
                        .toList());

        for (var c : List.of(Map.entry("cnn1d", cnn1), Map.entry("cnn2d", cnn2))) {
            boolean one = c.getKey().equals("cnn1d");
            List<Long> shape = one ? List.of(2L, 4L, 10L) : List.of(2L, 1L, 8L, 8L);
            int n = one ? 80 : 128;
            float[] x = new float[n];
            Random r = new Random(n);
            for (int i = 0; i < n; i++) {
                x[i] = (float) r.nextGaussian();
            }
            float[] expected = io.edgeloop.agent.domain.TestOrt.run(
                    c.getValue(),
                    "input",
                    x,
                    shape.stream().mapToLong(Long::longValue).toArray());
            InferTensorContents.Builder contents = InferTensorContents.newBuilder();
            for (float v : x) {
                contents.addFp32Contents(v);
            }
            ModelInferRequest.Builder b = request("input", shape).setModelName(c.getKey());
            b.getInputsBuilder(0).setContents(contents);
            ModelInferResponse typed = client.modelInfer(b.build());
            assertEquals(c.getKey(), typed.getModelName());
            assertEquals(List.of(2L, one ? 4L : 3L), typed.getOutputs(0).getShapeList());
            float[] got = new float[expected.length];
            for (int i = 0; i < got.length; i++) {
                got[i] = typed.getOutputs(0).getContents().getFp32Contents(i);
            }
            assertArrayEquals(expected, got, 1e-6f);
        }

        // raw: x FP32 and step INT64, state left out (0.5 each, sum 1.0): y = 2x + step + 1
        ByteBuffer xs = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
        xs.asFloatBuffer().put(new float[] {1, 2, 3});
        ByteBuffer step = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, 4);
        ModelInferResponse raw = client.modelInfer(ModelInferRequest.newBuilder()
                .setModelName("rnn")
                .addInputs(ModelInferRequest.InferInputTensor.newBuilder()
                        .setName("x")
                        .setDatatype("FP32")
                        .addShape(1)
                        .addShape(3))
                .addInputs(ModelInferRequest.InferInputTensor.newBuilder()
                        .setName("step")
                        .setDatatype("INT64")
                        .addShape(1)
                        .addShape(1))
                .addRawInputContents(ByteString.copyFrom(xs.array()))
                .addRawInputContents(ByteString.copyFrom(step.array()))
                .addOutputs(ModelInferRequest.InferRequestedOutputTensor.newBuilder()
                        .setName("y"))
                .build());
        assertEquals(1, raw.getOutputsCount());
        float[] y = new float[3];
        raw.getRawOutputContents(0)
                .asReadOnlyByteBuffer()
                .order(ByteOrder.LITTLE_ENDIAN)
                .asFloatBuffer()
                .get(y);
        assertArrayEquals(new float[] {7, 9, 11}, y, 1e-6f);

        // typed int64 contents, both outputs
        ModelInferResponse typed = client.modelInfer(ModelInferRequest.newBuilder()
                .setModelName("rnn")
                .setModelVersion("1")
                .addInputs(ModelInferRequest.InferInputTensor.newBuilder()
                        .setName("x")
                        .setDatatype("FP32")
                        .addShape(1)
                        .addShape(3)
                        .setContents(InferTensorContents.newBuilder()
                                .addFp32Contents(1)
                                .addFp32Contents(2)
                                .addFp32Contents(3)))
                .addInputs(ModelInferRequest.InferInputTensor.newBuilder()
                        .setName("step")
                        .setDatatype("INT64")
                        .addShape(1)
                        .addShape(1)
                        .setContents(InferTensorContents.newBuilder().addInt64Contents(1)))
                .build());
        assertEquals(
                List.of("y", "new_state"),
                typed.getOutputsList().stream()
                        .map(ModelInferResponse.InferOutputTensor::getName)
                        .toList());
        assertEquals(List.of(4f, 6f, 8f), typed.getOutputs(0).getContents().getFp32ContentsList());
        assertEquals(List.of(1.5f, 1.5f), typed.getOutputs(1).getContents().getFp32ContentsList());
        // wrong content field for INT64
        ModelInferRequest.Builder wrong = ModelInferRequest.newBuilder()
                .setModelName("rnn")
                .addInputs(ModelInferRequest.InferInputTensor.newBuilder()
                        .setName("x")
                        .setDatatype("FP32")
                        .addShape(1)
                        .addShape(3)
                        .setContents(InferTensorContents.newBuilder()
                                .addInt64Contents(1)
                                .addInt64Contents(2)
                                .addInt64Contents(3)));
        assertEquals(Status.Code.INVALID_ARGUMENT, code(() -> client.modelInfer(wrong.build())));
    }
}
