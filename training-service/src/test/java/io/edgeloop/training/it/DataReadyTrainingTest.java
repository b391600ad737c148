package io.edgeloop.training.it;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.edgeloop.common.Hashing;
import io.edgeloop.common.SensorSimulator;
import io.edgeloop.common.Topics;
import io.edgeloop.embedded.quarkus.KafkaTestResource;
import io.edgeloop.embedded.quarkus.PostgresTestResource;
import io.edgeloop.proto.events.v1.DataReady;
import io.edgeloop.proto.events.v1.ModelTrained;
import io.edgeloop.proto.events.v1.TrainingSpec;
import io.edgeloop.proto.registry.v1.RegisterVersionRequest;
import io.edgeloop.training.domain.TrainingPipeline;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * Training driven by {@code DataReady} events: a snapshot trains once however often its event is delivered, registers a
 * version with its parent's lineage and emits {@code ModelTrained} (key, headers, metrics, a loadable ONNX artifact);
 * a run whose snapshot contradicts its event, or whose event spec does not fit the snapshot, fails and emits nothing;
 * a time-series event with a spec trains a 1D-CNN with per-class metrics; a record that is no event goes to the
 * dead-letter topic.
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaTestResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = PostgresTestResource.class, restrictToAnnotatedClass = false)
class DataReadyTrainingTest extends TrainingServiceTestBase {
    @Test
    void dataReadyTrainsOnceRegistersAndEmitsModelTrained() throws Exception {
        String dataset = "vibration-events";
        datasets.define(dataset, 2);
        DataReady first = dataReady(dataset, 1, FakeDatasetService.contentHash(dataset, 1));
        DataReady second = dataReady(dataset, 2, FakeDatasetService.contentHash(dataset, 2));
        produce(dataset, first.toByteArray());
        produce(dataset, first.toByteArray()); // redelivery of the same event
        produce(dataset, second.toByteArray());

        List<ConsumerRecord<String, byte[]>> records = modelTrained(
                r -> parse(r).getMeta().getCausationId().equals(second.getMeta().getEventId()));
        List<ModelTrained> fromFirst = records.stream()
                .map(TrainingServiceTestBase::parse)
                .filter(e -> e.getMeta().getCausationId().equals(first.getMeta().getEventId()))
                .toList();
        assertEquals(1, fromFirst.size(), "the duplicate DataReady must not train or emit twice");
        assertEquals(2, datasets.streams(dataset), "one snapshot fetch per distinct event");
        String runId = TrainingPipeline.runIdFor(first.getMeta().getEventId());
        assertEquals(1, registry.requestsForRun(runId).size());

        ModelTrained t1 = fromFirst.get(0);
        assertEquals(dataset, t1.getModelName());
        assertEquals(1, t1.getModelVersion());
        assertEquals(runId, t1.getTrainingRunId());
        assertEquals(dataset + "@v1", t1.getSnapshotId());
        assertEquals(1, t1.getDatasetVersion());
        assertEquals(first.getMeta().getCorrelationId(), t1.getMeta().getCorrelationId());
        assertEquals("training-service", t1.getMeta().getProducer());
        assertTrue(t1.getTestMetrics().getAccuracy() > 0.8, "test accuracy " + t1.getTestMetrics());
        assertTrue(t1.getTestMetrics().getMacroF1() > 0.8, "test macro F1 " + t1.getTestMetrics());
        assertTrue(t1.getTestMetrics().getLoss() > 0 && t1.getTestMetrics().getLoss() < Math.log(4));
        assertEquals(FakeDatasetService.TEST, t1.getTestMetrics().getSampleCount());
        assertEquals(FakeDatasetService.VALIDATION, t1.getValidationMetrics().getSampleCount());
        assertTrue(t1.getEpochs() >= 1 && t1.getEpochs() <= 8, "epochs " + t1.getEpochs());
        assertEquals(SensorSimulator.LABELS, t1.getClassLabelsList());
        assertEquals(8, t1.getFeatureCount());
        assertTrue(t1.getTrainingSeconds() > 0);

        // the registered artifact is the ONNX file the event describes, and ONNX Runtime loads it
        byte[] onnx = artifacts.bytes(t1.getArtifactSha256());
        assertNotNull(onnx);
        assertEquals(t1.getArtifactSha256(), Hashing.sha256Hex(onnx));
        assertEquals(onnx.length, t1.getArtifactSizeBytes());
        try (OrtSession session = OrtEnvironment.getEnvironment().createSession(onnx)) {
            Map<String, String> meta = session.getMetadata().getCustomMetadata();
            assertEquals(dataset + "@v1", meta.get("snapshot_id"));
            assertEquals(String.join(",", SensorSimulator.LABELS), meta.get("class_labels"));
            assertEquals(runId, meta.get("training_run_id"));
        }

        // the second snapshot becomes version 2 with version 1 as its parent
        ModelTrained t2 = records.stream()
                .map(TrainingServiceTestBase::parse)
                .filter(e ->
                        e.getMeta().getCausationId().equals(second.getMeta().getEventId()))
                .findFirst()
                .orElseThrow();
        assertEquals(2, t2.getModelVersion());
        RegisterVersionRequest reg2 =
                registry.requestsForRun(t2.getTrainingRunId()).get(0);
        assertEquals(1, reg2.getLineage().getParentVersion());
        assertEquals(0, registry.requestsForRun(runId).get(0).getLineage().getParentVersion());
        assertEquals(t2.getTrainingRunId(), reg2.getIdempotencyKey());
        assertEquals(second.getMeta().getCorrelationId(), reg2.getLineage().getCorrelationId());
        assertEquals(t2.getTestMetrics().getAccuracy(), reg2.getMetricsOrThrow("test_accuracy"), 0);
        assertEquals(t2.getValidationMetrics().getAccuracy(), reg2.getMetricsOrThrow("validation_accuracy"), 0);

        // key = model name, typed headers
        ConsumerRecord<String, byte[]> rec = records.stream()
                .filter(r -> parse(r).getTrainingRunId().equals(runId))
                .findFirst()
                .orElseThrow();
        assertEquals(dataset, rec.key());
        assertEquals(
                "edgeloop.events.v1.ModelTrained",
                new String(rec.headers().lastHeader("event-type").value(), StandardCharsets.UTF_8));

        // the run over REST
        given().get("/training-runs/" + runId)
                .then()
                .statusCode(200)
                .body("status", equalTo("SUCCEEDED"))
                .body("trigger", equalTo("event"))
                .body("requestedBy", equalTo("training-service"))
                .body("modelVersion", equalTo(1))
                .body("snapshotId", equalTo(dataset + "@v1"))
                .body("dataReadyEventId", equalTo(first.getMeta().getEventId()))
                .body("artifactSha256", equalTo(t1.getArtifactSha256()))
                .body("test.sampleCount", equalTo(100))
                .body("test.accuracy", equalTo((float) t1.getTestMetrics().getAccuracy()));
        List<String> ids = given().queryParam("datasetName", dataset)
                .get("/training-runs")
                .then()
                .statusCode(200)
                .body("$", hasSize(2))
                .extract()
                .jsonPath()
                .getList("id");
        assertEquals(List.of(t2.getTrainingRunId(), runId), ids, "newest first");
    }

