package io.edgeloop.agent.config;

import io.edgeloop.agent.domain.InputCapture;
import io.edgeloop.agent.domain.InputSummary;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/** Settings of the edge agent ({@code edgeloop.agent.*}). One agent process is one device. */
@ConfigMapping(prefix = "edgeloop.agent")
public interface AgentConfig {
    /** This device's id in the fleet. */
    @WithDefault("edge-1")
    String deviceId();

    /**
     * One-time enrollment token (from {@code POST /enrollments} on the deployment service): when this device has no
     * credential yet in {@code edgeloop.auth.token-file}, it trades the token for one ({@code DeviceService.Enroll})
     * before it registers, then keeps that credential renewed.
     */
    Optional<String> enrollmentToken();

    /** File holding the enrollment token (read when {@link #enrollmentToken()} is not set; deleted once used). */
    Optional<java.nio.file.Path> enrollmentTokenFile();

    /** Labels sent at registration, e.g. {@code edgeloop.agent.labels.site=plant-1}. */
    Map<String, String> labels();

    /** Directory holding downloaded models and the record of the active one. */
    @WithDefault("models")
    String modelDir();

    /**
     * Whether a model needs a valid registry signature (Ed25519 over its sha256 digest) before it is activated.
     * When true, a model without a signature, with an unknown key or a bad signature is refused (FAILED) and the
     * previous model keeps serving.
     */
    @WithDefault("true")
    boolean requireSignature();

    /** ONNX Runtime intra-op threads per session; {@code runtime.intra-op-threads} wins when set. */
    @WithDefault("1")
    int ortThreads();

    /** ONNX Runtime settings applied to every session ({@link io.edgeloop.agent.domain.SessionSettings}). */
    Runtime runtime();

    /**
     * The model {@code POST /infer} (without a model name), the top-level fields of {@code /status} and readiness
     * detail use when several are served; blank = the only one served, else the first by name.
     */
    Optional<String> defaultModel();

    /**
     * Memory granted to all models together, MiB, sent at registration; an assignment whose estimated RAM does not fit
     * in what the other served models leave is refused before download. 0 = unknown (not checked).
     */
    @WithDefault("0")
    long memoryBudgetMb();

    /** Most models served at once, sent at registration; a further model is refused. 0 = no limit. */
    @WithDefault("0")
    int maxModels();

    /**
     * REST inference runs on the HTTP event loop (no thread hop) for a model whose recent calls took at most this long
     * in ONNX Runtime, microseconds; slower models (and a model's first call) run on a worker thread so the event
     * loop is never blocked long. 0 = always on a worker thread.
     */
    @WithDefault("500")
    long inlineInferenceMaxUs();

    /** The built-in sensor simulator. */
    Simulator simulator();

    /** The agent's own Prometheus metrics ({@code /q/metrics}). */
    Metrics metrics();

    /** {@code edgeloop.agent.metrics.*}. */
    interface Metrics {
        /**
         * Whether the agent serves {@code /q/metrics} (role {@code viewer}): inferences, errors and latency per model,
         * models loaded, model updates by outcome, telemetry windows shipped and dropped. Off: no metrics library
         * class is loaded and {@code /q/metrics} answers 404. Off by default on a device: on, the idle agent took
         * 1.4 MB more RSS (100.6 MB, above the 100 MB idle target; README "Footprint").
         */
        @WithDefault("false")
        boolean enabled();
    }

    /** Telemetry windows sent to the monitoring service. */
    Telemetry telemetry();

    /** Connection to the control plane (deployment and registry services). */
    Sync sync();

    /** ONNX Runtime resources per session (checked at start: thread counts 1 to 64). */
    interface Runtime {
        /** Threads per operator (the calling thread is one of them); unset = {@code ort-threads}. */
        java.util.OptionalInt intraOpThreads();

        /** Threads across operators (only ONNX Runtime's parallel execution mode uses them). */
        @WithDefault("1")
        int interOpThreads();

