package io.edgeloop.registry.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgeloop.common.Events;
import io.edgeloop.common.Topics;
import io.edgeloop.common.auth.Roles;
import io.edgeloop.proto.events.v1.ClassMetrics;
import io.edgeloop.proto.events.v1.Metrics;
import io.edgeloop.proto.events.v1.ModelTrained;
import io.edgeloop.proto.events.v1.TrainingSpec;
import io.edgeloop.testsupport.auth.TestAuth;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.Awaitility;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;
import org.mlflow.api.proto.Service.Metric;
import org.mlflow.api.proto.Service.Param;
import org.mlflow.api.proto.Service.Run;
import org.mlflow.api.proto.Service.RunInfo;
import org.mlflow.api.proto.Service.RunStatus;
import org.mlflow.api.proto.Service.RunTag;
import org.mlflow.tracking.MlflowClient;
import org.mlflow.tracking.creds.BasicMlflowHostCreds;

/**
 * {@code ModelTrained} events sent through the embedded broker to the real consumer become MLflow runs that the
 * official MLflow client finds (searchRuns, getRun, getMetricHistory): experiment = model, params = training spec and
 * data set, final metrics; a redelivered event and a second event of the same run record nothing twice.
 */
@QuarkusTest
class ModelTrainedConsumerTest {
    @TestHTTPResource("/")
    URL root;

    @Test
    void everyTrainingRunIsAnMlflowRunWithItsParamsAndFinalMetrics() {
        String model = "mt-" + UUID.randomUUID().toString().substring(0, 8);
        String runId = UUID.randomUUID().toString();
        ModelTrained v1 = trained(model, 1, runId, 0.91);
        ModelTrained v2 = trained(model, 2, "", 0.95);
        publish(
                model,
                v1,
                v1,
                v1.toBuilder()
                        .setMeta(Events.newMeta("training-service", "c", ""))
                        .build(),
                v2);

        MlflowClient mlflow = new MlflowClient(new BasicMlflowHostCreds(
                root.toString().replaceAll("/+$", ""),
                TestAuth.token("reader", Roles.VIEWER).value()));
        String experimentId = Awaitility.await("experiment of " + model)
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(200))
                .until(
                        () -> mlflow.getExperimentByName(model)
                                .filter(e -> mlflow.searchRuns(List.of(e.getExperimentId()), "")
                                                .size()
                                        == 2)
                                .map(e -> e.getExperimentId())
                                .orElse(null),
                        java.util.Objects::nonNull);

        List<RunInfo> runs = mlflow.searchRuns(List.of(experimentId), "metrics.test_accuracy > 0.9");
        assertEquals(2, runs.size(), "one run per training run, nothing twice: " + runs);
        assertEquals(
                List.of(model + "-v2"),
                mlflow.searchRuns(List.of(experimentId), "metrics.test_accuracy > 0.93").stream()
                        .map(RunInfo::getRunId)
                        .toList(),
                "a run without training_run_id is named after its model version");

        Run run = mlflow.getRun(runId);
        assertEquals(RunStatus.FINISHED, run.getInfo().getStatus());
        assertEquals(model + "-v1", run.getInfo().getRunName());
        assertEquals("training-service", run.getInfo().getUserId());
        assertEquals(12_500L, run.getInfo().getEndTime() - run.getInfo().getStartTime());
        Map<String, String> params =
                run.getData().getParamsList().stream().collect(Collectors.toMap(Param::getKey, Param::getValue));
        assertEquals("0.005", params.get("learning_rate"));
        assertEquals("32,16", params.get("hidden_units"));
        assertEquals("2.0", params.get("class_weights.idle"));
        assertEquals("vibration", params.get("dataset.name"));
        assertEquals("3", params.get("dataset.version"));
        assertEquals("snap-1", params.get("dataset.snapshot_id"));
        assertEquals("idle,fault", params.get("model.class_labels"));
        Map<String, Double> metrics =
                run.getData().getMetricsList().stream().collect(Collectors.toMap(Metric::getKey, Metric::getValue));
        assertEquals(0.91, metrics.get("test_accuracy"), 1e-9);
        assertEquals(0.88, metrics.get("val_accuracy"), 1e-9);
        assertEquals(0.8, metrics.get("test_fault_f1"), 1e-9);
        assertEquals(14.0, metrics.get("epochs_trained"), 1e-9);
        Map<String, String> tags =
                run.getData().getTagsList().stream().collect(Collectors.toMap(RunTag::getKey, RunTag::getValue));
        assertEquals("1", tags.get("edgeloop.model_version"));
        assertEquals(v1.getArtifactSha256(), tags.get("edgeloop.artifact_sha256"));

        List<Metric> history = mlflow.getMetricHistory(runId, "test_accuracy");
        assertEquals(1, history.size(), "redeliveries log nothing twice: " + history);
        assertEquals(14L, history.get(0).getStep());
        assertTrue(history.get(0).getTimestamp() > 0);
    }

    private static ModelTrained trained(String model, int version, String runId, double accuracy) {
        return ModelTrained.newBuilder()
                .setMeta(Events.newMeta("training-service", "corr-" + model, ""))
                .setModelName(model)
                .setModelVersion(version)
                .setTrainingRunId(runId)
                .setDatasetName("vibration")
                .setDatasetVersion(3)
                .setSnapshotId("snap-1")
                .setArtifactSha256("ab".repeat(32))
                .setArchitecture("mlp-32-16")
                .setFeatureCount(6)
                .addClassLabels("idle")
                .addClassLabels("fault")
                .setEpochs(14)
                .setTrainingSeconds(12.5)
                .setSpec(TrainingSpec.newBuilder()
                        .setArchitecture("mlp")
                        .addHiddenUnits(32)
                        .addHiddenUnits(16)
                        .setLearningRate(0.005)
                        .setMaxEpochs(40)
                        .putClassWeights("idle", 2.0))
                .setTestMetrics(Metrics.newBuilder()
                        .setAccuracy(accuracy)
                        .setMacroF1(0.85)
                        .setLoss(0.3)
                        .setSampleCount(200)
                        .addPerClass(ClassMetrics.newBuilder()
                                .setLabel("fault")
                                .setPrecision(0.7)
                                .setRecall(0.9)
                                .setF1(0.8)))
                .setValidationMetrics(Metrics.newBuilder().setAccuracy(0.88))
                .build();
    }

    private static void publish(String model, ModelTrained... events) {
        Properties p = new Properties();
        p.put(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class));
        try (var producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer())) {
            for (ModelTrained event : events) {
                producer.send(new ProducerRecord<>(Topics.MODEL_TRAINED, model, event.toByteArray()))
                        .get();
            }
        } catch (Exception e) {
            throw new IllegalStateException("cannot publish ModelTrained", e);
        }
    }
}
