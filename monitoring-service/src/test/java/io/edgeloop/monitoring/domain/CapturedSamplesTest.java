package io.edgeloop.monitoring.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgeloop.common.ProtoTime;
import io.edgeloop.common.events.EventContracts;
import io.edgeloop.monitoring.config.MonitoringConfig;
import io.edgeloop.monitoring.persistence.Codec;
import io.edgeloop.monitoring.persistence.InferenceRecordEntity;
import io.edgeloop.proto.events.v1.SampleCaptured;
import io.edgeloop.proto.telemetry.v1.InferenceRecord;
import io.edgeloop.proto.telemetry.v1.TelemetryWindow;
import java.lang.reflect.Proxy;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What a captured inference's event carries, which windows enqueue a job, and the default (off). */
class CapturedSamplesTest {
    private static final VersionFacts FACTS = new VersionFacts(List.of("normal", "fault"), 0.9, "vibration");

    @Test
    void theEventCarriesTheInputThePredictionAndTheLineage() {
        InferenceRecordEntity row = row(1, 0.35f);
        SampleCaptured e = CapturedSamples.event(row, FACTS);
        assertEquals("vibration", e.getDatasetName());
        assertEquals("m", e.getModelName());
        assertEquals(3, e.getModelVersion());
        assertEquals("inf-1", e.getInferenceId());
        assertEquals("dev-1", e.getDeviceId());
        assertEquals(List.of(1.5f, -2f), e.getFeaturesList());
        assertEquals("fault", e.getPredictedLabel());
        assertEquals(0.35f, e.getConfidence());
        assertEquals(Instant.parse("2026-01-02T03:04:05Z"), ProtoTime.toInstant(e.getInferredAt()));
        assertEquals("monitoring-service", e.getMeta().getProducer());
        assertEquals(List.of(), EventContracts.SAMPLE_CAPTURED.problems(e), "valid under its contract");

        // a class the version does not name: no suggestion, still a sample
        assertEquals("", CapturedSamples.event(row(7, 0.2f), FACTS).getPredictedLabel());
    }

    @Test
    void onlyKeptWindowsWithACapturedInputEnqueueAJob() {
        InferenceRecord plain = InferenceRecord.newBuilder().setInferenceId("a").build();
        InferenceRecord withInput = plain.toBuilder().addInput(1f).build();
        TelemetryWindow w = TelemetryWindow.newBuilder()
                .setInferenceCount(2)
                .addInferences(plain)
                .addInferences(withInput)
                .build();
        assertTrue(CapturedSamples.carriesCaptures(w));
        assertFalse(CapturedSamples.carriesCaptures(
                w.toBuilder().setSource("synthetic").build()));
        assertFalse(CapturedSamples.carriesCaptures(
                w.toBuilder().clearInferences().addInferences(plain).build()));
        assertFalse(CapturedSamples.carriesCaptures(
                w.toBuilder().setInferenceCount(0).build()));
    }

    @Test
    void activeLearningIsOffByDefault() throws Exception {
        MonitoringConfig.ActiveLearning defaults = (MonitoringConfig.ActiveLearning) Proxy.newProxyInstance(
                getClass().getClassLoader(),
                new Class<?>[] {MonitoringConfig.ActiveLearning.class},
                (proxy, method, args) -> Boolean.parseBoolean(method.getAnnotation(io.smallrye.config.WithDefault.class)
                        .value()));
        assertFalse(defaults.enabled());
        CapturedSamples samples = new CapturedSamples();
        samples.config = (MonitoringConfig) Proxy.newProxyInstance(
                getClass().getClassLoader(),
                new Class<?>[] {MonitoringConfig.class},
                (proxy, method, args) -> method.getName().equals("activeLearning") ? defaults : null);
        // off: no job, not even a look at the windows (jobs is not set)
        TelemetryWindow w = TelemetryWindow.newBuilder()
                .setInferenceCount(1)
                .addInferences(InferenceRecord.newBuilder().setInferenceId("a").addInput(1f))
                .build();
        assertEquals(0, samples.enqueue(List.of(w)));
    }

    private static InferenceRecordEntity row(int predicted, float confidence) {
        InferenceRecordEntity r = new InferenceRecordEntity();
        r.modelName = "m";
        r.modelVersion = 3;
        r.inferenceId = "inf-1";
        r.deviceId = "dev-1";
        r.windowId = "w-1";
        r.predictedClass = predicted;
        r.confidence = confidence;
        r.inferredAt = Instant.parse("2026-01-02T03:04:05Z");
        r.receivedAt = r.inferredAt;
        r.input = Codec.floats(new float[] {1.5f, -2f});
        return r;
    }
}
