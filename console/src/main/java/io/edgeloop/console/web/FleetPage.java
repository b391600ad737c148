package io.edgeloop.console.web;

import io.edgeloop.common.auth.Roles;
import io.edgeloop.console.clients.DeploymentClient;
import io.edgeloop.console.clients.Upstream;
import io.quarkus.qute.TemplateInstance;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.rest.client.inject.RestClient;

/** {@code GET /fleet}: devices (labels, health, what each serves) and rollouts with waves and gates (role viewer). */
@Path("/fleet")
@Produces(MediaType.TEXT_HTML)
@RolesAllowed(Roles.VIEWER)
public class FleetPage {
    static final String DEPLOYMENT = "deployment-service";

    /** How many rollouts the page shows, newest first. */
    static final int ROLLOUTS = 20;

    @Inject
    ConsoleSession session;

    @Inject
    @RestClient
    DeploymentClient deployment;

    /** The fleet page. */
    @GET
    public TemplateInstance fleet() {
        String bearer = session.bearer();
        var devices = Upstream.call(DEPLOYMENT, () -> deployment.devices(bearer));
        var rollouts = Upstream.call(DEPLOYMENT, () -> deployment.rollouts(bearer, ROLLOUTS));
        return Pages.fleet(session.viewer(), FleetView.of(devices, rollouts));
    }
}
