package io.edgeloop.agent.grpc;

import io.edgeloop.agent.config.AgentConfig;
import io.edgeloop.agent.domain.InferenceFailedException;
import io.edgeloop.agent.domain.InferenceResult;
import io.edgeloop.agent.domain.InferenceService;
import io.edgeloop.agent.domain.InvalidInputException;
import io.edgeloop.agent.domain.LoadedModel;
import io.edgeloop.agent.domain.ModelNotServedException;
import io.edgeloop.agent.domain.ModelRuntime;
import io.edgeloop.agent.domain.ModelSignature;
import io.edgeloop.agent.domain.NoModelException;
import io.edgeloop.agent.domain.TelemetryAccumulator;
import io.edgeloop.agent.domain.Tensor;
import io.edgeloop.agent.domain.TensorSpec;
import io.edgeloop.proto.inference.GRPCInferenceServiceGrpc;
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
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.annotation.security.PermitAll;
import jakarta.inject.Inject;
import java.util.Map;
import java.util.stream.Collectors;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The KServe v2 / Open Inference Protocol gRPC API of this device ({@code inference.GRPCInferenceService}), so
 * standard inference clients can call it. Every served model is addressed by its model name at its registry version,
 * with the inputs and outputs ONNX Runtime reports (any number, N-D shapes, every {@link
 * io.edgeloop.agent.domain.DataType}); inputs other than the feature input may be left out (defaults). Inference goes
 * through the same path as REST (telemetry included; each sample of a batch counts as one inference).
 *
 * <p>Errors: {@code UNAVAILABLE} while no model is loaded, {@code NOT_FOUND} for a model name or version not served,
 * {@code INVALID_ARGUMENT} for a bad request (missing model name, unknown input or output, datatype, shape, content
 * size, non-finite values), {@code INTERNAL} when ONNX Runtime fails.
 *
 * <p>Part of the agent's device-local serving API, open to any caller ({@code @PermitAll}) like KServe's and
 * Triton's by default: local applications call it without a token. It is reachable only where the agent's HTTP and
 * gRPC servers are bound ({@code quarkus.http.host} / {@code quarkus.grpc.server.host}, {@code 127.0.0.1} by default);
 * bind it to a wider address only on a network you trust for inference. Nothing in it changes what the device runs.
 */
@GrpcService
@PermitAll
public class OpenInferenceService extends GRPCInferenceServiceGrpc.GRPCInferenceServiceImplBase {
    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(OpenInferenceService.class);

    /** Platform reported in model metadata (ONNX and ORT-format models both run on ONNX Runtime). */
    public static final String PLATFORM = "onnxruntime_onnx";

    @Inject
    ModelRuntime runtime;

    @Inject
    InferenceService inference;

    @Inject
    AgentConfig config;

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
                .setReady(!runtime.models().isEmpty())
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
        boolean ready;
        try {
            runtime.served(request.getName(), request.getVersion());
            ready = true;
        } catch (NoModelException | ModelNotServedException e) {
            ready = false;
        }
        response.onNext(ModelReadyResponse.newBuilder().setReady(ready).build());
        response.onCompleted();
    }

    @Override
    public void modelMetadata(ModelMetadataRequest request, StreamObserver<ModelMetadataResponse> response) {
        try {
            ModelSignature s = served(request.getName(), request.getVersion()).signature();
            var b = ModelMetadataResponse.newBuilder()
                    .setName(s.descriptor().modelName())
                    .addVersions(String.valueOf(s.descriptor().modelVersion()))
                    .setPlatform(PLATFORM);
            s.inputs().forEach(t -> b.addInputs(metadata(t)));
            s.outputs().forEach(t -> b.addOutputs(metadata(t)));
            response.onNext(b.build());
            response.onCompleted();
        } catch (StatusRuntimeException e) {
            response.onError(e);
        }
    }

    private static ModelMetadataResponse.TensorMetadata metadata(TensorSpec t) {
        return ModelMetadataResponse.TensorMetadata.newBuilder()
                .setName(t.name())
                .setDatatype(t.datatype().name())
                .addAllShape(t.shapeList())
                .build();
    }

    /**
     * Runs inline on the calling (event-loop) thread when the model's recent calls were fast (at most {@code
     * edgeloop.agent.inline-inference-max-us}), else on a worker thread, so a slow model never blocks the event loop.
     */
    @Override
    public void modelInfer(ModelInferRequest request, StreamObserver<ModelInferResponse> response) {
        long max = config.inlineInferenceMaxUs();
        boolean inline = max > 0
                && runtime.get(request.getModelName())
                        .map(m -> m.recentLatencyUs() <= max)
                        .orElse(true);
        if (inline) {
            answer(request, response);
        } else {
            Infrastructure.getDefaultWorkerPool().execute(() -> answer(request, response));
        }
    }

    private void answer(ModelInferRequest request, StreamObserver<ModelInferResponse> response) {
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
            response.onError(GrpcTensors.invalid(e.problems().stream()
                    .map(p -> p.field() + ": " + p.message())
                    .collect(Collectors.joining("; "))));
        } catch (InferenceFailedException e) {
            response.onError(Status.INTERNAL.withDescription(e.getMessage()).asRuntimeException());
        } catch (RuntimeException e) {
            // never a class name or stack detail to the caller: the log has them
            LOG.warnf(e, "ModelInfer of %s failed unexpectedly", request.getModelName());
            response.onError(Status.INTERNAL
                    .withDescription("inference of model '" + request.getModelName() + "' failed")
                    .asRuntimeException());
        }
    }

    private ModelInferResponse infer(ModelInferRequest request) {
        served(request.getModelName(), request.getModelVersion());
        Map<String, Tensor> inputs = GrpcTensors.inputs(request);
        var requested = request.getOutputsList().stream()
                .map(ModelInferRequest.InferRequestedOutputTensor::getName)
                .toList();
        String inferenceId = InferenceService.newInferenceId();
        if (!request.getId().isEmpty()) {
            String problem = InferenceService.inferenceIdProblem(request.getId());
            if (problem != null) {
                throw GrpcTensors.invalid("id: " + problem);
            }
            inferenceId = request.getId();
        }
        InferenceResult r = inference.run(
                request.getModelName(),
                request.getModelVersion(),
                inputs,
                requested,
                TelemetryAccumulator.LIVE,
                inferenceId);
        boolean raw = request.getRawInputContentsCount() > 0;
        ModelInferResponse.Builder b = ModelInferResponse.newBuilder()
                .setModelName(r.model().descriptor().modelName())
                .setModelVersion(String.valueOf(r.model().descriptor().modelVersion()))
                .setId(request.getId());
        for (Tensor t : r.outputs()) {
            b.addOutputs(GrpcTensors.output(t, raw));
            if (raw) {
                b.addRawOutputContents(GrpcTensors.raw(t));
            }
        }
        return b.build();
    }

    /** The served model {@code name} (at {@code version} unless blank), as a gRPC status when it is not. */
    private LoadedModel served(String name, String version) {
        if (runtime.models().isEmpty()) {
            throw Status.UNAVAILABLE
                    .withDescription(new NoModelException().getMessage())
                    .asRuntimeException();
        }
        if (name.isBlank()) {
            throw GrpcTensors.invalid("model name is required");
        }
        try {
            return runtime.served(name, version);
        } catch (ModelNotServedException e) {
            throw Status.NOT_FOUND.withDescription(e.getMessage()).asRuntimeException();
        } catch (NoModelException e) {
            throw Status.UNAVAILABLE.withDescription(e.getMessage()).asRuntimeException();
        }
    }
}
