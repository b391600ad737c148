package io.edgeloop.deployment.api;

import io.edgeloop.common.auth.Roles;
import io.edgeloop.deployment.domain.DeviceRevocation;
import io.edgeloop.deployment.domain.Enrollment;
import io.edgeloop.deployment.grpc.WatchHub;
import io.edgeloop.deployment.persistence.DeploymentEntity;
import io.edgeloop.deployment.persistence.DeploymentTargetEntity;
import io.edgeloop.deployment.persistence.DeviceEntity;
import io.edgeloop.deployment.persistence.DeviceModelEntity;
import io.edgeloop.deployment.persistence.IncompatibleTargets;
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
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

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
        Map<String, Map<String, DeviceViews.Incompatible>> incompatible = incompatible(
                IncompatibleTargets.shown(devices.stream().map(d -> d.id).toList()), deployments);
        List<DeviceViews.Device> out = new ArrayList<>();
        for (DeviceEntity d : devices) {
            out.add(view(
                    d, slots.getOrDefault(d.id, List.of()), deployments, incompatible.getOrDefault(d.id, Map.of())));
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
        Map<String, DeploymentEntity> deployments = new HashMap<>();
        Map<String, Map<String, DeviceViews.Incompatible>> incompatible =
                incompatible(IncompatibleTargets.shown(List.of(id)), deployments);
        return view(
                device,
                DeviceModelEntity.list("deviceId = ?1 order by modelName", id),
                deployments,
                incompatible.getOrDefault(id, Map.of()));
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
            DeviceEntity d,
            List<DeviceModelEntity> slots,
            Map<String, DeploymentEntity> deployments,
            Map<String, DeviceViews.Incompatible> incompatible) {
        List<DeviceViews.Model> models = new ArrayList<>();
        // a revoked device's open targets became INCOMPATIBLE because it was revoked, not for want of a variant: its
        // twin lists no models
        Map<String, DeviceViews.Incompatible> withoutSlot =
                new TreeMap<>(d.revokedAt == null ? incompatible : Map.of());
        for (DeviceModelEntity s : slots) {
            DeploymentEntity desired = s.desiredDeploymentId == null
                    ? null
                    : deployments.computeIfAbsent(s.desiredDeploymentId, id -> DeploymentEntity.findById(id));
            models.add(DeviceViews.Model.of(s, desired, withoutSlot.remove(s.modelName)));
        }
        withoutSlot.forEach((model, inc) -> models.add(DeviceViews.Model.incompatibleOnly(model, inc)));
        models.sort(Comparator.comparing(DeviceViews.Model::modelName));
        return DeviceViews.Device.of(d, models, hub.isConnected(d.id));
    }

    /**
     * The newest INCOMPATIBLE target per device and model (highest model version, then latest), from {@code targets}
     * ({@link IncompatibleTargets#shown}: already at most one per device and model).
     */
    private static Map<String, Map<String, DeviceViews.Incompatible>> incompatible(
            List<DeploymentTargetEntity> targets, Map<String, DeploymentEntity> deployments) {
        Map<String, Map<String, DeviceViews.Incompatible>> out = new HashMap<>();
        for (DeploymentTargetEntity t : targets) {
            DeploymentEntity d = deployments.computeIfAbsent(t.deploymentId, id -> DeploymentEntity.findById(id));
            if (d == null) {
                continue;
            }
            DeviceViews.Incompatible inc = new DeviceViews.Incompatible(d.id, d.modelVersion, t.message, t.updatedAt);
            out.computeIfAbsent(t.deviceId, k -> new HashMap<>()).merge(d.modelName, inc, DeviceResource::newest);
        }
        return out;
    }

    private static DeviceViews.Incompatible newest(DeviceViews.Incompatible a, DeviceViews.Incompatible b) {
        if (a.modelVersion() != b.modelVersion()) {
            return a.modelVersion() > b.modelVersion() ? a : b;
        }
        return a.at().isAfter(b.at()) ? a : b;
    }
}
