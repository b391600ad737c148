package io.edgeloop.console.web;

import io.edgeloop.common.auth.Roles;
import io.edgeloop.console.clients.TrainingClient;
import io.edgeloop.console.clients.TrainingViews.Epoch;
import io.edgeloop.console.clients.Upstream;
import io.edgeloop.console.config.ConsoleConfig;
import io.quarkus.qute.TemplateInstance;
import io.quarkus.rest.client.reactive.QuarkusRestClientBuilder;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Multi;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.net.URI;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.rest.client.inject.RestClient;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.RestStreamElementType;

/**
 * {@code /training}: training runs and one run's figures, learning curve (live while it runs), hyperparameters and
 * confusion matrix (role viewer); the run's epochs as JSON and as server-sent events for the page's script, read from
 * training-service with the user's token.
 */
@Path("/training")
@Produces(MediaType.TEXT_HTML)
@RolesAllowed(Roles.VIEWER)
public class TrainingPages {
    static final String TRAINING = "training-service";

    /** How many runs the list shows, newest first. */
    static final int RUNS = 50;

    /** How long a followed run may go without a new epoch before the stream is dropped (the page then reloads). */
    private static final long STREAM_IDLE_MINUTES = 30;

    private static final Logger LOG = Logger.getLogger(TrainingPages.class);

    @Inject
    ConsoleSession session;

    @Inject
    ConsoleConfig config;

    @Inject
    @RestClient
    TrainingClient training;

    /** A client for the epoch streams: an epoch may take far longer than a read's timeout. */
    private volatile TrainingClient streams;

    /**
     * A run's learning curve for the page's script.
     *
     * @param status the run's status (the page stops following it once it is neither QUEUED nor RUNNING)
     * @param epochs the current attempt's epochs, in order
     */
    public record Curve(String status, List<Epoch> epochs) {}

    /** The newest runs. */
    @GET
    public TemplateInstance runs() {
        String bearer = session.bearer();
        var runs = Upstream.call(TRAINING, () -> training.runs(bearer, RUNS)).stream()
                .map(RunView::row)
                .toList();
        return Pages.runs(session.viewer(), runs);
    }

    /** One run with its learning curve (none when training-service cannot give it); 400 malformed id, 404 unknown. */
    @GET
    @Path("{id}")
    public TemplateInstance run(@PathParam("id") String id) {
        String runId = Names.id("training run id", id);
        String bearer = session.bearer();
        var run = Upstream.call(TRAINING, () -> training.run(bearer, runId));
        List<Epoch> epochs = Upstream.optional(TRAINING, () -> training.epochs(bearer, runId))
                .orElse(List.of());
        return Pages.run(session.viewer(), RunView.of(run, epochs));
    }

    /** The run's status and learning curve as JSON (what the page polls where it cannot follow the stream). */
    @GET
    @Path("{id}/epochs")
    @Produces(MediaType.APPLICATION_JSON)
    public Curve epochs(@PathParam("id") String id) {
        String runId = Names.id("training run id", id);
        String bearer = session.bearer();
        String status =
                Upstream.call(TRAINING, () -> training.run(bearer, runId)).status();
        return new Curve(status, Upstream.call(TRAINING, () -> training.epochs(bearer, runId)));
    }

    /**
     * The run's epochs as server-sent events, proxied from training-service with the user's token: the epochs so far,
     * then each new one; the stream ends when the run ends (or training-service drops it). 400 malformed id, 404
     * unknown run, 401/403 as the service says.
     */
    @GET
    @Path("{id}/epochs/stream")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @RestStreamElementType(MediaType.APPLICATION_JSON)
    @Blocking
    public Multi<Epoch> epochStream(@PathParam("id") String id) {
        String runId = Names.id("training run id", id);
        String bearer = session.bearer();
        Upstream.call(TRAINING, () -> training.run(bearer, runId)); // 404 / 401 / 403 / 502 before any event
        return streams()
                .epochStream(bearer, runId)
                .onFailure()
                .invoke(e -> LOG.debugf("epoch stream of run %s failed: %s", runId, e.toString()))
                .onFailure()
                .recoverWithCompletion();
    }

    private TrainingClient streams() {
        TrainingClient c = streams;
        if (c == null) {
            c = QuarkusRestClientBuilder.newBuilder()
                    .baseUri(URI.create(config.services().get(TRAINING)))
                    .connectTimeout(3, TimeUnit.SECONDS)
                    .readTimeout(STREAM_IDLE_MINUTES, TimeUnit.MINUTES)
                    .build(TrainingClient.class);
            streams = c;
        }
        return c;
    }
}
