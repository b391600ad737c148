package io.edgeloop.console.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.edgeloop.common.auth.Roles;
import io.edgeloop.kit.api.ApiException;
import io.smallrye.mutiny.Multi;
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
import java.util.ArrayList;
import java.util.List;
import org.jboss.resteasy.reactive.RestStreamElementType;

/**
 * training-service's run API as the training pages read it, with canned JSON of its real shapes: the run list, {@code
 * run-2} (SUCCEEDED, 12 epochs) and {@code run-live} (RUNNING, the same epochs so far); a run's learning curve as JSON
 * and as server-sent events that end like a finished run's. Every read needs role viewer, like the service.
 */
@Path("/stub/training-service/training-runs")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.VIEWER)
public class TrainingStubs {
    static final String LIVE = "run-live";
    private static final ObjectMapper JSON = new ObjectMapper();

    @GET
    public String runs() {
        return fixture("training-runs");
    }

    @GET
    @Path("{id}")
    public String run(@PathParam("id") String id) {
        String run = fixture("training-run");
        if (id.equals(LIVE)) {
            return run.replace("\"id\": \"run-2\"", "\"id\": \"" + LIVE + "\"")
                    .replace("\"status\": \"SUCCEEDED\"", "\"status\": \"RUNNING\"");
        }
        known(id);
        return run;
    }

    @GET
    @Path("{id}/epochs")
    public String epochs(@PathParam("id") String id) {
        known(id);
        return fixture("training-epochs");
    }

    @GET
    @Path("{id}/epochs/stream")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @RestStreamElementType(MediaType.APPLICATION_JSON)
    public Multi<JsonNode> stream(@PathParam("id") String id) throws IOException {
        known(id);
        List<JsonNode> epochs = new ArrayList<>();
        JSON.readTree(fixture("training-epochs")).forEach(epochs::add);
        return Multi.createFrom().iterable(epochs);
    }

    private static void known(String id) {
        if (!id.equals("run-2") && !id.equals(LIVE)) {
            throw ApiException.notFound("no training run " + id);
        }
    }

    private static String fixture(String name) {
        try (InputStream in = TrainingStubs.class.getResourceAsStream("/stub/" + name + ".json")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
