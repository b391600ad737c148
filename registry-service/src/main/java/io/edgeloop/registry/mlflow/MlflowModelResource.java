package io.edgeloop.registry.mlflow;

import static io.edgeloop.registry.mlflow.MlflowParams.optionalText;
import static io.edgeloop.registry.mlflow.MlflowParams.parseVersion;
import static io.edgeloop.registry.mlflow.MlflowParams.required;
import static io.edgeloop.registry.mlflow.MlflowParams.requiredText;

import com.fasterxml.jackson.databind.JsonNode;
import io.edgeloop.common.auth.Roles;
import io.edgeloop.kit.auth.Caller;
import io.edgeloop.registry.domain.ModelDeletion;
import io.edgeloop.registry.domain.ModelLifecycle;
import io.edgeloop.registry.domain.RegistryException;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Map;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * The MLflow calls that change a registered model as a whole ({@link ModelLifecycle}, {@link ModelDeletion}): {@code
 * registered-models/update} and {@code model-versions/update} (descriptions; role {@code ml}), {@code
 * registered-models/set-tag} and {@code delete-tag} (role {@code ml}, as version tags), {@code
 * registered-models/rename} (role {@code ml}; only a model that never had a version: other EdgeLoop services refer to
 * versions by the model's name, so a model with versions answers 409 INVALID_STATE saying what to do instead) and
 * {@code registered-models/delete} (role {@code admin}; the model, every version and variant, and the blobs nothing
 * else references; 409 INVALID_STATE naming each version in use). Descriptions, renames and deletions are recorded in
 * the model's history with the caller's subject as actor (tags are not, as version tags are not); descriptions and
 * tags move the {@code last_updated_timestamp}. Errors as the rest of the MLflow API.
 */
@Path("/api/2.0/mlflow")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.VIEWER)
public class MlflowModelResource {
    @Inject
    ModelLifecycle lifecycle;

    @Inject
    ModelDeletion deletion;

    @Inject
    MlflowShapes shapes;

    @Inject
    SecurityIdentity identity;

    /** {@code {name, description}} -> {@code {"registered_model": ...}}; an absent or empty description clears it. */
    @PATCH
    @Path("registered-models/update")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(Roles.ML)
    public Map<String, Object> updateModel(JsonNode body) {
        String name = requiredText(body, "name");
        String description = optionalText(body, "description");
        return Map.of(
                "registered_model",
                shapes.registeredModel(lifecycle.describeModel(name, description, Caller.subject(identity))));
    }

    /** {@code {name, version, description}} -> {@code {"model_version": ...}}. */
    @PATCH
    @Path("model-versions/update")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(Roles.ML)
    public Map<String, Object> updateVersion(JsonNode body) {
        String name = requiredText(body, "name");
        int version = parseVersion(requiredText(body, "version"));
        String description = optionalText(body, "description");
        return Map.of(
                "model_version",
                shapes.modelVersion(lifecycle.describeVersion(name, version, description, Caller.subject(identity))));
    }

    /**
     * {@code {name, key, value}}: sets (adds or replaces) a tag of the registered model -> {@code {}}; the model's
     * {@code last_updated_timestamp} moves when the tag changes.
     */
    @POST
    @Path("registered-models/set-tag")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(Roles.ML)
    public Map<String, Object> setTag(JsonNode body) {
        String name = requiredText(body, "name");
        String key = requiredText(body, "key");
        JsonNode value = body.get("value");
        if (value == null || !value.isTextual()) {
            throw MlflowException.invalid("Missing value for required parameter 'value'.");
        }
        lifecycle.setModelTag(name, key, value.asText());
        return Map.of();
    }

    /**
     * {@code ?name=&key=} (or {@code {name, key}} as a JSON body, as MLflow clients send it): removes a tag of the
     * registered model -> {@code {}}. As in MLflow, a tag the model does not have is no error.
     */
    @DELETE
    @Path("registered-models/delete-tag")
    @RolesAllowed(Roles.ML)
    public Map<String, Object> deleteTag(@QueryParam("name") String name, @QueryParam("key") String key, String body) {
        JsonNode json = MlflowParams.deleteBody(body);
        lifecycle.deleteModelTag(
                required("name", name != null ? name : optionalText(json, "name")),
                required("key", key != null ? key : optionalText(json, "key")));
        return Map.of();
    }

    /** {@code {name, new_name}} -> {@code {"registered_model": ...}} under its new name. */
    @POST
    @Path("registered-models/rename")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(Roles.ML)
    public Map<String, Object> rename(JsonNode body) {
        String name = requiredText(body, "name");
        String newName = requiredText(body, "new_name");
        return Map.of(
                "registered_model", shapes.registeredModel(lifecycle.rename(name, newName, Caller.subject(identity))));
    }

    /** {@code ?name=} (or {@code {name}} as a JSON body, as MLflow clients send it) -> {@code {}}. */
    @DELETE
    @Path("registered-models/delete")
    @RolesAllowed(Roles.ADMIN)
    public Map<String, Object> delete(@QueryParam("name") String name, String body) {
        String model = required("name", name != null ? name : optionalText(MlflowParams.deleteBody(body), "name"));
        deletion.deleteModel(model, Caller.subject(identity), "deleted via the MLflow API");
        return Map.of();
    }

    @ServerExceptionMapper
    public Response registry(RegistryException e) {
        return MlflowException.response(e);
    }
}
