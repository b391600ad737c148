package io.edgeloop.deployment.api;

import io.edgeloop.common.auth.Roles;
import io.edgeloop.deployment.config.DeploymentConfig;
import io.edgeloop.deployment.domain.FleetService;
import io.edgeloop.deployment.persistence.DeploymentEntity;
import io.edgeloop.deployment.persistence.DeploymentTargetEntity;
import io.edgeloop.kit.api.ApiException;
import io.edgeloop.kit.api.Problem;
import io.quarkus.panache.common.Page;
import io.quarkus.panache.common.Sort;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** Deployments (rollouts) and their per-device progress; read-only ({@code viewer}). */
@Path("/deployments")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.VIEWER)
public class DeploymentResource {
    @Inject
    FleetService fleet;

    @Inject
    DeploymentConfig config;

    /** Deployments, newest first; {@code limit} caps the count (1..max-page-size, default 50). */
    @GET
    @Transactional
    public List<Views.Deployment> list(@QueryParam("limit") @DefaultValue("50") int limit) {
        if (limit < 1 || limit > config.maxPageSize()) {
            throw ApiException.invalid(
                    "invalid query",
                    List.of(new Problem.FieldError(
                            "limit", "must be between 1 and " + config.maxPageSize() + ", was " + limit)));
        }
        List<DeploymentEntity> deployments = DeploymentEntity.findAll(
                        Sort.descending("createdAt").and("id"))
                .page(Page.ofSize(limit))
                .list();
        if (deployments.isEmpty()) {
            return List.of();
        }
        Map<String, List<DeploymentTargetEntity>> targets = DeploymentTargetEntity.<DeploymentTargetEntity>list(
                        "deploymentId in ?1 order by deviceId",
                        deployments.stream().map(d -> d.id).toList())
                .stream()
                .collect(Collectors.groupingBy(t -> t.deploymentId));
        return deployments.stream()
                .map(d -> Views.Deployment.of(d, targets.getOrDefault(d.id, List.of())))
                .toList();
    }

    /** One deployment; 404 when unknown. */
    @GET
    @Path("/{id}")
    @Transactional
    public Views.Deployment get(@PathParam("id") String id) {
        DeploymentEntity d = DeploymentEntity.findById(id);
        if (d == null) {
            throw ApiException.notFound("no deployment '" + id + "'");
        }
        return Views.Deployment.of(d, fleet.targetsOf(id));
    }
}
