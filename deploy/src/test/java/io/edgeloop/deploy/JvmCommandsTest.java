package io.edgeloop.deploy;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgeloop.embedded.EmbeddedPostgresServer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The peers' gRPC addresses on the command lines of a stack with replicas. */
class JvmCommandsTest {
    @TempDir
    Path work;

    @Test
    void clientsReachEveryReplicaOfAReplicatedServiceThroughAStorkStaticList() throws Exception {
        StackLayout layout = new StackLayout(true, Map.of("registry-service", 2));
        try (StackTracing tracing = StackTracing.start(
                false, work, true, work, JvmCommands.javaBin(), new ProcessSupervisor(), line -> {})) {
            JvmCommands commands = new JvmCommands(work, work, layout, tracing, StackAuth.open(work));
            List<String> training = commands.service(
                    layout.first("training-service"),
                    "127.0.0.1:9092",
                    Map.of("security.protocol", "SASL_PLAINTEXT", "sasl.mechanism", "SCRAM-SHA-512"),
                    new EmbeddedPostgresServer.Credentials("training", "secret", "jdbc:postgresql://x/training"),
                    Map.of());
            List<Integer> registries = layout.replicasOf("registry-service").stream()
                    .map(StackLayout.ServiceSpec::grpcPort)
                    .toList();

            // the registry has two replicas: one Stork service with both addresses, resolved by name
            assertTrue(training.contains("-Dquarkus.grpc.clients.registry.host=registry-service"), training::toString);
            assertTrue(training.contains("-Dquarkus.grpc.clients.registry.name-resolver=stork"));
            assertTrue(training.contains("-Dquarkus.stork.registry-service.service-discovery.type=static"));
            assertTrue(training.contains("-Dquarkus.stork.registry-service.service-discovery.address-list=127.0.0.1:"
                    + registries.get(0) + ",127.0.0.1:" + registries.get(1)));
            // data-service has one instance: its address, no Stork
            assertTrue(training.contains("-Dquarkus.grpc.clients.dataset.host=127.0.0.1"));
            assertTrue(training.contains("-Dquarkus.grpc.clients.dataset.port="
                    + layout.first("data-service").grpcPort()));
            assertFalse(training.stream().anyMatch(a -> a.startsWith("-Dquarkus.stork.data-service")));
            assertFalse(training.contains("-Dquarkus.grpc.clients.dataset.name-resolver=stork"));
            // no password on a command line
            assertFalse(training.stream().anyMatch(a -> a.contains("secret")));
        }
    }
}
