package io.edgeloop.compiler.config;

import ai.onnxruntime.OrtSession.SessionOptions.OptLevel;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Settings of the compiler service ({@code edgeloop.compiler.*}). */
@ConfigMapping(prefix = "edgeloop.compiler")
public interface CompilerConfig {
    /**
     * How many accuracy points (percentage points on the validation split) a variant may lose against the float model
     * before it is rejected.
     */
    @WithDefault("1.0")
    double accuracyBudgetPoints();

    /**
     * ONNX Runtime graph optimization level used to produce the variants. {@code EXTENDED_OPT} by default: the
     * {@code ALL_OPT} layout transformations are specific to the compiling machine's CPU, while variants run on edge
     * devices.
     */
    @WithDefault("EXTENDED_OPT")
    OptLevel optimizationLevel();

    /** Folder for per-compilation scratch folders (deleted after each compilation); default: the JVM's temp dir. */
    Optional<Path> workDir();

    /** Intra-op threads of every ONNX Runtime session (1 keeps latency figures stable on a busy machine). */
    @WithDefault("1")
    int intraOpThreads();

    /** Validation settings. */
    Validation validation();

    /** Largest model accepted by {@code POST /models}, in bytes. */
    @WithDefault("67108864")
    long uploadMaxBytes();

    /**
     * Variants to produce (see the README): {@code cpu-fp32-ortopt}, {@code cpu-ort-format}, {@code cpu-fp32-pruned},
     * {@code cpu-int8}, {@code cpu-int8-dynamic}, {@code edge-arm64-int8}, {@code mcu-int8}.
     */
    @WithDefault("cpu-fp32-ortopt,cpu-ort-format,cpu-fp32-pruned,cpu-int8,cpu-int8-dynamic,edge-arm64-int8,mcu-int8")
    List<String> targets();

    /** Int8 quantization settings. */
    Quantization quantization();

    /** Active learning: re-scoring captured inputs with each new production version. */
    Rescoring rescoring();

    /**
     * When a rollout completes or is rolled back, the captured inputs of the model still waiting for a label get the
     * production version's predictions as their suggestions (data-service's SuggestionService).
     */
    interface Rescoring {
        /** Whether Deployed events start a re-scoring. */
        @WithDefault("true")
        boolean enabled();

        /** Captured inputs read, scored and written back per round trip. */
        @WithDefault("256")
        int pageSize();
    }

    /** Magnitude pruning settings. */
    Pruning pruning();

    /**
     * Overrides of the built-in target profiles ({@code cpu-fp32}, {@code cpu-int8}, {@code edge-arm64-int8},
     * {@code mcu-int8}) by name, e.g. {@code edgeloop.compiler.profiles.mcu-int8.ram-bytes=524288}.
     */
    @io.smallrye.config.WithDefaults
    Map<String, Profile> profiles();

    /** Static and dynamic int8 quantization. */
    interface Quantization {
        /** Activation type of static quantization: {@code uint8} or {@code int8} (asymmetric either way). */
        @WithDefault("uint8")
        String activationType();

        /** Calibration range: {@code MINMAX} or {@code PERCENTILE}. */
        @WithDefault("MINMAX")
        io.edgeloop.compiler.onnx.Calibrator.Method calibrationMethod();

        /** Upper percentile kept by {@code PERCENTILE} calibration (the lower one is 100 minus it). */
        @WithDefault("99.99")
        double percentile();

        /** TRAIN samples of the snapshot used for calibration at most (the validation split when TRAIN is empty). */
        @WithDefault("512")
        int calibrationSamples();

        /**
         * Optimization level the quantized variants are evaluated with: ONNX Runtime fuses the QDQ pattern into int8
         * kernels when a session is created, as on a device ({@code ALL_OPT} is ONNX Runtime's default).
         */
        @WithDefault("ALL_OPT")
        OptLevel loadOptimizationLevel();
    }

    /** Magnitude pruning. */
    interface Pruning {
        /** Fraction of each Gemm/MatMul/Conv weight tensor zeroed, in [0, 1). */
        @WithDefault("0.5")
        double sparsity();
    }

    /** Override of a target profile; unset fields keep the built-in value. */
    interface Profile {
        Optional<Long> ramBytes();

        Optional<Long> flashBytes();

        Optional<Double> macsPerMicrosecond();

        Optional<Integer> activationBytes();

        Optional<Boolean> weightsInRam();

        Optional<Long> runtimeOverheadBytes();
    }

    /** Calls to the registry and data services. */
    Grpc grpc();

    /** Validation of the float model and its variants. */
    interface Validation {
        /** Validation samples used at most (the first ones in the snapshot's deterministic order). */
        @WithDefault("20000")
        int maxSamples();

        /** Samples per inference batch for the accuracy pass (models with a dynamic batch dimension). */
        @WithDefault("256")
        int batchSize();

        /** Single-sample runs discarded before latency is measured. */
        @WithDefault("50")
        int warmupRuns();

        /** Single-sample runs timed for the p50/p99 latency. */
        @WithDefault("500")
        int latencyRuns();

        /**
         * How peak memory is measured: {@code isolated} (each model's session in its own short-lived child JVM, before
         * the model is loaded in the service; falls back to {@code in-process} where no child JVM can be started, e.g.
         * in a native image), {@code in-process} (growth of the service's own resident set) or {@code off}.
         */
        @WithDefault("isolated")
        io.edgeloop.compiler.domain.MemoryProbeMode memoryProbe();

        /** How long one isolated probe may run; a model that takes longer fails (a variant is rejected). */
        @WithDefault("30s")
        Duration memoryProbeTimeout();

        /** Java heap ({@code -Xmx}) of an isolated probe's JVM (ONNX Runtime's memory is native, outside it). */
        @WithDefault("64m")
        String memoryProbeHeap();

        /** Isolated probes of a compilation's variants run this many at a time. */
        @WithDefault("2")
        int memoryProbeParallelism();
    }

    /** gRPC client behaviour. */
    interface Grpc {
        /** Deadline of one call (a whole download, upload or stream). */
        @WithDefault("60s")
        Duration deadline();

        /** Attempts per call when the peer is unavailable or too slow. */
        @WithDefault("4")
        int maxAttempts();

        /** First retry delay; doubles up to {@link #maxBackoff()}. */
        @WithDefault("200ms")
        Duration initialBackoff();

        @WithDefault("3s")
        Duration maxBackoff();
    }
}
