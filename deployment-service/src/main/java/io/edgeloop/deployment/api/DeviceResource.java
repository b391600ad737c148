package io.edgeloop.deployment.api;

import io.edgeloop.common.auth.Roles;
import io.edgeloop.deployment.domain.DeviceRevocation;
import io.edgeloop.deployment.domain.Enrollment;
import io.edgeloop.deployment.grpc.WatchHub;
import io.edgeloop.deployment.persistence.DeploymentEntity;
import io.edgeloop.deployment.persistence.DeviceEntity;
import io.edgeloop.deployment.persistence.DeviceModelEntity;
import io.edgeloop.kit.api.ApiException;
import io.edgeloop.kit.auth.Caller;
import io.quarkus.panache.common.Sort;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Registered devices with the desired and reported state of every model they serve ({@code viewer}); an administrator
 * revokes a device with {@code DELETE /devices/{id}}.
 */
@Path("/devices")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.VIEWER)
public class DeviceResource {
    @Inject
    WatchHub hub;

    @Inject
    DeviceRevocation revocation;

    @Inject
    Enrollment enrollment;

    @Inject
    SecurityIdentity identity;

    /** Every registered device, by id ({@code []} for an empty fleet). */
    @GET
    @Transactional
    public List<DeviceViews.Device> list() {
        List<DeviceEntity> devices = DeviceEntity.listAll(Sort.by("id"));
        Map<String, List<DeviceModelEntity>> slots = new HashMap<>();
        for (DeviceModelEntity s : DeviceModelEntity.<DeviceModelEntity>listAll(Sort.by("modelName"))) {
            slots.computeIfAbsent(s.deviceId, k -> new ArrayList<>()).add(s);
        }
        Map<String, DeploymentEntity> deployments = new HashMap<>();
        List<DeviceViews.Device> out = new ArrayList<>();
        for (DeviceEntity d : devices) {
            out.add(view(d, slots.getOrDefault(d.id, List.of()), deployments));
        }
        return out;
    }

    /** One device; 404 when it is not registered. */
    @GET
    @Path("/{id}")
    @Transactional
    public DeviceViews.Device get(@PathParam("id") String id) {
        DeviceEntity device = DeviceEntity.findById(id);
        if (device == null) {
            throw ApiException.notFound("device '" + id + "' is not registered");
        }
        return view(device, DeviceModelEntity.list("deviceId = ?1 order by modelName", id), new HashMap<>());
    }

    /**
     * Revokes a device (204; 404 when it is not registered; again 204 when it was revoked before): its assignments are
     * removed, it leaves the rollouts in progress, its live WatchAssignments stream ends with PERMISSION_DENIED, every
     * credential it was issued goes on the stack's revocation list (so every service refuses it at once) with its
     * unused enrollment tokens cancelled, and every later call made for it is refused. It stays listed, with {@code
     * revokedAt}.
     */
    @DELETE
    @Path("/{id}")
    @RolesAllowed(Roles.ADMIN)
    public Response revoke(@PathParam("id") String id) {
        String actor = Caller.subject(identity);
        boolean registered = revocation.revoke(id, actor);
        int credentials = enrollment.revokeAll(id);
        if (!registered && credentials == 0) {
            throw ApiException.notFound("device '" + id + "' is not registered");
        }
        hub.cutOff(id, "device '" + id + "' was revoked");
        return Response.noContent().build();
    }

    private DeviceViews.Device view(
            DeviceEntity d, List<DeviceModelEntity> slots, Map<String, DeploymentEntity> deployments) {
        List<DeviceViews.Model> models = new ArrayList<>();
        for (DeviceModelEntity s : slots) {
            DeploymentEntity desired = s.desiredDeploymentId == null
                    ? null
                    : deployments.computeIfAbsent(s.desiredDeploymentId, id -> DeploymentEntity.findById(id));
            models.add(DeviceViews.Model.of(s, desired));
        }
        return DeviceViews.Device.of(d, models, hub.isConnected(d.id));
    }
}
