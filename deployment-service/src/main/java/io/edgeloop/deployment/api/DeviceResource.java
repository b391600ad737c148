package io.edgeloop.deployment.api;

import io.edgeloop.deployment.grpc.WatchHub;
import io.edgeloop.deployment.persistence.DeploymentEntity;
import io.edgeloop.deployment.persistence.DeviceEntity;
import io.edgeloop.kit.api.ApiException;
import io.quarkus.panache.common.Sort;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Registered devices with their desired and reported state. */
@Path("/devices")
@Produces(MediaType.APPLICATION_JSON)
public class DeviceResource {
    @Inject
    WatchHub hub;

    /** Every registered device, by id. */
    @GET
    @Transactional
    public List<Views.Device> list() {
        List<DeviceEntity> devices = DeviceEntity.listAll(Sort.by("id"));
        List<String> desiredIds = devices.stream()
                .map(d -> d.desiredDeploymentId)
                .filter(id -> id != null)
                .distinct()
                .toList();
        Map<String, DeploymentEntity> desired = desiredIds.isEmpty()
                ? Map.of()
                : DeploymentEntity.<DeploymentEntity>list("id in ?1", desiredIds).stream()
                        .collect(Collectors.toMap(d -> d.id, Function.identity()));
        return devices.stream()
                .map(d -> Views.Device.of(d, desired.get(d.desiredDeploymentId), hub.isConnected(d.id)))
                .toList();
    }

    /** One device; 404 when it is not registered. */
    @GET
    @Path("/{id}")
    @Transactional
    public Views.Device get(@PathParam("id") String id) {
        DeviceEntity device = DeviceEntity.findById(id);
        if (device == null) {
            throw ApiException.notFound("device '" + id + "' is not registered");
        }
        DeploymentEntity desired =
                device.desiredDeploymentId == null ? null : DeploymentEntity.findById(device.desiredDeploymentId);
        return Views.Device.of(device, desired, hub.isConnected(id));
    }
}
