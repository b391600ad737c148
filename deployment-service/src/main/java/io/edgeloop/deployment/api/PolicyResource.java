package io.edgeloop.deployment.api;

import io.edgeloop.common.auth.Roles;
import io.edgeloop.deployment.domain.InvalidPolicyException;
import io.edgeloop.deployment.domain.Policy;
import io.edgeloop.deployment.domain.PolicyService;
import io.edgeloop.deployment.domain.PolicySpec;
import io.edgeloop.kit.api.ApiException;
import io.edgeloop.kit.api.Problem;
import io.edgeloop.kit.auth.Caller;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;

/**
 * Deployment policies per model ({@code /policies/{name}}: an exact model name or a prefix pattern ending in
 * {@code *}); config-defined policies are listed with {@code source = config}. Reading needs {@code viewer}, setting
 * and deleting {@code release}; the caller is recorded as {@code updatedBy}.
 */
@Path("/policies")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.VIEWER)
public class PolicyResource {
    @Inject
    PolicyService policies;

    @Inject
    SecurityIdentity identity;

    /** A policy with its effective settings (omitted keys filled from the configuration defaults). */
    public record PolicyView(
            String name,
            String source,
            boolean pattern,
            Map<String, String> selector,
            boolean autoRollout,
            Views.RolloutSettingsView rollout,
            Policy.Promotion promotion,
            Instant updatedAt,
            String updatedBy) {
        static PolicyView of(Policy p) {
            return new PolicyView(
                    p.name(),
                    p.source(),
                    p.isPattern(),
                    new TreeMap<>(p.settings().selector()),
                    p.autoRollout(),
                    Views.RolloutSettingsView.of(p.settings()),
                    p.promotion(),
                    p.updatedAt(),
                    p.updatedBy());
        }
    }

    /** Every policy, by name. */
    @GET
    public List<PolicyView> list() {
        return policies.list().stream().map(PolicyView::of).toList();
    }

    /** One policy; 404 when there is none of that name. */
    @GET
    @Path("/{name}")
    public PolicyView get(@PathParam("name") String name) {
        return policies.get(name)
                .map(PolicyView::of)
                .orElseThrow(() -> ApiException.notFound("no policy '" + name + "'"));
    }

    /** Creates or replaces a REST policy; 422 naming each invalid field. */
    @RequestBody(
            content =
                    @Content(
                            mediaType = "application/json",
                            examples =
                                    @ExampleObject(
                                            name = "plant-a-canary",
                                            summary = "Plant A's arm64 devices: a 50% canary wave, then all, gated",
                                            value =
                                                    "{\"selector\":{\"site\":\"plant-a\"},\"capabilities\":{\"architecture\":\"arm64\",\"minRamMb\":256},\"autoRollout\":true,\"rollout\":{\"canaryPercent\":50,\"wavePercents\":[100],\"soakTimeMs\":5000,\"maxErrorRate\":0.05},\"promotion\":{\"minAccuracy\":0.8,\"maxAccuracyDrop\":0.02}}")))
    @PUT
    @Path("/{name}")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(Roles.RELEASE)
    public PolicyView put(@PathParam("name") String name, PolicySpec spec) {
        try {
            return PolicyView.of(policies.put(name, spec, Caller.subject(identity)));
        } catch (InvalidPolicyException e) {
            throw ApiException.invalid(
                    "invalid policy '" + name + "'",
                    e.problems().stream()
                            .map(p -> new Problem.FieldError(p.field(), p.message()))
                            .toList());
        }
    }

    /** Deletes a REST policy (204); 404 when there is none (config policies cannot be deleted). */
    @DELETE
    @Path("/{name}")
    @RolesAllowed(Roles.RELEASE)
    public Response delete(@PathParam("name") String name) {
        if (!policies.delete(name, Caller.subject(identity))) {
            throw ApiException.notFound("no REST policy '" + name + "'");
        }
        return Response.noContent().build();
    }
}
