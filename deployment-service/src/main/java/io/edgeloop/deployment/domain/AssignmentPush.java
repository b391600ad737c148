package io.edgeloop.deployment.domain;

import io.edgeloop.proto.deployment.v1.Assignment;

/**
 * An assignment to send to a device's live watch stream once the transaction that decided it has committed.
 *
 * @param deviceId the device
 * @param assignment its new desired state
 * @param revision the device's desired-state revision; a stream never goes back to a lower one nor repeats one
 */
public record AssignmentPush(String deviceId, Assignment assignment, long revision) {}
