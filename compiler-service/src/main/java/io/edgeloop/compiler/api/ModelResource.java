package io.edgeloop.compiler.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.edgeloop.common.auth.Roles;
import io.edgeloop.compiler.config.CompilerConfig;
import io.edgeloop.compiler.domain.CompilationFailure;
import io.edgeloop.compiler.domain.ModelIo;
import io.edgeloop.compiler.domain.ModelUploads;
import io.edgeloop.compiler.domain.PeerUnavailableException;
import io.edgeloop.compiler.persistence.Compilation;
import io.edgeloop.kit.api.ApiException;
import io.edgeloop.kit.api.Problem;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * "Bring your own model": {@code POST /models?name=&dataset=&datasetVersion=} with an ONNX model as the
 * {@code application/octet-stream} body (the parameters may also come as headers {@code X-Model-Name}, {@code X-Dataset},
 * {@code X-Dataset-Version}). The model is checked, registered as a new version, and compiled
 * against the snapshot's samples. Models with several inputs and outputs may declare (query parameters, or headers
 * {@code X-Feature-Input}, {@code X-Score-Output}, {@code X-Input-Defaults}) which input carries the features
 * ({@code featureInput}), which output carries the class scores ({@code scoreOutput}, {@code none} for a model that
 * is not a classifier) and the value of every other input ({@code inputDefaults}, a JSON object
 * {@code {"state":0,"step":3}}; zeros when absent). Uploading needs the {@code ml} role; the version is registered
 * under compiler-service's own identity.
 */
@Path("/models")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.VIEWER)
public class ModelResource {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String NAME_PATTERN = "[A-Za-z0-9][A-Za-z0-9._-]{0,127}";

    @Inject
    ModelUploads uploads;

    @Inject
    CompilerConfig config;

    /**
     * The answer to an upload.
     *
     * @param modelName registered model name
     * @param modelVersion the new version
     * @param artifactSha256 digest of the uploaded model in the registry
     * @param compilation its compilation
     */
    public record UploadView(String modelName, int modelVersion, String artifactSha256, CompilationView compilation) {}

