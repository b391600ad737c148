package io.edgeloop.monitoring.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.edgeloop.embedded.quarkus.KafkaTestResource;
import io.edgeloop.embedded.quarkus.PostgresTestResource;
import io.edgeloop.monitoring.domain.PerformanceMonitor;
import io.edgeloop.monitoring.domain.VersionFacts;
import io.edgeloop.proto.registry.v1.ModelVersion;
import io.quarkus.grpc.GrpcService;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Two first readers of a version's facts at once (a feedback request and the captured-samples job of the window it
 * labels, as CI once saw): the registry answers both only when both asked, so both find nothing stored and both
 * store. Both must get the facts; before the insert ignored a conflict, the second one failed with a 500.
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaTestResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = PostgresTestResource.class, restrictToAnnotatedClass = false)
class VersionFactsRaceTest {
    @Inject
    @GrpcService
    FakeModelRegistry registry;

    @Inject
    PerformanceMonitor performance;

    @AfterEach
    void open() {
        registry.open();
    }

    @Test
    void concurrentFirstReadersOfAVersionBothGetItsFacts() throws Exception {
        String model = "race-" + UUID.randomUUID().toString().substring(0, 8);
        List<String> labels = List.of("idle", "walk", "run");
        registry.register(ModelVersion.newBuilder()
                .setModelName(model)
                .setVersion(1)
                .addAllClassLabels(labels)
                .putMetrics("test_accuracy", 0.8)
                .setFeatureCount(3)
                .build());
        registry.holdUntil(2);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<VersionFacts> first = pool.submit(() -> performance.facts(model, 1));
            Future<VersionFacts> second = pool.submit(() -> performance.facts(model, 1));
            for (Future<VersionFacts> f : List.of(first, second)) {
                VersionFacts facts = f.get(60, TimeUnit.SECONDS);
                assertEquals(labels, facts.classLabels());
                assertEquals(0.8, facts.testAccuracy());
            }
        } finally {
            pool.shutdownNow();
        }
        // stored once: a third reader is answered from the database while the registry would hold it
        registry.holdUntil(2);
        assertEquals(labels, performance.facts(model, 1).classLabels());
    }
}
