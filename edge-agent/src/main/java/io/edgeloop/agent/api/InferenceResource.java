package io.edgeloop.agent.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.edgeloop.agent.domain.InferenceService;
import io.edgeloop.agent.domain.Prediction;
import io.edgeloop.agent.domain.TelemetryAccumulator;
import io.edgeloop.kit.api.ApiException;
import io.edgeloop.kit.api.Problem;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.PermitAll;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.ArrayList;
import java.util.List;

/**
 * Local single-sample inference: {@code POST /infer} on the default model (or {@code ?model=NAME}), {@code POST
 * /models/{name}/infer} on a named one. The features are the elements of one sample of the model's feature input,
 * flat (reshaped to the input) or nested; other inputs take their defaults.
 *
 * <p>Part of the agent's device-local serving API, open to any caller ({@code @PermitAll}) like KServe's and
 * Triton's by default: local applications call it without a token. It is reachable only where the agent's HTTP and
 * gRPC servers are bound ({@code quarkus.http.host} / {@code quarkus.grpc.server.host}, {@code 127.0.0.1} by default);
 * bind it to a wider address only on a network you trust for inference. Nothing in it changes what the device runs.
 */
@Path("/")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
@PermitAll
public class InferenceResource {
    /** Request body: one sample, flat or nested numbers, and optionally the caller's id for the inference. */
    public record InferRequest(JsonNode features, JsonNode id) {}

    /** One output tensor: flat row-major data. */
    public record Output(String name, String datatype, long[] shape, Object data) {}

    /**
     * Response body; {@code label}, {@code classIndex} and {@code probabilities} are null for a model that is not a
     * classifier (regression, embeddings, raw tensors: see {@code outputs}). {@code inferenceId} is the request's
     * {@code id} or a new UUID: ground truth for the inference is fed back to monitoring under it.
     */
    public record InferResponse(
            String inferenceId,
            String label,
            Integer classIndex,
            float[] probabilities,
            String modelName,
            int modelVersion,
            String variantId,
            long latencyUs,
            List<Output> outputs) {}

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
            new com.fasterxml.jackson.databind.ObjectMapper();

    @Inject
    InferenceService inference;

    @Inject
    InferenceDispatch dispatch;

    /**
     * Runs {@code features} on the default model or {@code model}: 422 for a missing or wrong-length vector or
     * non-finite values, 404 for a model not served, 503 when no model is loaded.
     */
    @POST
    @Path("/infer")
    public Uni<InferResponse> infer(@QueryParam("model") String model, byte[] body) {
        String name = model == null || model.isBlank() ? null : model;
        return dispatch.run(name, () -> run(name, parse(body)));
    }

    /** Runs {@code features} on model {@code name}. */
    @POST
    @Path("/models/{name}/infer")
    public Uni<InferResponse> inferModel(@PathParam("name") String name, byte[] body) {
        return dispatch.run(name, () -> run(name, parse(body)));
    }

    /** The request body (parsed here rather than bound: one tree read, no record binding); 400 when malformed. */
    private static InferRequest parse(byte[] body) {
        if (body == null || body.length == 0) {
            throw ApiException.badRequest("request body is required");
        }
        try {
            JsonNode node = JSON.readTree(body);
            return node != null && node.isObject() ? new InferRequest(node.get("features"), node.get("id")) : null;
        } catch (java.io.IOException e) {
            throw ApiException.badRequest("malformed JSON: " + e.getMessage());
        }
    }

    private InferResponse run(String model, InferRequest request) {
        if (request == null || request.features() == null || request.features().isNull()) {
            throw ApiException.invalid(
                    "request needs a features array", List.of(new Problem.FieldError("features", "is required")));
        }
        float[] features = features(request.features());
        String inferenceId = inferenceId(request.id());
        Prediction p = inference.infer(model, features, TelemetryAccumulator.LIVE, inferenceId);
        return new InferResponse(
                inferenceId,
                p.label(),
                p.label() == null ? null : p.classIndex(),
                p.probabilities(),
                p.model().modelName(),
                p.model().modelVersion(),
                p.model().variantId(),
                p.latencyUs(),
                p.outputs().stream()
                        .map(t -> new Output(t.name(), t.datatype().name(), t.shape(), t.jsonData()))
                        .toList());
    }

    /** The caller's inference id ({@code id}: a string, see {@link InferenceService#inferenceIdProblem}), else a new one. */
    private static String inferenceId(JsonNode id) {
        if (id == null || id.isNull()) {
            return InferenceService.newInferenceId();
        }
        String problem = id.isTextual() ? InferenceService.inferenceIdProblem(id.asText()) : "must be a string";
        if (problem != null) {
            throw ApiException.invalid("invalid id", List.of(new Problem.FieldError("id", problem)));
        }
        return id.asText();
    }

    /** The flat numbers of {@code node} (an array, possibly nested); 422 naming every non-number by flat index. */
    private static float[] features(JsonNode node) {
        if (!node.isArray()) {
            throw ApiException.invalid(
                    "features must be an array", List.of(new Problem.FieldError("features", "must be an array")));
        }
        List<JsonNode> flat = new ArrayList<>();
        flatten(node, flat);
        float[] features = new float[flat.size()];
        List<Problem.FieldError> errors = new ArrayList<>();
        for (int i = 0; i < features.length; i++) {
            JsonNode v = flat.get(i);
            if (v.isNumber()) {
                features[i] = (float) v.asDouble(); // non-finite / beyond float range: rejected by the model
            } else {
                errors.add(new Problem.FieldError(
                        "features[" + i + "]", "must be a number, was " + (v.isNull() ? "null" : v.toString())));
            }
        }
        if (!errors.isEmpty()) {
            throw ApiException.invalid("invalid features", errors);
        }
        return features;
    }

    private static void flatten(JsonNode node, List<JsonNode> out) {
        if (node.isArray()) {
            for (JsonNode e : node) {
                flatten(e, out);
            }
        } else {
            out.add(node);
        }
    }
}
