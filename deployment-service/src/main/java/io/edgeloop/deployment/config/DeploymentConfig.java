package io.edgeloop.deployment.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Settings of the deployment service ({@code edgeloop.deployment.*}). */
@ConfigMapping(prefix = "edgeloop.deployment")
public interface DeploymentConfig {
    /** Most concurrent WatchAssignments streams; further devices get RESOURCE_EXHAUSTED. */
    @WithDefault("10000")
    int maxWatchStreams();

    /** Most deployments one {@code GET /deployments} (or {@code GET /rollouts}) page returns. */
    @WithDefault("500")
    int maxPageSize();

    /** Deadline of one telemetry {@code ListWindows} call. */
    @WithDefault("5s")
    Duration monitoringTimeout();

    /** Deadline of one registry {@code ArtifactService.GetArtifact} call (signatures). */
    @WithDefault("5s")
    Duration registryTimeout();

    /** Attempts of {@code GetArtifact} while the registry is UNAVAILABLE. */
    @WithDefault("3")
    int registryAttempts();

    /** Devices with a known RAM of at most this many MiB get {@code mcu-*} variants. */
    @WithDefault("8")
    int tinyRamMb();

    /** How often rollouts are advanced (waves activated, soak times checked, gates evaluated). */
    @WithDefault("1s")
    Duration tick();

    /**
     * How long one instance drives a rollout after its last tick (the per-rollout lease): another replica takes the
     * rollout over only after it lapsed, e.g. when the driving instance died.
     */
    @WithDefault("30s")
    Duration rolloutLease();

    /**
     * Replicas: how often each instance compares the revisions it sent on its watch streams with the database and
     * sends what a lost notification left out (assignment changes made by another instance arrive at once through
     * PostgreSQL LISTEN/NOTIFY; this is the safety net).
     */
    @WithDefault("30s")
    Duration watchReconcile();

    /** Staged rollout defaults and per-model overrides. */
    Rollout rollout();

    /** Staged rollout settings ({@code edgeloop.deployment.rollout.*}). */
    interface Rollout {
        /** Share of the selected devices in the first (canary) wave; 0 = no canary, 100 = one wave. */
        @WithDefault("50")
        int canaryPercent();

        /** Cumulative shares of the selected devices after each later wave; 100 is appended when missing. */
        @WithDefault("100")
        List<Integer> wavePercents();

        /** How long every device of a wave must run the new version before its gate is evaluated. */
        @WithDefault("5s")
        Duration soakTime();

        /** Highest error rate (errors / (inferences + errors)) of a wave on the new version. */
        @WithDefault("0.05")
        double maxErrorRate();

        /** Highest per-window latency p99 (microseconds) of a wave on the new version. */
        @WithDefault("250000")
        double maxLatencyP99Us();

        /**
         * Highest total variation distance (0..1) between the wave's predicted-class distribution on the new version
         * and the same devices' distribution on their previous version (checked only when both exist). The default
         * 1.0 never fails: a model retrained after drift is expected to change its predictions; set e.g. 0.3 to gate
         * on it.
         */
        @WithDefault("1.0")
        double maxPredictionShift();

        /** Inferences a wave must have served on the new version before its gate can pass; 0 = not required. */
        @WithDefault("0")
        long minInferences();

        /** How long the devices of a wave may take to report ACTIVE before the gate fails. */
        @WithDefault("5m")
        Duration activationTimeout();

        /**
         * How long after the soak time a gate may wait (monitoring unreachable, no telemetry, min-inferences) before
         * it fails.
         */
        @WithDefault("2m")
        Duration gateTimeout();

        /** {@code fail}: a wave without any telemetry waits, then fails after gate-timeout; {@code pass}: it passes. */
        @WithDefault("fail")
        String onNoTelemetry();

        /** Deprecated, ignored: an unreachable monitoring-service always holds the wave, then fails the gate. */
        Optional<Boolean> requireMonitoring();

        /** Telemetry windows read per device and gate. */
        @WithDefault("50")
        int telemetryLimit();

        /** Label selector of the fleet (all labels must match); empty = every device. */
        Map<String, String> selector();

