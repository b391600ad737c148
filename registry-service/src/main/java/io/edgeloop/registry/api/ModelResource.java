package io.edgeloop.registry.api;

import io.edgeloop.common.auth.Roles;
import io.edgeloop.kit.api.ApiException;
import io.edgeloop.kit.api.Problem;
import io.edgeloop.kit.auth.Caller;
import io.edgeloop.registry.domain.AliasView;
import io.edgeloop.registry.domain.History;
import io.edgeloop.registry.domain.HistoryEntry;
import io.edgeloop.registry.domain.ModelCard;
import io.edgeloop.registry.domain.ModelCards;
import io.edgeloop.registry.domain.ModelDeletion;
import io.edgeloop.registry.domain.ModelDetail;
import io.edgeloop.registry.domain.ModelRegistry;
import io.edgeloop.registry.domain.ModelSummary;
import io.edgeloop.registry.domain.VersionView;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;

/**
 * REST view of the registry: list/search models, get models and versions, set and remove aliases, tag versions,
 * delete versions (garbage-collecting their blobs) and read a model's append-only history. Reads need {@code viewer};
 * alias moves {@code release}; tags {@code ml}; deleting a version {@code admin}. The history records the caller's
 * authenticated subject as the actor (an {@code actor} given in a body or query is ignored).
 */
@Path("/models")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.VIEWER)
public class ModelResource {
    @Inject
    ModelRegistry registry;

    @Inject
    ModelDeletion deletion;

    @Inject
    History history;

    @Inject
    ModelCards cards;

    @Inject
    SecurityIdentity identity;

    /**
     * Body of {@code PUT /models/{name}/aliases/{alias}}.
     *
     * @param version the version to point at
     * @param actor ignored (accepted for older clients): the history records the authenticated subject
     * @param reason why, recorded in the history
     */
    public record AliasRequest(Integer version, String actor, String reason) {}

    /** Body of {@code PUT /models/{name}/versions/{version}/tags/{key}}. */
    public record TagRequest(String value) {}

    /** Answer of {@code DELETE /models/{name}/versions/{version}}. */
    public record DeletedVersion(String modelName, int version, Set<String> deletedArtifacts) {}

    /** Every model with its latest version number, by name; {@code q} keeps those whose name contains it. */
    @GET
    public List<ModelSummary> list(@QueryParam("q") String q) {
        if (q == null || q.isEmpty()) {
            return registry.models();
        }
        if (q.length() > 128) {
            throw ApiException.badRequest("q: at most 128 characters, got " + q.length());
        }
        String escaped = q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
        return registry.search("%" + escaped + "%", null, Integer.MAX_VALUE);
    }

    /** The aliases of a model. */
    @GET
    @Path("{name}/aliases")
    public List<AliasView> aliases(@PathParam("name") String name) {
        return registry.aliases(checkName(name));
    }

    /** The version an alias points at; 404 when the model or alias is unknown. */
    @GET
    @Path("{name}/aliases/{alias}")
    public VersionView alias(@PathParam("name") String name, @PathParam("alias") String alias) {
        return registry.versionByAlias(checkName(name), alias);
    }

    /**
     * Points an alias at a version ({@code {"version":3,"reason":"..."}}), recorded in the history with the caller
     * as actor; returns the version. 400 for a bad body or alias, 404 for an unknown model or version.
     */
    @RequestBody(
            content =
                    @Content(
                            mediaType = "application/json",
                            examples =
                                    @ExampleObject(
                                            name = "promote-v3",
                                            summary = "Point the alias at version 3",
                                            value = "{\"version\":3,\"reason\":\"v3 beats v2 on the held-out set\"}")))
    @PUT
    @Path("{name}/aliases/{alias}")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(Roles.RELEASE)
    public VersionView setAlias(@PathParam("name") String name, @PathParam("alias") String alias, AliasRequest body) {
        checkName(name);
        if (body == null || body.version() == null) {
            throw ApiException.invalid(
                    "the body must be {\"version\": <positive number>, \"reason\": ...}",
                    List.of(new Problem.FieldError("version", "is required")));
        }
        return registry.setAlias(name, alias, body.version(), Caller.subject(identity), body.reason());
    }

    /**
     * Removes an alias (recorded in the history with the caller as actor; a query {@code actor} is ignored); 204, or
     * 404 when there is no such alias.
     */
    @DELETE
    @Path("{name}/aliases/{alias}")
    @RolesAllowed(Roles.RELEASE)
    public void deleteAlias(
            @PathParam("name") String name, @PathParam("alias") String alias, @QueryParam("reason") String reason) {
        registry.deleteAlias(checkName(name), alias, Caller.subject(identity), reason);
    }

