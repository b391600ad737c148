package io.edgeloop.agent.grpc;

import com.google.protobuf.ByteString;
import io.edgeloop.agent.domain.BatchPrediction;
import io.edgeloop.agent.domain.InferenceFailedException;
import io.edgeloop.agent.domain.InferenceService;
import io.edgeloop.agent.domain.InputProblem;
import io.edgeloop.agent.domain.InvalidInputException;
import io.edgeloop.agent.domain.LoadedModel;
import io.edgeloop.agent.domain.ModelNotServedException;
import io.edgeloop.agent.domain.ModelRuntime;
import io.edgeloop.agent.domain.ModelSignature;
import io.edgeloop.agent.domain.NoModelException;
import io.edgeloop.proto.inference.GRPCInferenceServiceGrpc;
import io.edgeloop.proto.inference.InferTensorContents;
import io.edgeloop.proto.inference.ModelInferRequest;
import io.edgeloop.proto.inference.ModelInferResponse;
import io.edgeloop.proto.inference.ModelMetadataRequest;
import io.edgeloop.proto.inference.ModelMetadataResponse;
import io.edgeloop.proto.inference.ModelReadyRequest;
import io.edgeloop.proto.inference.ModelReadyResponse;
import io.edgeloop.proto.inference.ServerLiveRequest;
import io.edgeloop.proto.inference.ServerLiveResponse;
import io.edgeloop.proto.inference.ServerMetadataRequest;
import io.edgeloop.proto.inference.ServerMetadataResponse;
import io.edgeloop.proto.inference.ServerReadyRequest;
import io.edgeloop.proto.inference.ServerReadyResponse;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.quarkus.grpc.GrpcService;
import io.smallrye.common.annotation.Blocking;
import jakarta.inject.Inject;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.stream.Collectors;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The KServe v2 / Open Inference Protocol gRPC API of this device ({@code inference.GRPCInferenceService}), so
 * standard inference clients can call it. The device serves one model, named by its model name, at its registry
 * version; its signature is one FP32 input {@code [batch, features]} and one FP32 output {@code [batch, classes]}
 * (the model's raw output tensor). Inference goes through the same path as REST (telemetry included).
 *
 * <p>Errors: {@code UNAVAILABLE} while no model is loaded, {@code NOT_FOUND} for another model name or version,
 * {@code INVALID_ARGUMENT} for a bad tensor (name, datatype, shape, content size, non-finite values), {@code
 * INTERNAL} when ONNX Runtime fails.
 */
@GrpcService
public class OpenInferenceService extends GRPCInferenceServiceGrpc.GRPCInferenceServiceImplBase {
    /** Platform reported in model metadata (ONNX and ORT-format models both run on ONNX Runtime). */
    public static final String PLATFORM = "onnxruntime_onnx";

    static final String FP32 = "FP32";

    @Inject
    ModelRuntime runtime;

    @Inject
    InferenceService inference;

    @ConfigProperty(name = "quarkus.application.name", defaultValue = "edge-agent")
    String serverName;

    @ConfigProperty(name = "quarkus.application.version", defaultValue = "0")
    String serverVersion;

    @Override
    public void serverLive(ServerLiveRequest request, StreamObserver<ServerLiveResponse> response) {
        response.onNext(ServerLiveResponse.newBuilder().setLive(true).build());
        response.onCompleted();
    }

    @Override
    public void serverReady(ServerReadyRequest request, StreamObserver<ServerReadyResponse> response) {
        response.onNext(ServerReadyResponse.newBuilder()
                .setReady(runtime.active().isPresent())
                .build());
        response.onCompleted();
    }

    @Override
    public void serverMetadata(ServerMetadataRequest request, StreamObserver<ServerMetadataResponse> response) {
        response.onNext(ServerMetadataResponse.newBuilder()
                .setName(serverName)
                .setVersion(serverVersion)
                .build());
        response.onCompleted();
    }

    @Override
    public void modelReady(ModelReadyRequest request, StreamObserver<ModelReadyResponse> response) {
        boolean ready = runtime.active()
                .map(m -> serves(m, request.getName(), request.getVersion()))
                .orElse(false);
        response.onNext(ModelReadyResponse.newBuilder().setReady(ready).build());
        response.onCompleted();
    }

    @Override
    public void modelMetadata(ModelMetadataRequest request, StreamObserver<ModelMetadataResponse> response) {
        try {
            ModelSignature s = served(request.getName(), request.getVersion());
            response.onNext(ModelMetadataResponse.newBuilder()
                    .setName(s.descriptor().modelName())
                    .addVersions(String.valueOf(s.descriptor().modelVersion()))
                    .setPlatform(PLATFORM)
                    .addInputs(ModelMetadataResponse.TensorMetadata.newBuilder()
                            .setName(s.inputName())
                            .setDatatype(FP32)
                            .addShape(s.batch())
                            .addShape(s.featureCount()))
                    .addOutputs(ModelMetadataResponse.TensorMetadata.newBuilder()
                            .setName(s.outputName())
                            .setDatatype(FP32)
                            .addShape(s.batch())
                            .addShape(s.classes()))
                    .build());
            response.onCompleted();
        } catch (StatusRuntimeException e) {
            response.onError(e);
        }
    }

    @Override
    @Blocking
    public void modelInfer(ModelInferRequest request, StreamObserver<ModelInferResponse> response) {
        try {
            response.onNext(infer(request));
            response.onCompleted();
        } catch (StatusRuntimeException e) {
            response.onError(e);
        } catch (NoModelException e) {
            response.onError(Status.UNAVAILABLE.withDescription(e.getMessage()).asRuntimeException());
        } catch (ModelNotServedException e) {
            response.onError(Status.NOT_FOUND.withDescription(e.getMessage()).asRuntimeException());
        } catch (InvalidInputException e) {
            response.onError(invalid(
                    e.problems().stream().map(OpenInferenceService::describe).collect(Collectors.joining("; "))));
        } catch (InferenceFailedException e) {
            response.onError(Status.INTERNAL.withDescription(e.getMessage()).asRuntimeException());
        }
    }

    private ModelInferResponse infer(ModelInferRequest request) {
        ModelSignature s = served(request.getModelName(), request.getModelVersion());
        if (request.getInputsCount() != 1) {
            throw invalid("expected exactly 1 input tensor (" + s.inputName() + "), got " + request.getInputsCount());
        }
        ModelInferRequest.InferInputTensor input = request.getInputs(0);
        if (!input.getName().equals(s.inputName())) {
            throw invalid("unknown input tensor '" + input.getName() + "', expected '" + s.inputName() + "'");
        }
        if (!FP32.equals(input.getDatatype())) {
            throw invalid("input " + input.getName() + " has datatype '" + input.getDatatype() + "', expected FP32");
        }
        List<Long> shape = input.getShapeList();
        if (shape.size() != 2 || shape.get(0) < 1 || shape.get(1) != s.featureCount()) {
            throw invalid("input " + input.getName() + " has shape " + shape + ", expected [batch >= 1, "
                    + s.featureCount() + "]");
        }
        if (shape.get(0) > Integer.MAX_VALUE / Math.max(1, s.featureCount() * 4)) {
            throw invalid("batch of " + shape.get(0) + " rows is too large");
        }
        int rows = shape.get(0).intValue();
        for (ModelInferRequest.InferRequestedOutputTensor out : request.getOutputsList()) {
            if (!out.getName().equals(s.outputName())) {
                throw invalid("unknown output tensor '" + out.getName() + "', expected '" + s.outputName() + "'");
            }
        }
        boolean raw = request.getRawInputContentsCount() > 0;
        float[] data = raw ? rawFloats(request, input, rows * s.featureCount()) : typedFloats(input);

        BatchPrediction p = inference.inferBatch(request.getModelName(), request.getModelVersion(), data, rows);

        ModelInferResponse.InferOutputTensor.Builder out = ModelInferResponse.InferOutputTensor.newBuilder()
                .setName(p.model().outputName())
                .setDatatype(FP32)
                .addShape(p.rows())
                .addShape(p.classes());
        ModelInferResponse.Builder b = ModelInferResponse.newBuilder()
                .setModelName(p.model().descriptor().modelName())
                .setModelVersion(String.valueOf(p.model().descriptor().modelVersion()))
                .setId(request.getId());
        if (raw) {
            ByteBuffer bytes = ByteBuffer.allocate(p.scores().length * 4).order(ByteOrder.LITTLE_ENDIAN);
            bytes.asFloatBuffer().put(p.scores());
            b.addOutputs(out).addRawOutputContents(ByteString.copyFrom(bytes));
        } else {
            InferTensorContents.Builder contents = InferTensorContents.newBuilder();
            for (float v : p.scores()) {
                contents.addFp32Contents(v);
            }
            b.addOutputs(out.setContents(contents));
        }
        return b.build();
    }

    private static float[] rawFloats(ModelInferRequest request, ModelInferRequest.InferInputTensor input, int count) {
        if (request.getRawInputContentsCount() != 1) {
            throw invalid(
                    "expected 1 raw_input_contents entry (one per input), got " + request.getRawInputContentsCount());
        }
        if (input.hasContents()) {
            throw invalid("input " + input.getName() + " has both contents and raw_input_contents");
        }
        ByteString bytes = request.getRawInputContents(0);
        if (bytes.size() != (long) count * 4) {
            throw invalid("raw_input_contents of " + input.getName() + " has " + bytes.size() + " bytes, expected "
                    + count + " FP32 values = " + (long) count * 4 + " bytes");
        }
        float[] data = new float[count];
        bytes.asReadOnlyByteBuffer()
                .order(ByteOrder.LITTLE_ENDIAN)
                .asFloatBuffer()
                .get(data);
        return data;
    }

    private static float[] typedFloats(ModelInferRequest.InferInputTensor input) {
        InferTensorContents c = input.getContents();
        if (c.getBoolContentsCount()
                        + c.getIntContentsCount()
                        + c.getInt64ContentsCount()
                        + c.getUintContentsCount()
                        + c.getUint64ContentsCount()
                        + c.getFp64ContentsCount()
                        + c.getBytesContentsCount()
                > 0) {
            throw invalid("input " + input.getName() + " is FP32: only fp32_contents may be set");
        }
        float[] data = new float[c.getFp32ContentsCount()];
        for (int i = 0; i < data.length; i++) {
            data[i] = c.getFp32Contents(i);
        }
        return data;
    }

    /** The active model if it is {@code name} (and {@code version} unless blank). */
    private ModelSignature served(String name, String version) {
        LoadedModel m = runtime.active()
                .orElseThrow(() -> Status.UNAVAILABLE
                        .withDescription(new NoModelException().getMessage())
                        .asRuntimeException());
        if (name.isBlank()) {
            throw invalid("model name is required");
        }
        if (!serves(m, name, version)) {
            throw Status.NOT_FOUND
                    .withDescription("model '" + name + "'" + (version.isBlank() ? "" : " version " + version)
                            + " is not served here (serving '" + m.descriptor().modelName() + "' version "
                            + m.descriptor().modelVersion() + ")")
                    .asRuntimeException();
        }
        return m.signature();
    }

    private static boolean serves(LoadedModel m, String name, String version) {
        return m.descriptor().modelName().equals(name)
                && (version.isBlank()
                        || version.equals(String.valueOf(m.descriptor().modelVersion())));
    }

    private static StatusRuntimeException invalid(String message) {
        return Status.INVALID_ARGUMENT.withDescription(message).asRuntimeException();
    }

    private static String describe(InputProblem p) {
        return p.field() + " " + p.message();
    }
}
