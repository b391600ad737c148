package io.edgeloop.deployment.domain;

import io.edgeloop.proto.deployment.v1.Assignment;
import java.time.Instant;

/**
 * An assignment to send to a device's live watch stream once the transaction that decided it has committed.
 *
 * @param deviceId the device
 * @param assignment its new desired state
 * @param issuedAt when the deployment was created; a stream never goes back to an older assignment
 */
public record AssignmentPush(String deviceId, Assignment assignment, Instant issuedAt) {}
