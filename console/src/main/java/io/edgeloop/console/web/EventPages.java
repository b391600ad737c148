package io.edgeloop.console.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.edgeloop.common.auth.Roles;
import io.edgeloop.console.events.EventFeed;
import io.edgeloop.console.events.LoopEvent;
import io.edgeloop.kit.api.ApiException;
import io.smallrye.mutiny.Multi;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * {@code /events}: the loop's recent events as JSON (newest first) and as server-sent events for the overview's script
 * (role viewer). Each server-sent event is one {@link LoopEvent} as JSON, its SSE id the console's sequence number;
 * the stream sends the kept events numbered after {@code ?after=} (or the {@code Last-Event-ID} a reconnecting browser
 * sends), then every new one, and ends when the caller's token expires.
 */
@Path("/events")
@RolesAllowed(Roles.VIEWER)
public class EventPages {
    @Inject
    EventFeed feed;

    @Inject
    ConsoleSession session;

    @Inject
    ObjectMapper json;

    /** The kept events, the latest to occur first. */
    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public List<LoopEvent> recent() {
        return feed.recent();
    }

    /**
     * The events numbered after {@code after} (none: only new ones), then the live ones. 400 naming {@code after} when
     * it is not a number from 0.
     */
    @GET
    @Path("stream")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    public Multi<OutboundSseEvent> stream(
            @QueryParam("after") String after, @HeaderParam("Last-Event-ID") String lastEventId, @Context Sse sse) {
        long from =
                lastEventId != null && lastEventId.matches("[0-9]{1,18}") ? Long.parseLong(lastEventId) : after(after);
        Multi<LoopEvent> events = feed.stream(from);
        Duration left = session.expiresAt()
                .map(exp -> Duration.between(Instant.now(), exp))
                .orElse(null);
        if (left != null) {
            events = events.select().first(left.isNegative() ? Duration.ofMillis(1) : left);
        }
        return events.map(e -> sse.newEventBuilder()
                .id(Long.toString(e.seq()))
                .data(String.class, write(e))
                .build());
    }

    private long after(String after) {
        if (after == null || after.isEmpty()) {
            return feed.lastSeq();
        }
        if (!after.matches("[0-9]{1,18}")) {
            throw ApiException.badRequest("after: the sequence number of the last event seen, a number from 0");
        }
        return Long.parseLong(after);
    }

    private String write(LoopEvent e) {
        try {
            return json.writeValueAsString(e);
        } catch (JsonProcessingException x) {
            throw new IllegalStateException("event not serializable", x);
        }
    }
}