    /**
     * 201 with the version and its compilation; 400 when the body is not an ONNX model, 422 for invalid parameters or
     * a model that fails the checks (every problem listed), 404 when the snapshot does not exist, 413 when the body is
     * too large, 503 when a peer is unavailable. A rejected upload stores nothing.
     */
    @POST
    @Consumes(MediaType.APPLICATION_OCTET_STREAM)
    @RolesAllowed(Roles.ML)
    public Response upload(
            @QueryParam("name") String name,
            @QueryParam("dataset") String dataset,
            @QueryParam("datasetVersion") String datasetVersion,
            @HeaderParam("X-Model-Name") String nameHeader,
            @HeaderParam("X-Dataset") String datasetHeader,
            @HeaderParam("X-Dataset-Version") String datasetVersionHeader,
            @QueryParam("featureInput") String featureInput,
            @QueryParam("scoreOutput") String scoreOutput,
            @QueryParam("inputDefaults") String inputDefaults,
            @HeaderParam("X-Feature-Input") String featureInputHeader,
            @HeaderParam("X-Score-Output") String scoreOutputHeader,
            @HeaderParam("X-Input-Defaults") String inputDefaultsHeader,
            byte[] body) {
        String model = name != null ? name : nameHeader;
        String ds = dataset != null ? dataset : datasetHeader;
        String dsv = datasetVersion != null ? datasetVersion : datasetVersionHeader;
        List<Problem.FieldError> errors = new ArrayList<>();
        checkName("name", model, errors);
        checkName("dataset", ds, errors);
        int version = 0;
        if (dsv == null || dsv.isBlank()) {
            errors.add(new Problem.FieldError("datasetVersion", "is required"));
        } else {
            try {
                version = Integer.parseInt(dsv.trim());
                if (version < 1) {
                    errors.add(new Problem.FieldError("datasetVersion", "must be >= 1"));
                }
            } catch (NumberFormatException e) {
                errors.add(new Problem.FieldError("datasetVersion", "must be an integer"));
            }
        }
        Map<String, Double> defaults =
                inputDefaults(inputDefaults != null ? inputDefaults : inputDefaultsHeader, errors);
        ModelIo io = new ModelIo(
                featureInput != null ? featureInput : featureInputHeader,
                scoreOutput != null ? scoreOutput : scoreOutputHeader,
                defaults);
        if (body == null || body.length == 0) {
            errors.add(new Problem.FieldError("body", "an ONNX model is required"));
        }
        if (!errors.isEmpty()) {
            throw ApiException.invalid("invalid model upload", errors);
        }
        if (body.length > config.uploadMaxBytes()) {
            throw new ApiException(
                    413,
                    "Content Too Large",
                    "the model has " + body.length + " bytes, at most " + config.uploadMaxBytes() + " are accepted",
                    List.of());
        }
        ModelUploads.Uploaded u;
        try {
            u = uploads.upload(model, ds, version, body, io);
        } catch (ModelUploads.NotOnnxException e) {
            throw new ApiException(400, "Bad Request", e.getMessage(), List.of());
        } catch (ModelUploads.RejectedModelException e) {
            throw ApiException.invalid(
                    e.getMessage() + ": " + String.join("; ", e.problems()),
                    e.problems().stream()
                            .map(p -> new Problem.FieldError("body", p))
                            .toList());
        } catch (PeerUnavailableException e) {
            throw new ApiException(503, "Service Unavailable", e.getMessage(), List.of());
        } catch (CompilationFailure e) {
            if (e.getCause() instanceof StatusRuntimeException sre
                    && sre.getStatus().getCode() == Status.Code.NOT_FOUND) {
                throw ApiException.notFound("no snapshot " + ds + "@v" + dsv + ": " + e.getMessage());
            }
            throw ApiException.invalid(e.getMessage(), List.of());
        }
        String id = u.compilationId();
        CompilationView view =
                QuarkusTransaction.requiringNew().call(() -> CompilationView.of(Compilation.findById(id)));
        return Response.created(URI.create("/compilations/" + id))
                .entity(new UploadView(
                        u.version().getModelName(),
                        u.version().getVersion(),
                        u.version().getArtifactSha256(),
                        view))
                .build();
    }

    /** {@code {"name": number, ...}}; problems are added to {@code errors} under {@code inputDefaults}. */
    static Map<String, Double> inputDefaults(String json, List<Problem.FieldError> errors) {
        Map<String, Double> defaults = new LinkedHashMap<>();
        if (json == null || json.isBlank()) {
            return defaults;
        }
        JsonNode node;
        try {
            node = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            node = null;
        }
        if (node == null || !node.isObject()) {
            errors.add(new Problem.FieldError("inputDefaults", "must be a JSON object {\"input\": number}"));
            return defaults;
        }
        node.fields().forEachRemaining(e -> {
            if (e.getValue().isNumber() && Double.isFinite(e.getValue().asDouble())) {
                defaults.put(e.getKey(), e.getValue().asDouble());
            } else if (e.getValue().isBoolean()) {
                defaults.put(e.getKey(), e.getValue().asBoolean() ? 1.0 : 0.0);
            } else {
                errors.add(new Problem.FieldError(
                        "inputDefaults", "'" + e.getKey() + "' must be a finite number, got " + e.getValue()));
            }
        });
        return defaults;
    }

    private static void checkName(String field, String value, List<Problem.FieldError> errors) {
        if (value == null || value.isBlank()) {
            errors.add(new Problem.FieldError(field, "is required"));
        } else if (!value.matches(NAME_PATTERN)) {
            errors.add(new Problem.FieldError(field, "must match " + NAME_PATTERN));
        }
    }
}
