package io.edgeloop.agent.config;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtLoggingLevel;
import io.edgeloop.agent.domain.InferenceService;
import io.edgeloop.agent.domain.InputCapture;
import io.edgeloop.agent.domain.InputSummary;
import io.edgeloop.agent.domain.ModelRuntime;
import io.edgeloop.agent.domain.ModelStore;
import io.edgeloop.agent.domain.SessionSettings;
import io.edgeloop.agent.domain.Simulator;
import io.edgeloop.agent.domain.TelemetryAccumulator;
import io.edgeloop.agent.domain.TelemetrySpool;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Random;

/** CDI wiring of the device runtime's plain-Java parts from {@link AgentConfig}. */
@Singleton
public class AgentBeans {

    /**
     * The ONNX Runtime settings of every session, from {@code edgeloop.agent.runtime.*}.
     *
     * @throws IllegalArgumentException at start when they are out of range
     */
    @Produces
    @Singleton
    SessionSettings sessionSettings(AgentConfig config) {
        AgentConfig.Runtime r = config.runtime();
        return new SessionSettings(
                r.intraOpThreads().orElse(config.ortThreads()),
                r.interOpThreads(),
                r.arenaAllocator(),
                r.memoryPattern());
    }

    /** Checks the session settings at start (a bad value fails the start, naming the key). */
    void checkSessionSettings(@Observes @Priority(1) StartupEvent event, SessionSettings settings) {
        org.jboss.logging.Logger.getLogger(AgentBeans.class).debugf("ONNX Runtime sessions: %s", settings);
    }

    /**
     * The served models. ONNX Runtime (its native library and environment) starts with the first model loaded, not
     * with the agent: an agent serving nothing does not hold it (issue 15).
     */
    @Produces
    @Singleton
    ModelRuntime modelRuntime(AgentConfig config) {
        ModelRuntime runtime = new ModelRuntime(AgentBeans::startOnnxRuntime);
        runtime.defaultModel(config.defaultModel().orElse("").strip());
        return runtime;
    }

    private static OrtEnvironment startOnnxRuntime() {
        org.jboss.logging.Logger.getLogger(AgentBeans.class).info("starting ONNX Runtime (first model)");
        return OrtEnvironment.getEnvironment(OrtLoggingLevel.ORT_LOGGING_LEVEL_WARNING, "edge-agent");
    }

    void closeRuntime(@Disposes ModelRuntime runtime) {
        runtime.close();
    }

    @Produces
    @Singleton
    ModelStore modelStore(AgentConfig config) {
        try {
            return new ModelStore(Path.of(config.modelDir()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create model dir " + config.modelDir(), e);
        }
    }

    @Produces
    @Singleton
    TelemetryAccumulator telemetryAccumulator(AgentConfig config) {
        TelemetryAccumulator accumulator = new TelemetryAccumulator(
                config.deviceId(),
                new InputSummary(
                        config.telemetry().inputs(),
                        config.telemetry().sketchK(),
                        config.telemetry().reservoirSize()),
                config.telemetry().maxPendingWindows(),
                config.telemetry().maxInferenceRecords(),
                new InputCapture(
                        config.telemetry().captureInputs(),
                        config.telemetry().captureBelowConfidence(),
                        config.telemetry().captureMaxValues(),
                        config.telemetry().captureSampleRate(),
                        config.telemetry().captureMaxPerWindow()),
                new Random(),
                Clock.systemUTC());
        accumulator.setDeviceLabels(config.labels());
        return accumulator;
    }

    /** The on-disk telemetry queue in {@code <model-dir>/telemetry}. */
    @Produces
    @Singleton
    TelemetrySpool telemetrySpool(AgentConfig config) {
        Path dir = Path.of(config.modelDir()).resolve("telemetry");
        try {
            return new TelemetrySpool(dir, config.telemetry().spoolMaxWindows());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the telemetry spool in " + dir, e);
        }
    }

    void closeSpool(@Disposes TelemetrySpool spool) throws IOException {
        spool.close();
    }

    @Produces
    @Singleton
    InferenceService inferenceService(
            ModelRuntime runtime, TelemetryAccumulator telemetry, io.edgeloop.agent.metrics.AgentMetrics metrics) {
        return new InferenceService(runtime, telemetry, metrics);
    }

    @Produces
    @Singleton
    Simulator simulator(InferenceService inference, AgentConfig config) {
        var s = config.simulator();
        return new Simulator(inference, s.enabled(), s.rate(), s.seed(), s.drift());
    }

    void closeSimulator(@Disposes Simulator simulator) {
        simulator.close();
    }

    /** The simulator thread runs from start; it idles while disabled or while no model is loaded. */
    void startSimulator(@Observes StartupEvent event, Simulator simulator) {
        simulator.start();
    }
}
