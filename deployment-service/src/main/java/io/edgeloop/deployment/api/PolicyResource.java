package io.edgeloop.deployment.api;

import io.edgeloop.deployment.domain.InvalidPolicyException;
import io.edgeloop.deployment.domain.Policy;
import io.edgeloop.deployment.domain.PolicyService;
import io.edgeloop.deployment.domain.PolicySpec;
import io.edgeloop.kit.api.ApiException;
import io.edgeloop.kit.api.Problem;
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

/**
 * Deployment policies per model ({@code /policies/{name}}: an exact model name or a prefix pattern ending in
 * {@code *}); config-defined policies are listed with {@code source = config}.
 */
@Path("/policies")
@Produces(MediaType.APPLICATION_JSON)
public class PolicyResource {
    @Inject
    PolicyService policies;

    /** A policy with its effective settings (omitted keys filled from the configuration defaults). */
    public record PolicyView(
            String name,
            String source,
            boolean pattern,
            Map<String, String> selector,
            boolean autoRollout,
            Views.RolloutSettingsView rollout,
            Policy.Promotion promotion,
            Instant updatedAt) {
        static PolicyView of(Policy p) {
            return new PolicyView(
                    p.name(),
                    p.source(),
                    p.isPattern(),
                    new TreeMap<>(p.settings().selector()),
                    p.autoRollout(),
                    Views.RolloutSettingsView.of(p.settings()),
                    p.promotion(),
                    p.updatedAt());
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
    @PUT
    @Path("/{name}")
    @Consumes(MediaType.APPLICATION_JSON)
    public PolicyView put(@PathParam("name") String name, PolicySpec spec) {
        try {
            return PolicyView.of(policies.put(name, spec));
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
    public Response delete(@PathParam("name") String name) {
        if (!policies.delete(name)) {
            throw ApiException.notFound("no REST policy '" + name + "'");
        }
        return Response.noContent().build();
    }
}
