package io.edgeloop.console.web;

import io.edgeloop.common.auth.Roles;
import io.edgeloop.console.clients.TrainingClient;
import io.edgeloop.console.clients.Upstream;
import io.quarkus.qute.TemplateInstance;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.rest.client.inject.RestClient;

/** {@code /training}: training runs and one run's figures and confusion matrix (role viewer). */
@Path("/training")
@Produces(MediaType.TEXT_HTML)
@RolesAllowed(Roles.VIEWER)
public class TrainingPages {
    static final String TRAINING = "training-service";

    /** How many runs the list shows, newest first. */
    static final int RUNS = 50;

    @Inject
    ConsoleSession session;

    @Inject
    @RestClient
    TrainingClient training;

    /** The newest runs. */
    @GET
    public TemplateInstance runs() {
        String bearer = session.bearer();
        var runs = Upstream.call(TRAINING, () -> training.runs(bearer, RUNS)).stream()
                .map(RunView::row)
                .toList();
        return Pages.runs(session.viewer(), runs);
    }

    /** One run; 400 for a malformed id, 404 when unknown. */
    @GET
    @Path("{id}")
    public TemplateInstance run(@PathParam("id") String id) {
        String runId = Names.id("training run id", id);
        String bearer = session.bearer();
        return Pages.run(session.viewer(), RunView.of(Upstream.call(TRAINING, () -> training.run(bearer, runId))));
    }
}
