package io.edgeloop.compiler.config;

import ai.onnxruntime.OrtSession.SessionOptions.OptLevel;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.time.Duration;
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
