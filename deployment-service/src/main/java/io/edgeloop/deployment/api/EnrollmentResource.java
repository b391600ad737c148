package io.edgeloop.deployment.api;

import io.edgeloop.common.auth.Roles;
import io.edgeloop.deployment.domain.Enrollment;
import io.edgeloop.deployment.domain.EnrollmentUnavailableException;
import io.edgeloop.deployment.persistence.EnrollmentTokenEntity;
import io.edgeloop.kit.api.ApiException;
import io.edgeloop.kit.api.Problem;
import io.edgeloop.kit.auth.Caller;
import io.edgeloop.kit.input.FieldLimits;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;

/**
 * One-time enrollment tokens ({@code admin}): {@code POST /enrollments} issues one (its secret is shown once), a device
 * trades it for its own credential with {@code DeviceService.Enroll}; {@code GET} lists them without secrets and
 * {@code DELETE /enrollments/{id}} cancels an unused one.
 */
@Path("/enrollments")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.ADMIN)
public class EnrollmentResource {
    private static final int MAX_ID = FieldLimits.ID;

    @Inject
    Enrollment enrollment;

    @Inject
    SecurityIdentity identity;

    @Inject
    Clock clock;

    /**
     * A request for an enrollment token.
     *
     * @param deviceId the only device id it may enroll (recommended); omitted = any id not revoked
     * @param ttl ISO-8601 duration (e.g. {@code PT24H}); omitted = the configured default
     */
    public record EnrollmentRequest(String deviceId, String ttl) {}

    /** An enrollment token without its secret. */
    public record EnrollmentView(
            String id,
            String deviceId,
            String status,
            Instant createdAt,
            String createdBy,
            Instant expiresAt,
            Instant usedAt,
            String usedBy) {
        static EnrollmentView of(EnrollmentTokenEntity t, Instant now) {
            return new EnrollmentView(
                    t.id, t.deviceId, t.status(now), t.createdAt, t.createdBy, t.expiresAt, t.usedAt, t.usedBy);
        }
    }

    /** A newly issued enrollment token: {@code token} is the secret, shown only here. */
    public record IssuedView(String id, String token, String deviceId, Instant expiresAt) {}

    /** Issues a token (201); 422 naming an invalid field; 409 when enrollment is not configured. */
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Response issue(EnrollmentRequest request) {
        EnrollmentRequest r = request == null ? new EnrollmentRequest(null, null) : request;
        String deviceId = r.deviceId() == null ? null : r.deviceId().trim();
        if (deviceId != null && (deviceId.isEmpty() || deviceId.length() > MAX_ID)) {
            throw invalid("deviceId", "must be 1 to " + MAX_ID + " characters when given");
        }
        Duration ttl = null;
        if (r.ttl() != null) {
            try {
                ttl = Duration.parse(r.ttl());
            } catch (DateTimeParseException e) {
                throw invalid("ttl", "must be an ISO-8601 duration such as PT24H, was '" + abbreviate(r.ttl()) + "'");
            }
        }
        try {
            Enrollment.Issued issued = enrollment.issue(deviceId, ttl, Caller.subject(identity));
            return Response.status(Response.Status.CREATED)
                    .entity(new IssuedView(
                            issued.token().id, issued.secret(), issued.token().deviceId, issued.token().expiresAt))
                    .build();
        } catch (IllegalArgumentException e) {
            throw invalid(e.getMessage().startsWith("ttl") ? "ttl" : "deviceId", e.getMessage());
        } catch (EnrollmentUnavailableException e) {
            throw ApiException.conflict(e.getMessage());
        }
    }

    /** Every enrollment token, newest first, without secrets. */
    @GET
    public List<EnrollmentView> list() {
        Instant now = clock.instant();
        return enrollment.list().stream().map(t -> EnrollmentView.of(t, now)).toList();
    }

    /** Cancels an unused token (204; 404 when there is none; a used one stays used). */
    @DELETE
    @Path("/{id}")
    public Response cancel(@PathParam("id") String id) {
        if (!enrollment.cancel(id)) {
            throw ApiException.notFound("no enrollment token '" + abbreviate(id) + "'");
        }
        return Response.noContent().build();
    }

    private static ApiException invalid(String field, String message) {
        return ApiException.invalid("invalid enrollment request", List.of(new Problem.FieldError(field, message)));
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "...";
    }
}
