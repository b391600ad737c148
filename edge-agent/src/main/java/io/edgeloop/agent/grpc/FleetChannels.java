package io.edgeloop.agent.grpc;

import io.grpc.Channel;
import io.quarkus.grpc.GrpcClient;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The agent's gRPC channels to the fleet: clients {@code devices} (deployment-service), {@code registry} and
 * {@code telemetry} (monitoring-service). Application scoped, so the beans that start with the agent inject only its
 * client proxy: the channels are created by the first call, on the fleet-sync or telemetry thread once the agent
 * serves, not by the start-up observers on the main thread (issue 15, README "Footprint").
 */
@ApplicationScoped
public class FleetChannels {
    @GrpcClient("devices")
    Channel devices;

    @GrpcClient("registry")
    Channel registry;

    @GrpcClient("telemetry")
    Channel telemetry;

    /** The deployment service's {@code DeviceService} channel. */
    public Channel devices() {
        return devices;
    }

    /** The registry's {@code ArtifactService} channel. */
    public Channel registry() {
        return registry;
    }

    /** The monitoring service's {@code TelemetryService} channel. */
    public Channel telemetry() {
        return telemetry;
    }
}
