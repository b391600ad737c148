package io.edgeloop.console.web;

import io.edgeloop.common.auth.Roles;
import io.edgeloop.console.clients.ServiceHealth;
import io.edgeloop.console.events.EventFeed;
import io.quarkus.qute.TemplateInstance;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/**
 * {@code GET /}: every service's readiness, links to every page and the loop's live event stream (role {@code
 * viewer}).
 */
@Path("/")
@Produces(MediaType.TEXT_HTML)
@RolesAllowed(Roles.VIEWER)
public class OverviewPage {
    @Inject
    ConsoleSession session;

    @Inject
    ServiceHealth health;

    @Inject
    EventFeed feed;

    /** The overview page. */
    @GET
    public TemplateInstance overview() {
        EventsView events = EventsView.of(feed);
        return Pages.overview(session.viewer(), health.all(), events);
    }
}
