package io.edgeloop.compiler;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.edgeloop.common.Events;
import io.edgeloop.common.SensorSimulator;
import io.edgeloop.common.Topics;
import io.edgeloop.compiler.persistence.Compilation;
import io.edgeloop.compiler.testing.TestModels;
import io.edgeloop.proto.data.v1.Sample;
import io.edgeloop.proto.data.v1.Split;
import io.edgeloop.proto.events.v1.Metrics;
import io.edgeloop.proto.events.v1.ModelOptimized;
import io.edgeloop.proto.events.v1.ModelTrained;
import io.quarkus.narayana.jta.QuarkusTransaction;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.Awaitility;

/**
 * What the end-to-end tests of the service share (on top of {@link CompilerTestBase}): a registered version with its
 * snapshot, its ModelTrained event and sending it, ModelOptimized read back keyed by its model name, compilation rows,
 * and the linear model's accuracy computed without ONNX Runtime. The service runs against real Kafka and PostgreSQL,
 * with in-memory doubles of the registry and the data service on its gRPC test port.
 */
abstract class CompilerServiceTestBase extends CompilerTestBase {
    /** A registered version of {@code model} (trained on snapshot {@code model@v1}) with its float artifact. */
    record Setup(String model, String sha, List<Sample> validation) {}

    /** Puts snapshot {@code dataset@v1} (80 % validation, 20 % train) into the data service double. */
    List<Sample> snapshot(String dataset) {
        return snapshot(dataset, false, Split.VALIDATION);
    }

    Setup setUp(String model, byte[] onnx) {
        List<Sample> validation = snapshot(model);
        String sha = registerVersion(model, 1, onnx, "corr-" + model, "run-1");
        return new Setup(model, sha, validation);
    }

    ModelTrained trained(Setup s) {
        return ModelTrained.newBuilder()
                .setMeta(Events.newMeta("training-service", "corr-" + s.model, ""))
                .setModelName(s.model)
                .setModelVersion(1)
                .setTrainingRunId("run-1")
                .setDatasetName(s.model)
                .setDatasetVersion(1)
                .setSnapshotId(s.model + "@v1")
                .setArtifactSha256(s.sha)
                .setArtifactSizeBytes(artifacts.get(s.sha).bytes().length)
                .setArchitecture("linear")
                .setValidationMetrics(Metrics.newBuilder().setAccuracy(0.9))
                .setFeatureCount(TestModels.FEATURES)
                .addAllClassLabels(SensorSimulator.LABELS)
                .build();
    }

    void send(ModelTrained event) throws Exception {
        try (var producer = new KafkaProducer<String, byte[]>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
                new StringSerializer(),
                new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(Topics.MODEL_TRAINED, event.getModelName(), event.toByteArray()))
                    .get();
        }
    }

    /** The first ModelOptimized on the topic that matches {@code match}, keyed by its model name. */
    @Override
    ModelOptimized awaitOptimized(Predicate<ModelOptimized> match) {
        ConsumerRecord<String, byte[]> r = awaitOptimizedRecord(match);
        ModelOptimized e = parse(r);
        assertEquals(e.getModelName(), r.key());
        return e;
    }

    /** The value {@code probe} gives once it gives one, polled every 100 ms for at most {@link #WAIT}. */
    static <T> T await(String what, Supplier<Optional<T>> probe) {
        return Awaitility.await(what)
                .atMost(WAIT)
                .pollInterval(Duration.ofMillis(100))
                .until(probe::get, Optional::isPresent)
                .orElseThrow();
    }

    static List<Compilation> compilationsOf(String model) {
        return QuarkusTransaction.requiringNew().call(() -> Compilation.<Compilation>list("modelName", model));
    }

    /** Accuracy of the linear model on the samples, computed in plain Java (no ONNX Runtime). */
    static double expectedAccuracy(List<Sample> samples) {
        int correct = 0;
        for (Sample s : samples) {
            int best = -1;
            double bestScore = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < TestModels.CLASSES; c++) {
                double z = LINEAR.bias()[c];
                for (int f = 0; f < TestModels.FEATURES; f++) {
                    z += (double) s.getFeatures(f) * LINEAR.weights()[f][c];
                }
                if (z > bestScore) {
                    bestScore = z;
                    best = c;
                }
            }
            if (best == s.getLabelIndex()) {
                correct++;
            }
        }
        return (double) correct / samples.size();
    }
}