    @Test
    void failedRunRecordsWhyAndEmitsNothing() {
        String dataset = "vibration-tampered";
        datasets.define(dataset, 1);
        DataReady event = dataReady(dataset, 1, "0".repeat(64)); // not the snapshot's content hash
        produce(dataset, event.toByteArray());
        String runId = TrainingPipeline.runIdFor(event.getMeta().getEventId());
        JsonPath run = awaitRun(runId, s -> s.equals("FAILED"));
        assertTrue(run.getString("failureReason").contains("content hash"), run.getString("failureReason"));
        assertNotNull(run.getString("finishedAt"));
        assertEquals(0, registry.requestsForRun(runId).size());
        assertEquals(0, datasets.streams(dataset), "no samples fetched for a contradicting snapshot");
        List<ModelTrained> emitted = enqueued(runId);
        assertEquals(List.of(), emitted);
    }

    @Test
    void poisonRecordGoesToTheDeadLetterTopic() {
        byte[] garbage = "not a protobuf event".getBytes(StandardCharsets.UTF_8);
        produce("junk", garbage);
        List<ConsumerRecord<String, byte[]>> dead =
                read(Topics.deadLetter(Topics.DATA_READY), r -> "junk".equals(r.key()));
        assertTrue(dead.stream().anyMatch(r -> "junk".equals(r.key())));
    }

