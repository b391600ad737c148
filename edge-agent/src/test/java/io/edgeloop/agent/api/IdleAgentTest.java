package io.edgeloop.agent.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OrtEnvironment;
import io.edgeloop.agent.TestModels;
import io.edgeloop.agent.domain.LoadedModel;
import io.edgeloop.agent.domain.ModelDescriptor;
import io.edgeloop.agent.domain.ModelRuntime;
import io.edgeloop.agent.grpc.FleetChannels;
import io.grpc.Channel;
import io.opentelemetry.api.trace.Tracer;
import io.quarkus.arc.Arc;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * An agent that serves nothing has not started ONNX Runtime and runs no OpenTelemetry SDK (no trace exporter is
 * configured); its first model starts ONNX Runtime and is served (issue 15, the lean agent). Its start creates no
 * gRPC channel to the fleet: the fleet-sync and telemetry threads create them with their first call. Its own
 * profile: a fresh application with an empty model dir, fleet sync and telemetry sending off.
 */
@QuarkusTest
@TestProfile(IdleAgentTest.EmptyDevice.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class IdleAgentTest {

    /** An empty model dir of its own; no fleet sync or telemetry sending (nothing calls the fleet). */
    public static class EmptyDevice implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            try {
                return Map.of(
                        "edgeloop.agent.model-dir",
                        Files.createTempDirectory("agent-idle").toString(),
                        "edgeloop.agent.sync.enabled",
                        "false",
                        "edgeloop.agent.telemetry.enabled",
                        "false");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    @Inject
    ModelRuntime runtime;

    @Inject
    Tracer tracer;

    @Test
    @Order(1)
    void anIdleAgentAnswersWithoutOnnxRuntime() {
        given().get("/q/health/live").then().statusCode(200);
        given().get("/q/health/ready").then().statusCode(503);
        given().get("/status").then().statusCode(200).body("models", hasSize(0));
        given().get("/v2/health/ready").then().statusCode(400);
        given().contentType(ContentType.JSON)
                .body(
                        "{\"inputs\":[{\"name\":\"input\",\"shape\":[1,8],\"datatype\":\"FP32\",\"data\":[1,2,3,4,5,6,7,8]}]}")
                .post("/v2/models/vibration/infer")
                .then()
                .statusCode(404);
        // the version the agent registers with (the jar's), read without starting ONNX Runtime
        assertEquals(OrtEnvironment.class.getPackage().getImplementationVersion(), runtime.runtimeVersion());
        assertFalse(runtime.started(), "ONNX Runtime started by an agent serving nothing");
    }

    @Test
    @Order(2)
    void theStartCreatedNoChannelToTheFleet() {
        // the channels are @Singleton synthetic beans (quarkus-grpc), held by FleetChannels (application scoped)
        List<String> created = Stream.of(Singleton.class, ApplicationScoped.class)
                .flatMap(scope ->
                        Arc.container().getActiveContext(scope).getState().getContextualInstances().keySet().stream())
                .filter(bean -> bean.getTypes().contains(Channel.class)
                        || bean.getBeanClass().equals(FleetChannels.class))
                .map(Object::toString)
                .toList();
        assertEquals(List.of(), created, "created at start");
    }

    @Test
    @Order(3)
    void noTraceExporterMeansNoOpenTelemetrySdk() {
        assertEquals(true, ConfigProvider.getConfig().getValue("quarkus.otel.sdk.disabled", Boolean.class));
        // spans may still be created (Quarkus keeps a bare tracer provider), but nothing processes or exports them
        tracer.spanBuilder("probe").startSpan().end();
    }

    @Test
    @Order(4)
    void theFirstModelStartsOnnxRuntimeAndIsServed() throws Exception {
        Path file = Files.createTempFile("agent-idle", ".onnx");
        Files.write(file, TestModels.constant(8, 4, 1, "normal,imbalance,misalignment,bearing-fault"));
        var d = new ModelDescriptor(
                "dep-1", "vibration", 1, "vibration-v1", "e".repeat(64), "onnx", List.of(), 0, Instant.now());
        runtime.activate(LoadedModel.load(runtime.environment(), file, d, 1));
        assertTrue(runtime.started());
        assertEquals(OrtEnvironment.getEnvironment().getVersion(), runtime.runtimeVersion());

        given().contentType(ContentType.JSON)
                .body(
                        "{\"inputs\":[{\"name\":\"input\",\"shape\":[1,8],\"datatype\":\"FP32\",\"data\":[1,2,3,4,5,6,7,8]}]}")
                .post("/v2/models/vibration/infer")
                .then()
                .statusCode(200)
                .body("outputs.find { it.name == 'probabilities' }.shape", equalTo(List.of(1, 4)));
        given().get("/q/health/ready").then().statusCode(200);
    }
}
