package io.edgeloop.console.clients;

import io.edgeloop.console.clients.FleetViews.Device;
import io.edgeloop.console.clients.FleetViews.Rollout;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/** deployment-service's fleet API ({@code deployment.api.DeviceResource}, {@code RolloutResource}). */
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
}
