package io.edgeloop.compiler.api;

import io.edgeloop.compiler.config.CompilerConfig;
import io.edgeloop.compiler.domain.CompilationFailure;
import io.edgeloop.compiler.domain.ModelUploads;
import io.edgeloop.compiler.domain.PeerUnavailableException;
import io.edgeloop.compiler.persistence.Compilation;
import io.edgeloop.kit.api.ApiException;
import io.edgeloop.kit.api.Problem;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.narayana.jta.QuarkusTransaction;
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
import java.util.List;

/**
 * "Bring your own model": {@code POST /models?name=&dataset=&datasetVersion=} with an ONNX model as the
 * {@code application/octet-stream} body (the parameters may also come as headers {@code X-Model-Name},
 * {@code X-Dataset}, {@code X-Dataset-Version}). The model is checked, registered as a new version, and compiled
 * against the snapshot's samples.
 */
@Path("/models")
@Produces(MediaType.APPLICATION_JSON)
public class ModelResource {
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
    public Response upload(
            @QueryParam("name") String name,
            @QueryParam("dataset") String dataset,
            @QueryParam("datasetVersion") String datasetVersion,
            @HeaderParam("X-Model-Name") String nameHeader,
            @HeaderParam("X-Dataset") String datasetHeader,
            @HeaderParam("X-Dataset-Version") String datasetVersionHeader,
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
            u = uploads.upload(model, ds, version, body);
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

    private static void checkName(String field, String value, List<Problem.FieldError> errors) {
        if (value == null || value.isBlank()) {
            errors.add(new Problem.FieldError(field, "is required"));
        } else if (!value.matches(NAME_PATTERN)) {
            errors.add(new Problem.FieldError(field, "must match " + NAME_PATTERN));
        }
    }
}
