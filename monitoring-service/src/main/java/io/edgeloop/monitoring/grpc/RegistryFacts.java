package io.edgeloop.monitoring.grpc;

import io.edgeloop.kit.grpc.GrpcRetries;
import io.edgeloop.monitoring.config.MonitoringConfig;
import io.edgeloop.monitoring.domain.VersionFacts;
import io.edgeloop.proto.registry.v1.GetVersionRequest;
import io.edgeloop.proto.registry.v1.ModelRegistryGrpc;
import io.edgeloop.proto.registry.v1.ModelVersion;
import io.grpc.StatusRuntimeException;
import io.quarkus.grpc.GrpcClient;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Reads what the registry knows about a model version ({@code ModelRegistry.GetVersion}, client {@code registry}):
 * its class labels in output order, the {@code test_accuracy} metric the training service registered and the dataset
 * of its lineage. Calls that
 * fail with UNAVAILABLE are retried briefly.
 */
@ApplicationScoped
public class RegistryFacts implements VersionFacts.Source {
    /** The registry metric holding a version's accuracy on its snapshot's test split. */
    public static final String TEST_ACCURACY = "test_accuracy";

    @GrpcClient("registry")
    ModelRegistryGrpc.ModelRegistryBlockingStub registry;

    @Inject
    MonitoringConfig config;

    /**
     * The facts of {@code modelName} version {@code version}.
     *
     * @throws StatusRuntimeException when the registry refuses the call or stays unavailable
     */
    @Override
    public VersionFacts fetch(String modelName, int version) {
        ModelVersion v = new GrpcRetries(Duration.ofMillis(200), Duration.ofSeconds(2), 3)
                .call(
                        "registry GetVersion " + modelName + " v" + version,
                        () -> registry.withDeadlineAfter(
                                        config.performance().registryTimeout().toMillis(), TimeUnit.MILLISECONDS)
                                .getVersion(GetVersionRequest.newBuilder()
                                        .setModelName(modelName)
                                        .setVersion(version)
                                        .build()));
        Double accuracy = v.getMetricsMap().get(TEST_ACCURACY);
        return new VersionFacts(v.getClassLabelsList(), accuracy, v.getLineage().getDatasetName());
    }
}