    @Test
    void timeSeriesKindAndSpecFromDataReadyTrainA1dCnnWithPerClassMetrics() throws Exception {
        String dataset = "vibration-windows";
        datasets.define(dataset, 1);
        DataReady event = dataReady(dataset, 1, FakeDatasetService.contentHash(dataset, 1)).toBuilder()
                .setDataKind("timeseries")
                .addAllSampleShape(List.of(2, 4))
                .setTrainingSpec(TrainingSpec.newBuilder()
                        .addHiddenUnits(8)
                        .setMaxEpochs(4)
                        .setOptimizer("sgd")
                        .setLearningRate(0.05))
                .build();
        produce(dataset, event.toByteArray());
        String runId = TrainingPipeline.runIdFor(event.getMeta().getEventId());
        ModelTrained t = published(runId);
        assertTrue(t.getArchitecture().startsWith("cnn1d(2x4-conv8-relu-pool2-gap-4)"), t.getArchitecture());
        assertEquals(List.of(2, 4), t.getSampleShapeList());
        assertEquals("cnn1d", t.getSpec().getArchitecture());
        assertEquals("sgd", t.getSpec().getOptimizer());
        assertEquals(4, t.getSpec().getMaxEpochs());
        assertEquals(List.of(8), t.getSpec().getHiddenUnitsList());
        // conv 8*2*3+8, dense 4*8+4
        assertEquals(56 + 36, t.getParameterCount());
        // per-class figures agree with the confusion matrix
        var test = t.getTestMetrics();
        assertEquals(4, test.getPerClassCount());
        assertEquals(16, test.getConfusionMatrixCount());
        assertEquals(
                test.getSampleCount(),
                test.getConfusionMatrixList().stream()
                        .mapToLong(Long::longValue)
                        .sum());
        long correct = 0;
        for (int c = 0; c < 4; c++) {
            long support = 0;
            for (int k = 0; k < 4; k++) {
                support += test.getConfusionMatrix(c * 4 + k);
            }
            assertEquals(support, test.getPerClass(c).getSupport());
            assertEquals(SensorSimulator.LABELS.get(c), test.getPerClass(c).getLabel());
            correct += test.getConfusionMatrix(c * 4 + c);
        }
        assertEquals(test.getAccuracy(), (double) correct / test.getSampleCount(), 1e-12);
        byte[] onnx = artifacts.bytes(t.getArtifactSha256());
        try (OrtSession session = OrtEnvironment.getEnvironment().createSession(onnx)) {
            long[] shape = ((ai.onnxruntime.TensorInfo)
                            session.getInputInfo().get("input").getInfo())
                    .getShape();
            assertEquals(
                    List.of(-1L, 2L, 4L), java.util.Arrays.stream(shape).boxed().toList());
            assertEquals("timeseries", session.getMetadata().getCustomMetadata().get("data_kind"));
        }
        given().get("/training-runs/" + runId)
                .then()
                .statusCode(200)
                .body("dataKind", equalTo("timeseries"))
                .body("sampleShape", equalTo(List.of(2, 4)))
                .body("inputShape", equalTo(List.of(2, 4)))
                .body("spec.architecture", equalTo("cnn1d"))
                .body("requestedSpec.optimizer", equalTo("sgd"))
                .body("parameterCount", equalTo(92))
                .body("test.perClass", hasSize(4))
                .body("test.perClass[0].label", equalTo(SensorSimulator.LABELS.get(0)))
                .body("test.confusionMatrix", hasSize(4))
                .body("progress.epoch", equalTo(t.getEpochs()));
    }

    @Test
    void invalidSpecInDataReadyFailsTheRunAndEmitsNothing() {
        String dataset = "vibration-badspec";
        datasets.define(dataset, 1);
        DataReady event = dataReady(dataset, 1, FakeDatasetService.contentHash(dataset, 1)).toBuilder()
                .setDataKind("image")
                .addAllSampleShape(List.of(1, 3, 3)) // 9 values, the snapshot has 8 features
                .build();
        produce(dataset, event.toByteArray());
        String runId = TrainingPipeline.runIdFor(event.getMeta().getEventId());
        JsonPath run = awaitRun(runId, s -> s.equals("FAILED"));
        assertTrue(run.getString("failureReason").contains("does not match the feature count"), run.prettify());
        assertEquals(0, registry.requestsForRun(runId).size());
    }
}
