package io.edgeloop.agent.domain;

import io.edgeloop.proto.deployment.v1.Assignment;
import io.edgeloop.proto.deployment.v1.DeviceModelState;

/** Tells the deployment service how an assignment is progressing (DeviceService.ReportState). */
@FunctionalInterface
public interface StateReporter {
    /** Reports {@code state} for {@code assignment}; failures are the implementation's to log, never thrown. */
    void report(Assignment assignment, DeviceModelState state, String message);
}
