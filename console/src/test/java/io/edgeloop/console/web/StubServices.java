package io.edgeloop.console.web;

import io.edgeloop.common.auth.Roles;
import io.edgeloop.kit.api.ApiException;
import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
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

    /** The drift history; the console asks for the newest 100. */
    @GET
    @Path("monitoring-service/models/{name}/drift/history")
    public String driftHistory(@PathParam("name") String name, @QueryParam("limit") int limit) {
        if (limit != 100) {
            throw ApiException.invalid("unexpected limit " + limit, java.util.List.of());
        }
        return motion(name, "monitoring-drift-history");
    }

    // training-service's runs: TrainingStubs

    @GET
    @Path("registry-service/models/{name}/versions/{version}/card")
    @Produces({MediaType.APPLICATION_JSON, "text/markdown"})
    public jakarta.ws.rs.core.Response card(
            @PathParam("name") String name,
            @PathParam("version") int version,
            @jakarta.ws.rs.HeaderParam("Accept") String accept) {
        if (version != 2) {
            throw ApiException.notFound("model 'motion' has no version " + version);
        }
        if (accept != null && accept.contains("text/markdown")) {
            return jakarta.ws.rs.core.Response.ok("# Model card: motion v2\n", "text/markdown")
                    .build();
        }
        return jakarta.ws.rs.core.Response.ok(motion(name, "registry-card"), MediaType.APPLICATION_JSON)
                .build();
    }

    @GET
    @Path("monitoring-service/models/{name}/performance")
    public String performance(@PathParam("name") String name, @QueryParam("version") Integer version) {
        if (version != null && version != 2) {
            return motion(name, "monitoring-performance")
                    .replace("\"modelVersion\": 2", "\"modelVersion\": " + version)
                    .replace("\"labelledCount\": 40", "\"labelledCount\": 0");
        }
        return motion(name, "monitoring-performance");
    }

    @GET
    @Path("monitoring-service/models/{name}/performance/segments")
    public String segments(@PathParam("name") String name, @QueryParam("label") String label) {
        return label.equals("zone") ? motion(name, "monitoring-segments") : "[]";
    }

    @GET
    @Path("data-service/datasets")
    public String datasets() {
        return fixture("data-datasets");
    }

    @GET
    @Path("data-service/datasets/{name}")
    public String dataset(@PathParam("name") String name) {
        return motion(name, "data-dataset");
    }

    @GET
    @Path("data-service/datasets/{name}/snapshots")
    public String snapshots(@PathParam("name") String name) {
        return motion(name, "data-snapshots");
    }

    @GET
    @Path("data-service/datasets/{name}/stats")
    public String stats(@PathParam("name") String name) {
        return motion(name, "data-stats");
    }

    /** A drift verdict of motion v2 waiting for new labelled data. */
    @GET
    @Path("data-service/datasets/{name}/drift")
    public String datasetDrift(@PathParam("name") String name) {
        motion(name, "data-dataset");
        return "{\"datasetName\":\"motion\",\"pending\":{\"datasetName\":\"motion\",\"eventId\":\"e-9\","
                + "\"modelName\":\"motion\",\"modelVersion\":2,\"driftScore\":0.41,\"threshold\":0.2,"
                + "\"detectedAt\":\"2026-12-07T01:10:00Z\",\"checkedThrough\":\"2026-12-07T01:10:00Z\"}}";
    }

    /** The ingest log; the console asks for the newest 20. */
    @GET
    @Path("data-service/datasets/{name}/ingests")
    public String ingests(@PathParam("name") String name, @QueryParam("limit") int limit) {
        if (limit != 20) {
            throw ApiException.invalid("unexpected limit " + limit, java.util.List.of());
        }
        return motion(name, "data-ingests");
    }

    /** Rollout control needs release, like the service; d-1 is COMPLETED, so only a rollback is allowed. */
    @POST
    @Path("deployment-service/rollouts/{id}/{action}")
    @RolesAllowed(Roles.RELEASE)
    public String control(@PathParam("id") String id, @PathParam("action") String action) {
        if (!id.equals("d-1")) {
            throw ApiException.notFound("no rollout '" + id + "'");
        }
        if (!action.equals("rollback")) {
            throw ApiException.conflict("rollout d-1 is COMPLETED, cannot " + action);
        }
        return fixture("deployment-rollouts").replaceFirst("^\\[", "").replaceFirst("\\]\\s*$", "");
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
