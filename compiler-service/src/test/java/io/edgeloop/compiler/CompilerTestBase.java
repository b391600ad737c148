package io.edgeloop.compiler;

import io.edgeloop.common.SensorSimulator;
import io.edgeloop.common.Topics;
import io.edgeloop.compiler.config.CompilerConfig;
import io.edgeloop.compiler.testing.FakeArtifactService;
import io.edgeloop.compiler.testing.FakeDatasetService;
import io.edgeloop.compiler.testing.FakeModelRegistry;
import io.edgeloop.compiler.testing.TestModels;
import io.edgeloop.embedded.quarkus.KafkaTestResource;
import io.edgeloop.proto.data.v1.Sample;
import io.edgeloop.proto.data.v1.Split;
import io.edgeloop.proto.events.v1.ModelOptimized;
import io.edgeloop.proto.registry.v1.Lineage;
import io.edgeloop.proto.registry.v1.ModelVersion;
import io.edgeloop.testsupport.SensorSamples;
import io.quarkus.grpc.GrpcService;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * What the service-level tests share: the gRPC doubles of the peers, the snapshots and registered versions they are
 * given, and reading ModelOptimized back from Kafka.
 */
abstract class CompilerTestBase {
    static final TestModels.Linear LINEAR = TestModels.fit(11, 2000);
    static final Duration WAIT = Duration.ofSeconds(60);

    @Inject
    @GrpcService
    FakeArtifactService artifacts;

    @Inject
    @GrpcService
    FakeModelRegistry registry;

    @Inject
    @GrpcService
    FakeDatasetService datasets;

    @Inject
    CompilerConfig config;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    /**
     * Puts {@code dataset@v1} into the data service double: 500 samples, 20 % TRAIN, 20 % TEST when {@code withTest},
     * the rest VALIDATION.
     *
     * @return the samples of split {@code wanted}
     */
    List<Sample> snapshot(String dataset, boolean withTest, Split wanted) {
        SensorSimulator sim = new SensorSimulator(dataset.hashCode());
        List<Sample> all = new ArrayList<>();
        List<Sample> selected = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            var r = sim.next();
            Split split = i % 5 == 0 ? Split.TRAIN : withTest && i % 5 == 1 ? Split.TEST : Split.VALIDATION;
            Sample s = SensorSamples.sample(String.format("s%04d", i), r, split);
            all.add(s);
            if (split == wanted) {
                selected.add(s);
            }
        }
        datasets.put(dataset, 1, SensorSimulator.LABELS, all);
        return selected;
    }

    /**
     * Stores {@code onnx} in the artifact double and registers it as version {@code version} of the linear
     * {@code model} trained on snapshot {@code model@v1}.
     *
     * @param trainingRunId the lineage's training run, empty for none
     * @return the artifact's sha256
     */
    String registerVersion(String model, int version, byte[] onnx, String correlationId, String trainingRunId) {
        String sha = artifacts.put(onnx, "application/onnx");
        registry.register(ModelVersion.newBuilder()
                .setModelName(model)
                .setVersion(version)
                .setArtifactSha256(sha)
                .setSizeBytes(onnx.length)
                .setLineage(Lineage.newBuilder()
                        .setDatasetName(model)
                        .setDatasetVersion(1)
                        .setSnapshotId(model + "@v1")
                        .setTrainingRunId(trainingRunId)
                        .setCorrelationId(correlationId))
                .addAllClassLabels(SensorSimulator.LABELS)
                .setFeatureCount(TestModels.FEATURES)
                .setArchitecture("linear")
                .build());
        return sha;
    }

    /** The first ModelOptimized on the topic that matches {@code match}. */
    ModelOptimized awaitOptimized(Predicate<ModelOptimized> match) {
        return parse(awaitOptimizedRecord(match));
    }

    /** The first record on the ModelOptimized topic whose event matches {@code match}. */
    static ConsumerRecord<String, byte[]> awaitOptimizedRecord(Predicate<ModelOptimized> match) {
        Predicate<ConsumerRecord<String, byte[]>> matching = r -> match.test(parse(r));
        return KafkaTestResource.broker()
                .read(Topics.MODEL_OPTIMIZED, read -> read.stream().anyMatch(matching), WAIT)
                .stream()
                .filter(matching)
                .findFirst()
                .orElseThrow(() -> new AssertionError("no matching ModelOptimized within " + WAIT));
    }

    static ModelOptimized parse(ConsumerRecord<String, byte[]> r) {
        try {
            return ModelOptimized.parseFrom(r.value());
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new AssertionError("undecodable record on " + r.topic(), e);
        }
    }
}
