package io.edgeloop.deployment.domain;

import io.edgeloop.proto.deployment.v1.Assignment;
import java.util.List;

/**
 * Result of a registration.
 *
 * @param assignments the device's desired state now, one per model with a desired state, by model name
 * @param pushes assignments of rollouts the device just joined (its live stream, if any, must get them)
 */
public record RegisterOutcome(List<Assignment> assignments, List<AssignmentPush> pushes) {
    public RegisterOutcome {
        assignments = List.copyOf(assignments);
        pushes = List.copyOf(pushes);
    }
}
