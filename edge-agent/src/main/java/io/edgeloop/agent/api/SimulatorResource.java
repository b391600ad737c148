package io.edgeloop.agent.api;

import io.edgeloop.agent.domain.Simulator;
import io.edgeloop.common.SensorSimulator;
import io.edgeloop.common.auth.Roles;
import io.edgeloop.kit.api.ApiException;
import io.edgeloop.kit.api.Problem;
import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.ArrayList;
import java.util.List;

/**
 * Run-time control of the sensor simulator. Changing it changes the data the device feeds its models (and the
 * telemetry the fleet sees), so it needs an {@code admin} token, verified with the stack's public key; reading its
 * state is open, as in {@code /status}.
 */
@Path("/simulator")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.ADMIN)
public class SimulatorResource {
    /** Changes; absent fields stay as they are. */
    public record SimulatorUpdate(Boolean enabled, Double rate, String drift) {}

    @Inject
    Simulator simulator;

    /** The simulator's state (also part of {@code /status}). */
    @GET
    @PermitAll
    public Simulator.State get() {
        return simulator.state();
    }

    /** Updates enabled/rate/drift; 422 (listing every bad field) for an unknown drift or a rate out of range. */
    @PUT
    @Consumes(MediaType.APPLICATION_JSON)
    public Simulator.State update(SimulatorUpdate update) {
        if (update == null) {
            throw ApiException.badRequest("request body is required");
        }
        List<Problem.FieldError> errors = new ArrayList<>();
        if (update.rate() != null && !(update.rate() > 0 && update.rate() <= Simulator.MAX_RATE)) {
            errors.add(new Problem.FieldError(
                    "rate", "must be in (0, " + (int) Simulator.MAX_RATE + "], was " + update.rate()));
        }
        if (update.drift() != null) {
            try {
                SensorSimulator.Drift.named(update.drift());
            } catch (IllegalArgumentException e) {
                errors.add(new Problem.FieldError("drift", e.getMessage()));
            }
        }
        if (!errors.isEmpty()) {
            throw ApiException.invalid("invalid simulator settings", errors);
        }
        return simulator.update(update.enabled(), update.rate(), update.drift());
    }
}