        /**
         * Config-defined deployment policies per model name ({@code edgeloop.deployment.rollout.models."<model>".*});
         * REST policies ({@code /policies}) take precedence.
         */
        Map<String, ModelRollout> models();
    }

    /** How assignment changes reach connected devices ({@code edgeloop.deployment.push.*}). */
    Push push();

    /**
     * Pushes of assignment changes: a change of many devices (a rollout wave) is sent by a small pool in parallel
     * chunks, after the change committed, so that signing each device's download grant uses every core and the
     * committing thread (a Kafka consumer, the rollout scheduler) is free at once.
     */
    interface Push {
        /** Threads sending large changes. */
        @WithDefault("2")
        int threads();

        /** A change of at most this many devices is sent on the committing thread. */
        @WithDefault("64")
        int inlineMax();
    }

    /** How many devices' watches open at once ({@code edgeloop.deployment.watch-opens.*}). */
    WatchOpens watchOpens();

    /**
     * Admission of {@code WatchAssignments} opens: each reads the database (the device, its assignments), so a fleet
     * reconnecting at once (a restart, a network blip) queues for a turn instead of exhausting the connection pool.
     */
    interface WatchOpens {
        /** Opens reading the database at once; keep it below the datasource's pool size (20 by default). */
        @WithDefault("8")
        int concurrency();

        /** Longest wait for a turn; an open still waiting then fails with UNAVAILABLE (the device retries). */
        @WithDefault("60s")
        Duration maxWait();
    }

    /** How devices' state reports are written ({@code edgeloop.deployment.reports.*}). */
    Reports reports();

    /** Group commit of state reports: reports arriving together (a rollout wave's acks) share one transaction. */
    interface Reports {
        /** Most reports applied in one transaction. */
        @WithDefault("64")
        int batchSize();

        /** Transactions applying reports at once. */
        @WithDefault("2")
        int committers();

        /** How long a ReportState call waits for its report to be applied before failing with INTERNAL. */
        @WithDefault("30s")
        Duration timeout();
    }

    /** Device enrollment and credentials ({@code edgeloop.deployment.enrollment.*}). */
    Enrollment enrollment();

    /**
     * Device enrollment: one-time tokens traded for device credentials signed with {@code
     * edgeloop.auth.device-issuer-key}.
     */
    interface Enrollment {
        /** Lifetime of an enrollment token when its request names none. */
        @WithDefault("24h")
        Duration tokenTtl();

        /** Longest lifetime an enrollment token may be given. */
        @WithDefault("720h")
        Duration maxTokenTtl();

        /** Lifetime of a device credential; devices renew it after half of it (RenewCredential). */
        @WithDefault("168h")
        Duration credentialTtl();

        /** Lifetime of the download grant sent with each assignment. */
        @WithDefault("24h")
        Duration grantTtl();

        /**
         * How long after its use the same device may present a used enrollment token again and get a new credential
         * (revoking the first): a retry after an answer lost to a timeout. 0 = never.
         */
        @WithDefault("5m")
        Duration retryWindow();
    }

    /** Promotion gate defaults ({@code edgeloop.deployment.promotion.*}), for policies that omit them. */
    Promotion promotion();

    /** Promotion gate defaults. */
    interface Promotion {
        /** Lowest candidate accuracy (0 = none). */
        @WithDefault("0")
        double minAccuracy();

        /** Largest accuracy drop below the production version on the same samples. */
        @WithDefault("0.02")
        double maxAccuracyDrop();
    }

    /** Per-model overrides of the rollout defaults; anything unset inherits the default. */
    interface ModelRollout {
        Optional<Integer> canaryPercent();

        Optional<List<Integer>> wavePercents();

        Optional<Duration> soakTime();

        Optional<Double> maxErrorRate();

        Optional<Double> maxLatencyP99Us();

        Optional<Double> maxPredictionShift();

        Optional<Long> minInferences();

        Optional<Duration> activationTimeout();

        Optional<Duration> gateTimeout();

        Optional<String> onNoTelemetry();

        /** Whether new versions start rolling out on their own (default true). */
        Optional<Boolean> autoRollout();

        Optional<Double> minAccuracy();

        Optional<Double> maxAccuracyDrop();

        /** Replaces the default selector when non-empty. */
        Map<String, String> selector();
    }
}
