package io.edgeloop.console.web;

import io.edgeloop.common.auth.Roles;
import io.edgeloop.kit.api.ApiException;
import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The services' REST APIs as the console reads them, with canned JSON of the services' real shapes
 * ({@code src/test/resources/stub}); like the services, every read needs role viewer, so a page only renders when the
 * console forwarded the caller's token.
 */
@Path("/stub")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.VIEWER)
public class StubServices {
    @GET
    @Path("{service}/q/health/ready")
    @PermitAll
    public String ready(@PathParam("service") String service) {
        return "{\"status\":\"UP\"}";
    }

    @GET
    @Path("registry-service/models")
    public String models() {
        return fixture("registry-models");
    }

    @GET
    @Path("registry-service/models/{name}")
    public String model(@PathParam("name") String name) {
        return motion(name, "registry-model");
    }

    @GET
    @Path("registry-service/models/{name}/versions")
    public String versions(@PathParam("name") String name) {
        return motion(name, "registry-versions");
    }

    @GET
    @Path("registry-service/models/{name}/aliases")
    public String aliases(@PathParam("name") String name) {
        return motion(name, "registry-aliases");
    }

    @GET
    @Path("deployment-service/devices")
    public String devices() {
        return fixture("deployment-devices");
    }

    @GET
    @Path("deployment-service/rollouts")
    public String rollouts() {
        return fixture("deployment-rollouts");
    }

    @GET
    @Path("monitoring-service/models/{name}/drift")
    public String drift(@PathParam("name") String name) {
        return motion(name, "monitoring-drift");
    }

    @GET
    @Path("training-service/training-runs")
    public String runs() {
        return fixture("training-runs");
    }

    @GET
    @Path("training-service/training-runs/{id}")
    public String run(@PathParam("id") String id) {
        if (!id.equals("run-2")) {
            throw ApiException.notFound("no training run " + id);
        }
        return fixture("training-run");
    }

    private static String motion(String name, String fixture) {
        if (!name.equals("motion")) {
            throw ApiException.notFound("model '" + name + "' is not registered");
        }
        return fixture(fixture);
    }

    private static String fixture(String name) {
        try (InputStream in = StubServices.class.getResourceAsStream("/stub/" + name + ".json")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
