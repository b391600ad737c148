package io.edgeloop.deployment.api;

import io.edgeloop.common.auth.Roles;
import io.edgeloop.deployment.config.DeploymentConfig;
import io.edgeloop.deployment.domain.AssignmentPush;
import io.edgeloop.deployment.domain.RolloutService;
import io.edgeloop.deployment.domain.UnknownEntityException;
import io.edgeloop.deployment.grpc.WatchHub;
import io.edgeloop.deployment.persistence.DeploymentEntity;
import io.edgeloop.deployment.persistence.DeploymentTargetEntity;
import io.edgeloop.deployment.persistence.DeploymentVariantEntity;
import io.edgeloop.deployment.persistence.RolloutGateEntity;
import io.edgeloop.deployment.persistence.RolloutHistoryEntity;
import io.edgeloop.kit.api.ApiException;
import io.edgeloop.kit.api.Problem;
import io.edgeloop.kit.auth.Caller;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.panache.common.Page;
import io.quarkus.panache.common.Sort;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import java.util.function.Supplier;

/**
 * Staged rollouts: status and history ({@code GET /rollouts}, {@code GET /rollouts/{id}} with waves, gate results and
 * reasons) and manual control ({@code POST /rollouts/{id}/start|pause|resume|rollback}: 404 unknown, 409 when the
 * rollout is in a state that does not allow it). Reading needs {@code viewer}, control {@code release}; the caller is
 * recorded as the actor of the history entry.
 */
@Path("/rollouts")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.VIEWER)
public class RolloutResource {
    @Inject
    SecurityIdentity identity;

    @Inject
    RolloutService rollouts;

    @Inject
    WatchHub hub;

    @Inject
    DeploymentConfig config;

    /** Rollouts, newest first; {@code limit} caps the count (1..max-page-size, default 50). */
    @GET
    public List<Views.Rollout> list(@QueryParam("limit") @DefaultValue("50") int limit) {
        if (limit < 1 || limit > config.maxPageSize()) {
            throw ApiException.invalid(
                    "invalid query",
                    List.of(new Problem.FieldError(
                            "limit", "must be between 1 and " + config.maxPageSize() + ", was " + limit)));
        }
        return QuarkusTransaction.requiringNew()
                .call(() -> DeploymentEntity.<DeploymentEntity>findAll(
                                Sort.descending("createdAt").and("id"))
                        .page(Page.ofSize(limit))
                        .list()
                        .stream()
                        .map(RolloutResource::view)
                        .toList());
    }

    /** One rollout; 404 when unknown. */
    @GET
    @Path("/{id}")
    public Views.Rollout get(@PathParam("id") String id) {
        return load(id);
    }

    /**
     * Starts a HELD rollout with the model's current policy (promotion gate first): 409 unless HELD, 422 when still no
     * policy matches the model.
     */
    @POST
    @Path("/{id}/start")
    @RolesAllowed(Roles.RELEASE)
    public Views.Rollout start(@PathParam("id") String id) {
        try {
            control(() -> rollouts.start(id, Caller.subject(identity)));
        } catch (RolloutService.NoPolicyException e) {
            throw ApiException.invalid(e.getMessage(), List.of(new Problem.FieldError("policy", e.getMessage())));
        }
        return load(id);
    }

    /** Pauses a rolling rollout (409 unless ROLLING_OUT). */
    @POST
    @Path("/{id}/pause")
    @RolesAllowed(Roles.RELEASE)
    public Views.Rollout pause(@PathParam("id") String id) {
        control(() -> {
            rollouts.pause(id, Caller.subject(identity));
            return List.of();
        });
        return load(id);
    }

    /** Resumes a paused rollout (409 unless PAUSED). */
    @POST
    @Path("/{id}/resume")
    @RolesAllowed(Roles.RELEASE)
    public Views.Rollout resume(@PathParam("id") String id) {
        control(() -> rollouts.resume(id, Caller.subject(identity)));
        return load(id);
    }

    /**
     * Rolls a rollout back: its devices return to their last known good deployment (409 unless ROLLING_OUT, PAUSED
     * or COMPLETED).
     */
    @POST
    @Path("/{id}/rollback")
    @RolesAllowed(Roles.RELEASE)
    public Views.Rollout rollback(@PathParam("id") String id) {
        control(() -> rollouts.rollback(id, "manual rollback over REST", Caller.subject(identity)));
        return load(id);
    }

    private void control(Supplier<List<AssignmentPush>> action) {
        List<AssignmentPush> pushes;
        try {
            pushes = action.get();
        } catch (UnknownEntityException e) {
            throw ApiException.notFound(e.getMessage());
        } catch (IllegalStateException e) {
            throw ApiException.conflict(e.getMessage());
        }
        hub.pushAll(pushes);
    }

    private Views.Rollout load(String id) {
        Views.Rollout r = QuarkusTransaction.requiringNew().call(() -> {
            DeploymentEntity d = DeploymentEntity.findById(id);
            return d == null ? null : view(d);
        });
        if (r == null) {
            throw ApiException.notFound("no rollout '" + id + "'");
        }
        return r;
    }

    private static Views.Rollout view(DeploymentEntity d) {
        return Views.Rollout.of(
                d,
                DeploymentTargetEntity.list("deploymentId = ?1 order by deviceId", d.id),
                RolloutGateEntity.list("deploymentId = ?1 order by id", d.id),
                DeploymentVariantEntity.list("deploymentId = ?1 order by id", d.id),
                RolloutHistoryEntity.list("deploymentId = ?1 order by id", d.id));
    }
}
