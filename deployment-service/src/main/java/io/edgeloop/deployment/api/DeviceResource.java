package io.edgeloop.deployment.api;

import io.edgeloop.deployment.grpc.WatchHub;
import io.edgeloop.deployment.persistence.DeploymentEntity;
import io.edgeloop.deployment.persistence.DeviceEntity;
import io.edgeloop.deployment.persistence.DeviceModelEntity;
import io.edgeloop.kit.api.ApiException;
import io.quarkus.panache.common.Sort;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Registered devices with the desired and reported state of every model they serve. */
@Path("/devices")
@Produces(MediaType.APPLICATION_JSON)
public class DeviceResource {
    @Inject
    WatchHub hub;

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
