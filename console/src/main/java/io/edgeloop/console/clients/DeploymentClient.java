package io.edgeloop.console.clients;

import io.edgeloop.console.clients.FleetViews.Device;
import io.edgeloop.console.clients.FleetViews.Rollout;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/**
 * deployment-service's fleet API ({@code deployment.api.DeviceResource}, {@code RolloutResource}): reads need role
 * {@code viewer}, rollout control ({@code POST /rollouts/{id}/start|pause|resume|rollback}) role {@code release}.
 */
@RegisterRestClient(configKey = "deployment-service")
@Produces(MediaType.APPLICATION_JSON)
public interface DeploymentClient {
    /** Every registered device with its twin. */
    @GET
    @Path("/devices")
    List<Device> devices(@HeaderParam("Authorization") String bearer);

    /** Rollouts, newest first. */
    @GET
    @Path("/rollouts")
    List<Rollout> rollouts(@HeaderParam("Authorization") String bearer, @QueryParam("limit") int limit);

    /**
     * Manual control of a rollout: {@code action} is {@code start}, {@code pause}, {@code resume} or {@code rollback};
     * 404 unknown, 409 when its state does not allow it, 403 without role {@code release}.
     */
    @POST
    @Path("/rollouts/{id}/{action}")
    Rollout control(
            @HeaderParam("Authorization") String bearer,
            @PathParam("id") String id,
            @PathParam("action") String action);
}
