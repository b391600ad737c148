package io.edgeloop.console.web;

import io.edgeloop.common.auth.Roles;
import io.edgeloop.console.clients.DeploymentClient;
import io.edgeloop.console.clients.Upstream;
import io.edgeloop.kit.api.ApiException;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.Set;
import org.eclipse.microprofile.rest.client.inject.RestClient;

/**
 * {@code POST /fleet/rollouts/{id}/{action}}: manual control of a rollout ({@code start}, {@code pause}, {@code
 * resume}, {@code rollback}) from the fleet page's forms. The console checks the form's CSRF token (web-kit's
 * HttpGuard already refuses a POST from another origin) and forwards the user's token: deployment-service decides
 * (role {@code release}, the rollout's state). Done: 303 back to the rollout on the fleet page. Refused: the
 * service's status, title and detail, as an HTML page for a browser and as problem+json otherwise.
 */
@Path("/fleet/rollouts")
@RolesAllowed(Roles.VIEWER)
public class RolloutControls {
    /** The actions deployment-service offers. */
    static final Set<String> ACTIONS = Set.of("start", "pause", "resume", "rollback");

    @Inject
    ConsoleSession session;

    @Inject
    @RestClient
    DeploymentClient deployment;

    /** Forwards one action; see the class comment for the answers. */
    @POST
    @Path("{id}/{action}")
    public Response control(
            @PathParam("id") String id,
            @PathParam("action") String action,
            @FormParam("csrf") String csrf,
            @HeaderParam("Authorization") String authorization,
            @HeaderParam("Accept") String accept) {
        session.checkCsrf(csrf, authorization);
        String rollout = Names.id("rollout id", id);
        if (!ACTIONS.contains(action)) {
            throw ApiException.notFound("no such rollout action: start, pause, resume or rollback");
        }
        String bearer = session.bearer();
        try {
            deployment.control(bearer, rollout, action);
        } catch (RuntimeException e) {
            ApiException refused = Upstream.refusal(FleetPage.DEPLOYMENT, e);
            if (accept != null && accept.contains("text/html")) {
                return Response.status(refused.status())
                        .type(MediaType.TEXT_HTML)
                        .entity(Pages.refused(session.viewer(), action, rollout, refused.toProblem())
                                .render())
                        .build();
            }
            throw refused;
        }
        return Response.seeOther(URI.create("/fleet#rollout-" + rollout)).build();
    }
}
