package io.edgeloop.registry.mlflow;

import static io.edgeloop.registry.mlflow.MlflowParams.optionalText;
import static io.edgeloop.registry.mlflow.MlflowParams.parseVersion;
import static io.edgeloop.registry.mlflow.MlflowParams.required;
import static io.edgeloop.registry.mlflow.MlflowParams.requiredText;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.edgeloop.common.auth.Roles;
import io.edgeloop.kit.auth.Caller;
import io.edgeloop.registry.domain.ModelDeletion;
import io.edgeloop.registry.domain.ModelRegistry;
import io.edgeloop.registry.domain.RegistryException;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Map;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * The MLflow model-version operations that change a version: {@code transition-stage} (stages are EdgeLoop's
 * aliases, {@link MlflowStages}; role {@code release}, recorded in the history), {@code set-tag} / {@code delete-tag}
 * (role {@code ml}) and {@code delete} (role {@code admin}: the version, its variants and the blobs nothing else
 * references, as {@code DELETE /models/{name}/versions/{version}}). Errors as the rest of the MLflow API.
 */
@Path("/api/2.0/mlflow")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.VIEWER)
public class MlflowVersionResource {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    ModelRegistry registry;

    @Inject
    ModelDeletion deletion;

    @Inject
    MlflowStages stages;

    @Inject
    MlflowShapes shapes;

    @Inject
    SecurityIdentity identity;

    /**
     * {@code {name, version, stage, archive_existing_versions}} -> {@code {"model_version": ...}} in its new stage.
     */
    @POST
    @Path("model-versions/transition-stage")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(Roles.RELEASE)
    public Map<String, Object> transitionStage(JsonNode body) {
        String name = requiredText(body, "name");
        int version = parseVersion(requiredText(body, "version"));
        String stage = MlflowStages.parse(requiredText(body, "stage"));
        JsonNode archive = body.get("archive_existing_versions");
        if (archive != null && !archive.isNull() && !archive.isBoolean()) {
            throw MlflowException.invalid("archive_existing_versions must be a boolean");
        }
        boolean archiveExisting = archive != null && archive.asBoolean(false);
        return Map.of(
                "model_version",
                shapes.modelVersion(
                        stages.transition(name, version, stage, archiveExisting, Caller.subject(identity))));
    }

    /** {@code {name, version, key, value}}: sets a tag of the version -> {@code {}}. */
    @POST
    @Path("model-versions/set-tag")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(Roles.ML)
    public Map<String, Object> setTag(JsonNode body) {
        String name = requiredText(body, "name");
        int version = parseVersion(requiredText(body, "version"));
        String key = requiredText(body, "key");
        JsonNode value = body.get("value");
        if (value == null || !value.isTextual()) {
            throw MlflowException.invalid("Missing value for required parameter 'value'.");
        }
        registry.setVersionTag(name, version, key, value.asText());
        return Map.of();
    }

    /** {@code ?name=&version=&key=} (or the same as a JSON body): removes a tag of the version -> {@code {}}. */
    @DELETE
    @Path("model-versions/delete-tag")
    @RolesAllowed(Roles.ML)
    public Map<String, Object> deleteTag(
            @QueryParam("name") String name,
            @QueryParam("version") String version,
            @QueryParam("key") String key,
            String body) {
        JsonNode json = body(body);
        registry.deleteVersionTag(
                required("name", name != null ? name : optionalText(json, "name")),
                parseVersion(required("version", version != null ? version : optionalText(json, "version"))),
                required("key", key != null ? key : optionalText(json, "key")));
        return Map.of();
    }

    /**
     * {@code ?name=&version=} (or the same as a JSON body): deletes the version -> {@code {}}; 409 INVALID_STATE while
     * an alias points at it.
     */
    @DELETE
    @Path("model-versions/delete")
    @RolesAllowed(Roles.ADMIN)
    public Map<String, Object> delete(
            @QueryParam("name") String name, @QueryParam("version") String version, String body) {
        JsonNode json = body(body);
        String model = required("name", name != null ? name : optionalText(json, "name"));
        int number = parseVersion(required("version", version != null ? version : optionalText(json, "version")));
        try {
            deletion.deleteVersion(model, number, Caller.subject(identity), "deleted via the MLflow API");
        } catch (RegistryException e) {
            if (e.kind() == RegistryException.Kind.FAILED_PRECONDITION) { // an alias points at it
                throw new MlflowException(409, MlflowException.INVALID_STATE, e.getMessage());
            }
            throw e;
        }
        return Map.of();
    }

    @ServerExceptionMapper
    public Response registry(RegistryException e) {
        return MlflowException.response(e);
    }

    private static JsonNode body(String body) {
        if (body == null || body.isBlank()) {
            return JSON.createObjectNode();
        }
        try {
            return JSON.readTree(body);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw MlflowException.invalid("the body is not JSON: " + e.getOriginalMessage());
        }
    }
}
