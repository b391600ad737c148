package io.edgeloop.agent.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import io.edgeloop.agent.grpc.OpenInferenceService;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.PermitAll;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * KServe v2 / Open Inference Protocol over REST: health (200 true, 4xx false, empty body), server and model metadata,
 * model readiness and inference with the protocol's JSON tensors. Errors are {@code {"error": "..."}}: 400 for a
 * request that is malformed or does not fit the model, 404 for a model or version not served (or any model while
 * none is), 500 when ONNX Runtime fails.
 *
 * <p>Part of the agent's device-local serving API, open to any caller ({@code @PermitAll}) like KServe's and
 * Triton's by default: local applications call it without a token. It is reachable only where the agent's HTTP and
 * gRPC servers are bound ({@code quarkus.http.host} / {@code quarkus.grpc.server.host}, {@code 127.0.0.1} by default);
 * bind it to a wider address only on a network you trust for inference. Nothing in it changes what the device runs.
 */
@Path("/v2")
@Produces(MediaType.APPLICATION_JSON)
@PermitAll
public class KServeResource {
    private static final Logger LOG = Logger.getLogger(KServeResource.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    ModelRuntime runtime;

    @Inject
    InferenceService inference;

    @Inject
    InferenceDispatch dispatch;

    @ConfigProperty(name = "quarkus.application.name", defaultValue = "edge-agent")
    String serverName;

    @ConfigProperty(name = "quarkus.application.version", defaultValue = "0")
    String serverVersion;

    /** Server metadata: name, version, extensions (none). */
    @GET
    public Map<String, Object> serverMetadata() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", serverName);
        m.put("version", serverVersion);
        m.put("extensions", List.of());
        return m;
    }

    /** 200: the server is live. */
    @GET
    @Path("/health/live")
    public Response live() {
        return Response.ok().build();
    }

    /** 200 when at least one model is served, else 400. */
    @GET
    @Path("/health/ready")
    public Response ready() {
        return Response.status(runtime.models().isEmpty() ? 400 : 200).build();
    }

    @GET
    @Path("/models/{model}")
    public Response modelMetadata(@PathParam("model") String model) {
        return metadata(model, "");
    }

    @GET
    @Path("/models/{model}/versions/{version}")
    public Response modelMetadata(@PathParam("model") String model, @PathParam("version") String version) {
        return metadata(model, version);
    }

    /** 200 when the model (at that version) is served and ready, else 404. */
    @GET
    @Path("/models/{model}/ready")
    public Response modelReady(@PathParam("model") String model) {
        return readiness(model, "");
    }

    @GET
    @Path("/models/{model}/versions/{version}/ready")
    public Response modelReady(@PathParam("model") String model, @PathParam("version") String version) {
        return readiness(model, version);
    }

    @POST
    @Path("/models/{model}/infer")
    public Uni<Response> infer(@PathParam("model") String model, byte[] body) {
        return dispatch.run(model, () -> run(model, "", body));
    }

    @POST
    @Path("/models/{model}/versions/{version}/infer")
    public Uni<Response> infer(@PathParam("model") String model, @PathParam("version") String version, byte[] body) {
        return dispatch.run(model, () -> run(model, version, body));
    }

    private Response run(String model, String version, byte[] body) {
        try {
            runtime.served(model, version);
            JsonNode request = parse(body);
            var inputs = KServeJson.inputs(request);
            var outputs = KServeJson.requestedOutputs(request);
            JsonNode id = request.get("id");
            String inferenceId = requestId(id);
            InferenceResult r = inference.run(
                    model,
                    version,
                    inputs,
                    outputs,
                    TelemetryAccumulator.LIVE,
                    inferenceId == null ? InferenceService.newInferenceId() : inferenceId);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("model_name", r.model().descriptor().modelName());
            m.put("model_version", String.valueOf(r.model().descriptor().modelVersion()));
            if (inferenceId != null) {
                m.put("id", inferenceId);
            }
            m.put("outputs", r.outputs().stream().map(KServeJson::output).toList());
            return Response.ok(m).build();
        } catch (NoModelException | ModelNotServedException e) {
            return error(404, e.getMessage());
        } catch (KServeJson.BadRequest e) {
            return error(400, e.getMessage());
        } catch (InvalidInputException e) {
            return error(
                    400,
                    "input does not fit model " + model + ": "
                            + e.problems().stream()
                                    .map(p -> p.field() + ": " + p.message())
                                    .collect(Collectors.joining("; ")));
        } catch (InferenceFailedException e) {
            // ONNX Runtime's message stays in the log, under an id the caller can quote
            String errorId = io.edgeloop.kit.input.InputRules.newErrorId();
            LOG.warnf(e, "error %s: inference failed", errorId);
            return error(
                    500,
                    "inference failed on model " + e.model().modelName() + " v"
                            + e.model().modelVersion() + "; logged under error id " + errorId);
        }
    }

    /**
     * The request's {@code id} (the inference's id in telemetry, echoed), null when absent; 400 for an id that is not
     * a usable string.
     */
    private static String requestId(JsonNode id) {
        if (id == null || id.isNull()) {
            return null;
        }
        String problem = id.isTextual() ? InferenceService.inferenceIdProblem(id.asText()) : "must be a string";
        if (problem != null) {
            throw new KServeJson.BadRequest("id: " + problem);
        }
        return id.asText();
    }

    private static JsonNode parse(byte[] body) {
        if (body == null || body.length == 0) {
            throw new KServeJson.BadRequest("request body is required");
        }
        try {
            JsonNode node = JSON.readTree(body);
            if (node == null || !node.isObject()) {
                throw new KServeJson.BadRequest("request body must be a JSON object");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new KServeJson.BadRequest("malformed JSON: " + e.getOriginalMessage());
        } catch (java.io.IOException e) {
            throw new KServeJson.BadRequest("unreadable body: " + e.getMessage());
        }
    }

    private Response metadata(String model, String version) {
        try {
            ModelSignature s = runtime.served(model, version).signature();
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", s.descriptor().modelName());
            m.put("versions", List.of(String.valueOf(s.descriptor().modelVersion())));
            m.put("platform", OpenInferenceService.PLATFORM);
            m.put("inputs", s.inputs().stream().map(KServeJson::metadata).toList());
            m.put("outputs", s.outputs().stream().map(KServeJson::metadata).toList());
            return Response.ok(m).build();
        } catch (NoModelException | ModelNotServedException e) {
            return error(404, e.getMessage());
        }
    }

    private Response readiness(String model, String version) {
        try {
            LoadedModel m = runtime.served(model, version);
            return Response.status(m.isClosed() ? 404 : 200).build();
        } catch (NoModelException | ModelNotServedException e) {
            return Response.status(404).build();
        }
    }

    private static Response error(int status, String message) {
        return Response.status(status)
                .type(MediaType.APPLICATION_JSON)
                .entity(Map.of("error", message == null ? "error" : message))
                .build();
    }
}
