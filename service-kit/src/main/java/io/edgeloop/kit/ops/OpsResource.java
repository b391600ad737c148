package io.edgeloop.kit.ops;

import io.edgeloop.common.Events;
import io.edgeloop.common.auth.Roles;
import io.edgeloop.kit.api.ApiException;
import io.edgeloop.kit.api.Problem;
import io.edgeloop.kit.events.DeadLetters;
import io.edgeloop.kit.events.TransientEventException;
import io.edgeloop.kit.jobs.JobRecord;
import io.edgeloop.kit.jobs.Jobs;
import io.edgeloop.kit.outbox.OutboxEvent;
import io.edgeloop.kit.outbox.OutboxRelay;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import org.jboss.logging.Logger;

/**
 * Operations on a service's event plumbing, for administrators (the launcher's {@code edgeloop ops}): durable jobs
 * (list, inspect, retry a parked or failed one), outbox rows the broker kept refusing (list, replay) and the records
 * its consumers dead-lettered (list, replay through the consumer).
 */
@Path("/ops")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.ADMIN)
public class OpsResource {
    private static final int MAX_LIMIT = 1000;
    private static final Logger LOG = Logger.getLogger(OpsResource.class);

    @Inject
    Jobs jobs;

    @Inject
    OutboxRelay relay;

    @Inject
    DeadLetters deadLetters;

    /** A job as operators see it (no payload). */
    public record JobView(
            long id,
            String kind,
            String key,
            String status,
            int attempts,
            int maxAttempts,
            String lastError,
            String leaseOwner,
            Instant leaseUntil,
            Instant runAfter,
            Instant createdAt,
            Instant finishedAt) {
        static JobView of(JobRecord r) {
            return new JobView(
                    r.id,
                    r.kind,
                    r.jobKey,
                    r.status.name(),
                    r.attempts,
                    r.maxAttempts,
                    r.lastError,
                    r.leaseOwner,
                    r.leaseUntil,
                    r.runAfter,
                    r.createdAt,
                    r.finishedAt);
        }
    }

    /** A parked outbox row (no payload). */
    public record OutboxView(
            long id,
            String topic,
            String key,
            String eventType,
            String eventId,
            int attempts,
            String lastError,
            Instant createdAt,
            Instant parkedAt) {
        static OutboxView of(OutboxEvent e) {
            return new OutboxView(
                    e.id,
                    e.topic,
                    e.recordKey,
                    e.eventType,
                    e.eventId,
                    e.attempts,
                    e.lastError,
                    e.createdAt,
                    e.parkedAt);
        }
    }

    /** Jobs, newest first; {@code status} one of QUEUED, RUNNING, DONE, FAILED, PARKED (all when absent). */
    @GET
    @Path("/jobs")
    public List<JobView> jobs(
            @QueryParam("status") String status, @QueryParam("limit") @DefaultValue("100") int limit) {
        JobRecord.Status s = status == null || status.isBlank() ? null : parseStatus(status);
        return jobs.list(s, checkLimit(limit)).stream().map(JobView::of).toList();
    }

    /** One job. */
    @GET
    @Path("/jobs/{id}")
    public JobView job(@PathParam("id") long id) {
        return jobs.find(id).map(JobView::of).orElseThrow(() -> ApiException.notFound("no job " + id));
    }

    /** Queues a PARKED or FAILED job again with fresh attempts. */
    @POST
    @Path("/jobs/{id}/retry")
    public JobView retry(@PathParam("id") long id) {
        JobRecord r = jobs.find(id).orElseThrow(() -> ApiException.notFound("no job " + id));
        if (!jobs.retry(id)) {
            throw ApiException.conflict("job " + id + " is " + r.status + "; only PARKED or FAILED jobs are retried");
        }
        return job(id);
    }

    /** Outbox rows parked after too many refused publishes, oldest first. */
    @GET
    @Path("/outbox/parked")
    public List<OutboxView> parked(@QueryParam("limit") @DefaultValue("100") int limit) {
        int n = checkLimit(limit);
        return QuarkusTransaction.requiringNew()
                .call(() -> OutboxEvent.<OutboxEvent>find("publishedAt is null and parkedAt is not null order by id")
                        .page(0, n)
                        .list()
                        .stream()
                        .map(OutboxView::of)
                        .toList());
    }

    /** Publishes a parked outbox row again (it keeps its event id, so consumers still dedupe it). */
    @POST
    @Path("/outbox/{id}/replay")
    public OutboxView replay(@PathParam("id") long id) {
        if (!relay.unpark(id)) {
            throw ApiException.notFound("no parked outbox row " + id);
        }
        return QuarkusTransaction.requiringNew().call(() -> OutboxView.of(OutboxEvent.findById(id)));
    }

    /**
     * The newest records of this service's dead-letter topics (at most {@code limit} per partition), newest first,
     * each saying why it was dead-lettered, whether it is replayable and whether this service has processed it since.
     */
    @GET
    @Path("/dead-letters")
    public List<DeadLetters.DeadLetter> deadLetters(@QueryParam("limit") @DefaultValue("100") int limit) {
        try {
            return deadLetters.list(checkLimit(limit));
        } catch (DeadLetters.Unavailable e) {
            throw new ApiException(503, "Service Unavailable", e.getMessage(), List.of());
        }
    }

    /**
     * Applies one dead-lettered record through this service's consumer of its event type, deduplicated like a live
     * delivery: {@code applied} is false when the event had been processed already. 422 when the record is still
     * unusable, 503 when applying it failed again.
     */
    @POST
    @Path("/dead-letters/{topic}/{partition}/{offset}/replay")
    public DeadLetters.Replay replayDeadLetter(
            @PathParam("topic") String topic, @PathParam("partition") int partition, @PathParam("offset") long offset) {
        try {
            return deadLetters.replay(topic, partition, offset);
        } catch (DeadLetters.NotFound e) {
            throw ApiException.notFound(e.getMessage());
        } catch (Events.PoisonEventException e) {
            throw new ApiException(
                    422, "Unprocessable Entity", "the record is still unusable: " + e.getMessage(), List.of());
        } catch (TransientEventException e) {
            LOG.warnf(e, "replay of dead letter %s/%d/%d failed again", topic, partition, offset);
            throw new ApiException(
                    503,
                    "Service Unavailable",
                    "applying the record failed again; the cause is in the service's log",
                    List.of());
        }
    }

    private static JobRecord.Status parseStatus(String status) {
        try {
            return JobRecord.Status.valueOf(status.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw badQuery("status", "must be one of QUEUED, RUNNING, DONE, FAILED, PARKED");
        }
    }

    private static int checkLimit(int limit) {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw badQuery("limit", "must be between 1 and " + MAX_LIMIT);
        }
        return limit;
    }

    private static ApiException badQuery(String field, String message) {
        return new ApiException(
                400,
                "Bad Request",
                "invalid query parameter " + field,
                List.of(new Problem.FieldError(field, message)));
    }
}
