package io.edgeloop.deployment.domain;

import io.edgeloop.proto.deployment.v1.Assignment;
import java.util.Optional;

/**
 * Result of a registration.
 *
 * @param current the device's desired assignment (a model, or unassigned: run nothing), if it has one
 * @param push set when the device just joined a rollout (its live stream, if any, must get the assignment)
 */
public record RegisterOutcome(Optional<Assignment> current, Optional<AssignmentPush> push) {}