    /**
     * The model's history, oldest first: alias moves, version deletions, deployments. Page with {@code after} (the
     * last id seen) and {@code limit} (1-1000, default 100).
     */
    @GET
    @Path("{name}/history")
    public List<HistoryEntry> history(
            @PathParam("name") String name,
            @QueryParam("after") @DefaultValue("0") long after,
            @QueryParam("limit") @DefaultValue("100") int limit) {
        registry.model(checkName(name)); // 404 for unknown models
        List<Problem.FieldError> errors = new ArrayList<>();
        if (after < 0) {
            errors.add(new Problem.FieldError("after", "must not be negative"));
        }
        if (limit < 1 || limit > 1000) {
            errors.add(new Problem.FieldError("limit", "must be between 1 and 1000"));
        }
        if (!errors.isEmpty()) {
            throw ApiException.invalid("invalid paging parameters", errors);
        }
        return history.of(name, after, limit);
    }

    /** One model with its latest version in full; 404 when unknown. */
    @GET
    @Path("{name}")
    public ModelDetail get(@PathParam("name") String name) {
        return registry.model(checkName(name));
    }

    /** All versions of a model, oldest first; 404 when the model is unknown. */
    @GET
    @Path("{name}/versions")
    public List<VersionView> versions(@PathParam("name") String name) {
        return registry.versions(checkName(name));
    }

    /**
     * The model card of a version ({@code latest} or a number): JSON, or Markdown with {@code Accept: text/markdown}.
     * Intended use and stated limitations come from the version's tags {@code intended_use} and {@code limitations}.
     */
    @GET
    @Path("{name}/versions/{version}/card")
    @Produces({MediaType.APPLICATION_JSON, "text/markdown"})
    public Response card(
            @PathParam("name") String name,
            @PathParam("version") String version,
            @jakarta.ws.rs.HeaderParam("Accept") String accept) {
        ModelCard card = cards.card(checkName(name), parseVersion(version));
        if (accept != null && accept.contains("text/markdown")) {
            return Response.ok(ModelCardMarkdown.render(card), "text/markdown; charset=utf-8")
                    .build();
        }
        return Response.ok(card, MediaType.APPLICATION_JSON).build();
    }

    /** One version ({@code latest} or a positive number); 400 for anything else, 404 when missing. */
    @GET
    @Path("{name}/versions/{version}")
    public VersionView version(@PathParam("name") String name, @PathParam("version") String version) {
        return registry.version(checkName(name), parseVersion(version));
    }

    /**
     * Deletes a version and its variants, then deletes the blobs nothing references any more. 409 when an alias
     * points at it, 404 when it does not exist. The history records the caller as actor.
     */
    @DELETE
    @Path("{name}/versions/{version}")
    @RolesAllowed(Roles.ADMIN)
    public DeletedVersion deleteVersion(
            @PathParam("name") String name, @PathParam("version") String version, @QueryParam("reason") String reason) {
        int v = parseNumber(version);
        Set<String> deleted = deletion.deleteVersion(checkName(name), v, Caller.subject(identity), reason);
        return new DeletedVersion(name, v, deleted);
    }

    /** Sets a tag of a version ({@code {"value": "..."}}); returns the version. */
    @PUT
    @Path("{name}/versions/{version}/tags/{key}")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(Roles.ML)
    public VersionView setTag(
            @PathParam("name") String name,
            @PathParam("version") String version,
            @PathParam("key") String key,
            TagRequest body) {
        if (body == null || body.value() == null) {
            throw ApiException.invalid(
                    "the body must be {\"value\": \"...\"}", List.of(new Problem.FieldError("value", "is required")));
        }
        return registry.setVersionTag(checkName(name), parseNumber(version), key, body.value());
    }

    /** Removes a tag of a version; returns the version. 404 when the tag does not exist. */
    @DELETE
    @Path("{name}/versions/{version}/tags/{key}")
    @RolesAllowed(Roles.ML)
    public VersionView deleteTag(
            @PathParam("name") String name, @PathParam("version") String version, @PathParam("key") String key) {
        return registry.deleteVersionTag(checkName(name), parseNumber(version), key);
    }

    private static int parseNumber(String version) {
        int v = parseVersion(version);
        if (v == 0) {
            throw ApiException.badRequest("version must be a positive number here, got '" + version + "'");
        }
        return v;
    }

    private static String checkName(String name) {
        if (!ModelRegistry.MODEL_NAME.matcher(name).matches()) {
            throw ApiException.badRequest("model name must be 1-128 of [A-Za-z0-9._-] starting with a letter or"
                    + " digit, got '" + name + "'");
        }
        return name;
    }

    private static int parseVersion(String version) {
        if ("latest".equals(version)) {
            return 0;
        }
        try {
            int v = Integer.parseInt(version);
            if (v >= 1) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw ApiException.badRequest("version must be 'latest' or a positive number, got '" + version + "'");
    }
}
