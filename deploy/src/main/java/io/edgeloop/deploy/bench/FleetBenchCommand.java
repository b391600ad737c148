package io.edgeloop.deploy.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code edgeloop bench-fleet}: the fleet-scale benchmark ({@link FleetBenchmark}). */
@Command(
        name = "bench-fleet",
        mixinStandardHelpOptions = true,
        description = "Fleet-scale benchmark: many virtual devices (own credentials, own gRPC streams) against the"
                + " deployment and monitoring services; prints connected devices, heap per device, wave time and"
                + " telemetry throughput next to their targets.")
public final class FleetBenchCommand implements Callable<Integer> {
    @Option(names = "--devices", defaultValue = "10000", description = "Virtual devices (default: ${DEFAULT-VALUE}).")
    int devices;

    @Option(
            names = "--replicas",
            defaultValue = "1",
            description = "Instances of deployment-service and of monitoring-service; devices spread over them"
                    + " (default: ${DEFAULT-VALUE}).")
    int replicas;

    @Option(
            names = "--windows",
            defaultValue = "1",
            description = "Telemetry windows each device sends (default: ${DEFAULT-VALUE}).")
    int windows;

    @Option(
            names = "--window-samples",
            defaultValue = "64",
            description = "Input samples per telemetry window, as the agent's reservoir (default: ${DEFAULT-VALUE}).")
    int windowSamples;

    @Option(
            names = "--devices-per-channel",
            defaultValue = "500",
            description = "Devices multiplexed over one gRPC channel (default: ${DEFAULT-VALUE}).")
    int perChannel;

    @Option(
            names = "--setup-concurrency",
            defaultValue = "32",
            description = "Devices enrolling and registering at a time (default: ${DEFAULT-VALUE}).")
    int setupConcurrency;

    @Option(
            names = "--telemetry-in-flight",
            defaultValue = "128",
            description = "Unanswered telemetry reports at a time, fleet-wide (default: ${DEFAULT-VALUE}).")
    int telemetryInFlight;

    @Option(
            names = "--telemetry-batch",
            defaultValue = "1",
            description = "Windows of one device per call: 1 sends Report per window, more send ReportBatch"
                    + " (default: ${DEFAULT-VALUE}).")
    int telemetryBatch;

    @Option(
            names = "--telemetry-limit",
            defaultValue = "PT30S",
            description = "Send telemetry for at most this long (ISO-8601, default: ${DEFAULT-VALUE}).")
    Duration telemetryLimit;

    @Option(
            names = "--wave-timeout",
            defaultValue = "PT3M",
            description = "Longest wait for the rollout wave (ISO-8601, default: ${DEFAULT-VALUE}).")
    Duration waveTimeout;

    @Option(
            names = "--deployment-heap",
            description = "-Xmx of the deployment-service instances, e.g. 512m (default: the stack's, 256m).")
    String deploymentHeap;

    @Option(names = "--home", description = "Repository root with the built services (default: detected).")
    Path home;

    @Option(names = "--work-dir", description = "Keep data and logs here instead of a temporary directory.")
    Path workDir;

    @Override
    public Integer call() throws Exception {
        if (devices < 1
                || replicas < 1
                || windows < 0
                || perChannel < 1
                || setupConcurrency < 1
                || telemetryBatch < 1
                || telemetryBatch > 100
                || (deploymentHeap != null && !deploymentHeap.matches("[1-9][0-9]*[kKmMgG]"))) {
            System.err.println("--devices, --replicas, --devices-per-channel, --setup-concurrency must be >= 1,"
                    + " --telemetry-batch 1 to 100, --deployment-heap a size such as 512m");
            return 2;
        }
        Path h = home != null ? home : detectHome();
        return FleetBenchmark.run(new FleetBenchmark.Settings(
                h,
                workDir,
                devices,
                replicas,
                windows,
                windowSamples,
                perChannel,
                setupConcurrency,
                telemetryInFlight,
                telemetryBatch,
                telemetryLimit,
                waveTimeout,
                deploymentHeap));
    }

    static Path detectHome() {
        Path cwd = Path.of("").toAbsolutePath();
        for (Path p = cwd; p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("deployment-service")) && Files.isDirectory(p.resolve("deploy"))) {
                return p;
            }
        }
        return cwd;
    }
}
