/**
 * The fleet-scale benchmark ({@code edgeloop bench-fleet}): {@link io.edgeloop.deploy.bench.FleetBenchmark} starts
 * the local stack, a {@link io.edgeloop.deploy.bench.VirtualFleet} of light {@link
 * io.edgeloop.deploy.bench.VirtualDevice}s (each with its own enrolled credential and live WatchAssignments stream,
 * many multiplexed over a few gRPC channels) connects to the deployment-service instances, a real rollout wave is
 * pushed to all of them and telemetry is sent to the monitoring-service instances; the report compares connected
 * devices, heap per connected device, wave time and telemetry throughput with the fleet-scale targets.
 */
package io.edgeloop.deploy.bench;