        /**
         * CPU arena allocator: on, run memory comes from an arena that grows and is kept (fastest); off, every run
         * allocates and frees (least resident memory).
         */
        @WithDefault("true")
        boolean arenaAllocator();

        /** Memory pattern optimization: a run's allocations planned once per input shape and pre-allocated. */
        @WithDefault("true")
        boolean memoryPattern();
    }

    /** Simulator settings. */
    interface Simulator {
        /** Whether the simulator runs at start (off by default; the demo launcher turns it on). */
        @WithDefault("false")
        boolean enabled();

        /** Readings per second. */
        @WithDefault("50")
        double rate();

        /** Random seed of the simulated sensor. */
        @WithDefault("42")
        long seed();

        /** Sensor drift at start: {@code none} or {@code remounted}. */
        @WithDefault("none")
        String drift();
    }

    /** Telemetry settings. */
    interface Telemetry {
        /** Whether windows are reported. */
        @WithDefault("true")
        boolean enabled();

        /** Length of one window. */
        @WithDefault("2s")
        Duration window();

        /**
         * What a window tells monitoring about its inputs: {@code sketch} (one KLL quantile sketch per feature over
         * every input; no raw input leaves the device), {@code sample} (a uniform sample of {@code reservoir-size} raw
         * rows) or {@code both}.
         */
        @WithDefault("sketch")
        InputSummary.Mode inputs();

        /** Accuracy parameter of the input sketches: rank error about 1.3% at 200, 0.5% at 600; 8 to 4096. */
        @WithDefault("200")
        int sketchK();

        /** Raw input rows kept per window in the uniform reservoir sample, with {@code inputs} sample or both. */
        @WithDefault("64")
        int reservoirSize();

        /**
         * Classified inferences itemized per window (id, predicted class, confidence: what ground truth fed back to
         * monitoring is joined with), 0 to 10000; later ones in the same window are counted, not itemized.
         */
        @WithDefault("1000")
        int maxInferenceRecords();

        /**
         * Which itemized inferences carry their input to monitoring, so that ground truth fed back for them becomes a
         * labelled sample of the model's dataset: {@code none}, {@code below-confidence} (the uncertain ones, worth
         * labelling) or {@code all}. Inputs leave the device only this way (and in the window's reservoir sample).
         */
        @WithDefault("below-confidence")
        InputCapture.Mode captureInputs();

        /** With {@code capture-inputs=below-confidence}: inferences below this confidence carry their input. */
        @WithDefault("0.6")
        double captureBelowConfidence();

        /** Inputs with more values than this (flattened) are never captured, 1 to 16384. */
        @WithDefault("1024")
        int captureMaxValues();

        /**
         * The share of eligible inferences (mode, threshold, size) whose input is captured, drawn at random, [0, 1]:
         * 1 captures every one, 0.1 one in ten on average.
         */
        @WithDefault("1.0")
        double captureSampleRate();

        /**
         * The upload budget: inputs captured per telemetry window at most, 0 to 10000 (0 captures none); later
         * eligible inferences of the window are itemized without their input.
         */
        @WithDefault("1000")
        int captureMaxPerWindow();

        /** Closed windows kept in memory before they are moved to the on-disk spool. */
        @WithDefault("30")
        int maxPendingWindows();

        /**
         * Windows kept in the on-disk spool ({@code <model-dir>/telemetry}) while the monitoring service is
         * unreachable; the oldest are dropped beyond.
         */
        @WithDefault("5000")
        int spoolMaxWindows();
    }

    /** Control-plane settings. */
    interface Sync {
        /** Whether the agent registers and watches assignments (off only for isolated runs). */
        @WithDefault("true")
        boolean enabled();

        /** First reconnect delay; doubles per failed attempt. */
        @WithDefault("500ms")
        Duration initialBackoff();

        /** Longest reconnect delay. */
        @WithDefault("30s")
        Duration maxBackoff();

        /** Deadline of unary calls (Register, ReportState, telemetry Report). */
        @WithDefault("5s")
        Duration rpcTimeout();

        /** Deadline of one artifact download. */
        @WithDefault("120s")
        Duration downloadTimeout();
    }
}
