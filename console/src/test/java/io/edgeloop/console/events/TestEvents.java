package io.edgeloop.console.events;

import com.google.protobuf.Message;
import io.edgeloop.common.EventHeaders;
import io.edgeloop.common.ProtoTime;
import io.edgeloop.proto.events.v1.DataReady;
import io.edgeloop.proto.events.v1.Deployed;
import io.edgeloop.proto.events.v1.DeployedPhase;
import io.edgeloop.proto.events.v1.DriftDetected;
import io.edgeloop.proto.events.v1.EventMeta;
import io.edgeloop.proto.events.v1.Metrics;
import io.edgeloop.proto.events.v1.ModelOptimized;
import io.edgeloop.proto.events.v1.ModelTrained;
import io.edgeloop.proto.events.v1.VariantSummary;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Real protobuf events of one loop iteration of model {@code motion}, as the services publish them. */
final class TestEvents {
    static final String SHA = "ab".repeat(32);
    static final Instant T0 = Instant.parse("2026-12-07T03:00:00Z");

    private TestEvents() {}

    /** A W3C trace id (32 hex digits) made from {@code n}. */
    static String traceId(int n) {
        return String.format("%032x", 0xabc000L + n);
    }

    static EventMeta meta(String producer, int minute, String traceId) {
        return EventMeta.newBuilder()
                .setEventId(UUID.randomUUID().toString())
                .setOccurredAt(ProtoTime.of(T0.plusSeconds(60L * minute)))
                .setCorrelationId("corr-1")
                .setTraceparent(traceId.isEmpty() ? "" : "00-" + traceId + "-00f067aa0ba902b7-01")
                .setProducer(producer)
                .build();
    }

    static DataReady dataReady(int minute) {
        return DataReady.newBuilder()
                .setMeta(meta("data-service", minute, traceId(1)))
                .setDatasetName("motion")
                .setDatasetVersion(3)
                .setSnapshotId("motion@v3")
                .setTrigger("drift")
                .setTrainCount(80)
                .setValidationCount(10)
                .setTestCount(10)
                .addAllClassLabels(java.util.List.of("up", "down", "flat"))
                .build();
    }

    static ModelTrained modelTrained(int minute) {
        return ModelTrained.newBuilder()
                .setMeta(meta("training-service", minute, traceId(1)))
                .setModelName("motion")
                .setModelVersion(3)
                .setTrainingRunId("run-7")
                .setDatasetName("motion")
                .setDatasetVersion(3)
                .setSnapshotId("motion@v3")
                .setArtifactSha256(SHA)
                .setArchitecture("mlp-16")
                .setEpochs(12)
                .setTestMetrics(Metrics.newBuilder().setAccuracy(0.955))
                .build();
    }

    static ModelOptimized modelOptimized(int minute) {
        return ModelOptimized.newBuilder()
                .setMeta(meta("compiler-service", minute, traceId(1)))
                .setModelName("motion")
                .setModelVersion(3)
                .addVariants(VariantSummary.newBuilder()
                        .setVariantId("motion-v3-cpu-int8")
                        .setArtifactSha256(SHA)
                        .setSizeBytes(12288))
                .setRecommendedVariantId("motion-v3-cpu-int8")
                .setFloatAccuracy(0.96)
                .build();
    }

    static Deployed deployed(int minute) {
        return Deployed.newBuilder()
                .setMeta(meta("deployment-service", minute, traceId(1)))
                .setDeploymentId("dep-1")
                .setRolloutId("r-1")
                .setModelName("motion")
                .setModelVersion(3)
                .setVariantId("motion-v3-cpu-int8")
                .setWave(1)
                .setWavesTotal(2)
                .setDevicesTargeted(3)
                .setDevicesActive(2)
                .setPhase("wave")
                .setPhaseKind(DeployedPhase.DEPLOYED_PHASE_WAVE)
                .build();
    }

    static DriftDetected driftDetected(int minute, String traceId) {
        return DriftDetected.newBuilder()
                .setMeta(meta("monitoring-service", minute, traceId))
                .setModelName("motion")
                .setModelVersion(3)
                .setDatasetName("motion")
                .setReferenceSnapshotId("motion@v3")
                .addDeviceIds("edge-001")
                .setDriftScore(0.31)
                .setThreshold(0.2)
                .setMethod("ks-2sample-max+psi-deciles")
                .setWindowSampleCount(300)
                .build();
    }

    /** Publishes {@code event} to {@code topic} keyed by the model name, with the headers every producer sets. */
    static void publish(Map<String, Object> kafka, String topic, Message event, String eventId) throws Exception {
        try (var producer = new KafkaProducer<>(kafka, new StringSerializer(), new ByteArraySerializer())) {
            ProducerRecord<String, byte[]> r = new ProducerRecord<>(topic, "motion", event.toByteArray());
            r.headers().add(EventHeaders.CONTENT_TYPE, EventHeaders.PROTOBUF.getBytes(StandardCharsets.UTF_8));
            r.headers()
                    .add(
                            EventHeaders.EVENT_TYPE,
                            event.getDescriptorForType().getFullName().getBytes(StandardCharsets.UTF_8));
            r.headers().add(EventHeaders.EVENT_ID, eventId.getBytes(StandardCharsets.UTF_8));
            producer.send(r).get(30, TimeUnit.SECONDS);
        }
    }

    /** Publishes bytes that are no event. */
    static void publishPoison(Map<String, Object> kafka, String topic) throws Exception {
        try (var producer = new KafkaProducer<>(kafka, new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(topic, "motion", new byte[] {1, 2, 3, 4, 5}))
                    .get(30, TimeUnit.SECONDS);
        }
    }
}
