package io.edgeloop.agent.grpc;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgeloop.agent.TestModels;
import io.edgeloop.common.Hashing;
import io.edgeloop.proto.deployment.v1.Assignment;
import io.edgeloop.proto.deployment.v1.DeviceModelState;
import io.edgeloop.proto.deployment.v1.DeviceServiceGrpc;
import io.edgeloop.proto.deployment.v1.DeviceStateReport;
import io.edgeloop.proto.deployment.v1.EnrollRequest;
import io.edgeloop.proto.deployment.v1.RegisterDeviceRequest;
import io.edgeloop.proto.inference.GRPCInferenceServiceGrpc;
import io.edgeloop.proto.inference.ModelInferRequest;
import io.edgeloop.proto.inference.ServerReadyRequest;
import io.edgeloop.proto.model.v1.ModelSignature;
import io.edgeloop.proto.model.v1.TensorSpec;
import io.edgeloop.proto.registry.v1.ArtifactServiceGrpc;
import io.edgeloop.proto.telemetry.v1.TelemetryServiceGrpc;
import io.edgeloop.proto.telemetry.v1.TelemetryWindow;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The agent against test doubles of the control plane: it registers, watches, downloads and verifies (sha256 and the
 * registry's Ed25519 signature, with the key fetched from GetSigningKeys and cached on disk) an assigned model, swaps
 * it in, reports DOWNLOADING then ACTIVE (in the assignment's trace), serves it, sends telemetry, re-registers when
 * the watch stream ends, and on an unassigned assignment unloads the model (UNLOADED reported, REST 503 and KServe
 * UNAVAILABLE, the record of the active model deleted, no more telemetry). Every call to the control plane carries
 * the agent's own device credential ({@code edgeloop.auth.token}).
 */
@QuarkusTest
@TestProfile(FleetSyncTest.ControlPlane.class)
class FleetSyncTest {
    private static final long WAIT_S = 20;

    /** Points the gRPC clients at the doubles on this application's own gRPC server; a fresh model dir. */
    public static class ControlPlane implements QuarkusTestProfile {
        /**
         * The model dir, created once and kept in a system property: Quarkus may ask for the overrides more than
         * once and loads this class in more than one class loader.
         */
        static Path modelDir() throws IOException {
            synchronized (System.class) {
                String dir = System.getProperty("edgeloop.test.sync-model-dir");
                if (dir == null) {
                    dir = Files.createTempDirectory("agent-sync").toString();
                    System.setProperty("edgeloop.test.sync-model-dir", dir);
                }
                return Path.of(dir);
            }
        }

        @Override
        public Map<String, String> getConfigOverrides() {
            try {
                Map<String, String> overrides = new HashMap<>(Map.of(
                        "edgeloop.agent.require-signature",
                        "true",
                        "quarkus.grpc.clients.devices.test-port",
                        "29090",
                        "quarkus.grpc.clients.registry.test-port",
                        "29090",
                        "quarkus.grpc.clients.telemetry.test-port",
                        "29090",
                        "edgeloop.agent.device-id",
                        "edge-sync-1",
                        "edgeloop.agent.labels.site",
                        "plant-9",
                        "edgeloop.agent.sync.initial-backoff",
                        "100ms",
                        "edgeloop.agent.memory-budget-mb",
                        "64",
                        "edgeloop.agent.max-models",
                        "3",
                        "edgeloop.agent.model-dir",
                        modelDir().toString()));
                // no credential yet: the agent enrolls with its one-time token and keeps the credential in a file
                overrides.put("edgeloop.auth.token", "");
                overrides.put(
                        "edgeloop.auth.token-file",
                        modelDir()
                                .resolveSibling(modelDir().getFileName() + ".credential")
                                .toString());
                overrides.put("edgeloop.agent.enrollment-token", FakeControlPlane.ENROLLMENT_TOKEN);
                // every session gets the runtime settings (the models below are served with them)
                overrides.put("edgeloop.agent.runtime.intra-op-threads", "2");
                overrides.put("edgeloop.agent.runtime.arena-allocator", "false");
                overrides.put("edgeloop.agent.runtime.memory-pattern", "false");
                // tracing on, as with a collector configured (the launcher's agents): without an exporter endpoint
                // the agent runs no OpenTelemetry SDK (TracingDefaults) and reports would carry no trace
                overrides.put("quarkus.otel.sdk.disabled", "false");
                return overrides;
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    @GrpcClient("kserve")
    GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub kserve;

    @Test
    void followsAssignmentsFromTheControlPlane() throws Exception {
        RegisterDeviceRequest registration = FakeControlPlane.REGISTRATIONS.poll(WAIT_S, TimeUnit.SECONDS);
        assertNotNull(registration, "the agent registers at start");
        assertEquals("edge-sync-1", registration.getDeviceId());
        assertEquals("plant-9", registration.getLabelsMap().get("site"));
        assertEquals("onnxruntime", registration.getCapabilities().getRuntime());
        assertEquals(26, registration.getCapabilities().getMaxOpset());
        assertEquals(
                List.of("ai.onnx.ml", "com.microsoft"),
                registration.getCapabilities().getOpDomainsList());
        assertTrue(registration.getCapabilities().getTensorDatatypesList().containsAll(List.of("FP32", "INT64")));
        assertEquals(64, registration.getCapabilities().getModelMemoryBudgetMb());
        assertEquals(3, registration.getCapabilities().getMaxModels());
        awaitWatch();

        byte[] model = TestModels.constant(8, 4, 1, "normal,imbalance,misalignment,bearing-fault");
        String sha = Hashing.sha256Hex(model);
        FakeControlPlane.ARTIFACTS.put(sha, model);
        String traceId = "0af7651916cd43dd8448eb211c80319c";
        FakeControlPlane.REFUSED_REPORTS.set(2); // a busy service: the DOWNLOADING report is retried, in order
        FakeControlPlane.WATCH
                .get()
                .onNext(Assignment.newBuilder()
                        .setDeploymentId("dep-42")
                        .setModelName("vibration")
                        .setModelVersion(2)
                        .setVariantId("vibration-v2-fp32")
                        .setArtifactSha256(sha)
                        .setSizeBytes(model.length)
                        .setFormat("onnx")
                        .setTraceparent("00-" + traceId + "-b7ad6b7169203331-01")
                        .setDownloadGrant("grant-for-" + sha)
                        .build());

        DeviceStateReport downloading = FakeControlPlane.REPORTS.poll(WAIT_S, TimeUnit.SECONDS);
        DeviceStateReport active = FakeControlPlane.REPORTS.poll(WAIT_S, TimeUnit.SECONDS);
        assertNotNull(active, "ACTIVE reported");
        assertEquals(DeviceModelState.DOWNLOADING, downloading.getState());
        assertEquals(DeviceModelState.ACTIVE, active.getState());
        assertEquals(0, FakeControlPlane.REFUSED_REPORTS.get(), "both refusals were met by retries");
        assertEquals("dep-42", active.getDeploymentId());
        assertEquals("edge-sync-1", active.getDeviceId());
        assertEquals(traceId, FakeControlPlane.REPORT_TRACE_IDS.poll(), "reports join the assignment's trace");
        assertEquals("registry-test-key", FakeControlPlane.KEY_REQUESTS.poll(), "the signing key was fetched");
        assertTrue(
                Files.readString(ControlPlane.modelDir().resolve("trusted-keys.json"))
                        .contains("registry-test-key"),
                "and cached on disk");
        assertTrue(
                Files.readString(ControlPlane.modelDir().resolve("active/vibration.json"))
                        .contains(FakeControlPlane.sign(sha)),
                "the verified signature is recorded with the active model");

        given().get("/status")
                .then()
                .statusCode(200)
                .body("deviceId", equalTo("edge-sync-1"))
                .body("deploymentId", equalTo("dep-42"))
                .body("modelVersion", equalTo(2))
                .body("artifactSha256", equalTo(sha))
                .body("connected", equalTo(true));
        given().contentType(ContentType.JSON)
                .body("{\"features\":[0.3,0.28,0.2,0.9,3.0,3.0,25.0,40.0]}")
                .post("/infer")
                .then()
                .statusCode(200)
                .body("label", equalTo("imbalance"));

        TelemetryWindow window = FakeControlPlane.WINDOWS.poll(WAIT_S, TimeUnit.SECONDS);
        assertNotNull(window, "a telemetry window is sent");
        assertEquals("edge-sync-1", window.getDeviceId());
        assertEquals("vibration", window.getModelName());
        assertEquals(2, window.getModelVersion());
        assertEquals("dep-42", window.getDeploymentId());
        assertEquals(1, window.getInferenceCount());
        assertEquals(8, window.getFeatureStatsCount());
        assertEquals(1, window.getPredictedClassCountsMap().get("imbalance"));
        assertCallsCarryTheDeviceCredential(sha);

        // the server ends the stream: the agent re-registers (the response carries its desired state per model:
        // the served deployment, re-confirmed ACTIVE without a download) and watches again
        FakeControlPlane.REGISTER_ASSIGNMENTS.add(Assignment.newBuilder()
                .setDeploymentId("dep-42")
                .setModelName("vibration")
                .setModelVersion(2)
                .setArtifactSha256(sha)
                .build());
        FakeControlPlane.DOWNLOADS.clear();
        var old = FakeControlPlane.WATCH.getAndSet(null);
        old.onCompleted();
        RegisterDeviceRequest again = FakeControlPlane.REGISTRATIONS.poll(WAIT_S, TimeUnit.SECONDS);
        assertNotNull(again, "re-registered after the stream ended");
        awaitWatch();
        given().get("/status").then().statusCode(200).body("connected", equalTo(true));
        DeviceStateReport confirmed = FakeControlPlane.REPORTS.poll(WAIT_S, TimeUnit.SECONDS);
        assertNotNull(confirmed, "the registration's assignment is applied");
        assertEquals(DeviceModelState.ACTIVE, confirmed.getState());
        assertEquals("already active", confirmed.getMessage());
        assertTrue(FakeControlPlane.DOWNLOADS.isEmpty());
        FakeControlPlane.REGISTER_ASSIGNMENTS.clear();
        assertNull(FakeControlPlane.REPORTS.poll(300, TimeUnit.MILLISECONDS), "nothing else to report");

        // the rollout of the device's first-ever deployment is rolled back: run no model
        assertTrue(kserve.serverReady(ServerReadyRequest.getDefaultInstance()).getReady());
        FakeControlPlane.WATCH
                .get()
                .onNext(Assignment.newBuilder()
                        .setUnassigned(true)
                        .setDeploymentId("dep-42")
                        .setRolloutId("dep-42")
                        .setReason("rollout dep-42 was rolled back and the device has no earlier deployment")
                        .setTraceparent("00-" + traceId + "-b7ad6b7169203331-01")
                        .build());
        DeviceStateReport unloaded = FakeControlPlane.REPORTS.poll(WAIT_S, TimeUnit.SECONDS);
        assertNotNull(unloaded, "UNLOADED reported");
        assertEquals(DeviceModelState.UNLOADED, unloaded.getState());
        assertEquals("dep-42", unloaded.getDeploymentId());
        // the same "no model" answers as before any assignment
        given().contentType(ContentType.JSON)
                .body("{\"features\":[0.3,0.28,0.2,0.9,3.0,3.0,25.0,40.0]}")
                .post("/infer")
                .then()
                .statusCode(503)
                .contentType("application/problem+json")
                .body("detail", containsString("no model is loaded"));
        StatusRuntimeException grpc = assertThrows(
                StatusRuntimeException.class,
                () -> kserve.modelInfer(
                        ModelInferRequest.newBuilder().setModelName("vibration").build()));
        assertEquals(Status.Code.UNAVAILABLE, grpc.getStatus().getCode());
        assertFalse(kserve.serverReady(ServerReadyRequest.getDefaultInstance()).getReady());
        given().get("/status").then().statusCode(200).body("deploymentId", nullValue());
        given().get("/q/health/ready").then().statusCode(503);
        // forgotten on disk (a restart loads nothing); the artifact may stay cached
        assertFalse(Files.exists(ControlPlane.modelDir().resolve("active/vibration.json")));
        assertTrue(Files.exists(ControlPlane.modelDir().resolve(sha + ".onnx")));
        assertNull(FakeControlPlane.WINDOWS.poll(1500, TimeUnit.MILLISECONDS), "no telemetry after the unload");

        severalModelsAreServedAndRefusedIndependently(model, sha);
    }

    /**
     * An assignment the device cannot run is refused before any download; two models are then served at once and
     * unassigning one leaves the other serving.
     */
    private void severalModelsAreServedAndRefusedIndependently(byte[] vibration, String vibrationSha) throws Exception {
        byte[] cnn = TestModels.flattenLinear(new long[] {4, 10}, 3, 4, null);
        String cnnSha = Hashing.sha256Hex(cnn);
        FakeControlPlane.ARTIFACTS.put(cnnSha, cnn);
        FakeControlPlane.DOWNLOADS.clear();
        Assignment cnnAssignment = Assignment.newBuilder()
                .setDeploymentId("dep-50")
                .setModelName("cnn1d")
                .setModelVersion(1)
                .setVariantId("cnn1d-v1-fp32")
                .setArtifactSha256(cnnSha)
                .setSizeBytes(cnn.length)
                .setFormat("onnx")
                .addAllClassLabels(List.of("x", "y", "z"))
                .setSignatureSpec(ModelSignature.newBuilder()
                        .addInputs(TensorSpec.newBuilder()
                                .setName("input")
                                .setDatatype("FP32")
                                .addAllShape(List.of(-1L, 4L, 10L)))
                        .setOpset(13)
                        .setOutputKind("classification"))
                .build();
        Assignment tooNew = cnnAssignment.toBuilder()
                .setDeploymentId("dep-49")
                .setSignatureSpec(cnnAssignment.getSignatureSpec().toBuilder().setOpset(99))
                .build();
        FakeControlPlane.WATCH.get().onNext(tooNew);
        DeviceStateReport refused = FakeControlPlane.REPORTS.poll(WAIT_S, TimeUnit.SECONDS);
        assertNotNull(refused, "REFUSED reported");
        assertEquals(DeviceModelState.REFUSED, refused.getState());
        assertEquals("cnn1d", refused.getModelName());
        assertTrue(refused.getMessage().contains("opset 99"), refused.getMessage());
        assertTrue(FakeControlPlane.DOWNLOADS.isEmpty(), "nothing was downloaded");

        FakeControlPlane.WATCH
                .get()
                .onNext(Assignment.newBuilder()
                        .setDeploymentId("dep-43")
                        .setModelName("vibration")
                        .setModelVersion(3)
                        .setVariantId("vibration-v3-fp32")
                        .setArtifactSha256(vibrationSha)
                        .setSizeBytes(vibration.length)
                        .setSignature(FakeControlPlane.sign(vibrationSha))
                        .setSigningKeyId(FakeControlPlane.KEY_ID)
                        .build());
        FakeControlPlane.WATCH.get().onNext(cnnAssignment);
        Map<String, DeviceModelState> last = new java.util.HashMap<>();
        while (last.size() < 2 || last.containsValue(DeviceModelState.DOWNLOADING)) {
            DeviceStateReport r = FakeControlPlane.REPORTS.poll(WAIT_S, TimeUnit.SECONDS);
            assertNotNull(r, "reports of both models, got " + last);
            last.put(r.getModelName(), r.getState());
        }
        assertEquals(Map.of("vibration", DeviceModelState.ACTIVE, "cnn1d", DeviceModelState.ACTIVE), last);
        given().get("/status").then().statusCode(200).body("models.modelName", equalTo(List.of("cnn1d", "vibration")));
        given().contentType(ContentType.JSON)
                .body("{\"features\":" + java.util.Arrays.toString(new float[40]) + "}")
                .post("/models/cnn1d/infer")
                .then()
                .statusCode(200)
                .body("label", org.hamcrest.Matchers.in(List.of("x", "y", "z")));

        // a version over the device's memory budget (64 MiB) is refused before download, with the reason reported,
        // and the served version keeps serving
        FakeControlPlane.DOWNLOADS.clear();
        FakeControlPlane.WATCH
                .get()
                .onNext(cnnAssignment.toBuilder()
                        .setDeploymentId("dep-51")
                        .setModelVersion(2)
                        .setRamBytes(100L << 20)
                        .build());
        DeviceStateReport overBudget = FakeControlPlane.REPORTS.poll(WAIT_S, TimeUnit.SECONDS);
        assertNotNull(overBudget, "REFUSED reported");
        assertEquals(DeviceModelState.REFUSED, overBudget.getState());
        assertEquals("dep-51", overBudget.getDeploymentId());
        assertTrue(
                overBudget.getMessage().contains("needs 100.0 MiB of RAM and the memory budget leaves"),
                overBudget.getMessage());
        assertTrue(FakeControlPlane.DOWNLOADS.isEmpty(), "nothing was downloaded");
        given().get("/v2/models/cnn1d").then().statusCode(200).body("versions", equalTo(List.of("1")));
        // the device's own /q/metrics counts both refusals of cnn1d (opset 99, this one) next to its activation
        String metrics =
                given().get("/q/metrics").then().statusCode(200).extract().asString();
        assertTrue(
                java.util.regex.Pattern.compile(
                                "(?m)^edgeloop_device_model_updates_total\\{model=\"cnn1d\",outcome=\"refused\",?} 2\\.0$")
                        .matcher(metrics)
                        .find(),
                metrics);
        assertTrue(metrics.contains("edgeloop_device_model_updates_total{model=\"cnn1d\",outcome=\"active\""), metrics);

        // unassigning cnn1d leaves vibration serving
        FakeControlPlane.WATCH
                .get()
                .onNext(Assignment.newBuilder()
                        .setUnassigned(true)
                        .setModelName("cnn1d")
                        .setDeploymentId("dep-50")
                        .build());
        DeviceStateReport unloaded = FakeControlPlane.REPORTS.poll(WAIT_S, TimeUnit.SECONDS);
        assertNotNull(unloaded);
        assertEquals(DeviceModelState.UNLOADED, unloaded.getState());
        assertEquals("cnn1d", unloaded.getModelName());
        given().get("/v2/models/cnn1d/ready").then().statusCode(404);
        given().get("/v2/models/vibration/ready").then().statusCode(200);
        given().contentType(ContentType.JSON)
                .body("{\"features\":[0.3,0.28,0.2,0.9,3.0,3.0,25.0,40.0]}")
                .post("/infer?model=vibration")
                .then()
                .statusCode(200)
                .body("label", equalTo("imbalance"));
        assertTrue(Files.exists(ControlPlane.modelDir().resolve("active/vibration.json")));
        assertFalse(Files.exists(ControlPlane.modelDir().resolve("active/cnn1d.json")));
    }

    /**
     * The agent enrolled once, anonymously, with its one-time token; then registration, watch, reports, key fetch,
     * download (with the assignment's grant) and telemetry all went out with the credential it received, which it
     * keeps in its token file (owner-only).
     */
    private static void assertCallsCarryTheDeviceCredential(String sha) throws IOException {
        EnrollRequest enrollment = FakeControlPlane.ENROLLMENTS.poll();
        assertNotNull(enrollment, "the agent enrolled");
        assertEquals("edge-sync-1", enrollment.getDeviceId());
        assertEquals(FakeControlPlane.ENROLLMENT_TOKEN, enrollment.getEnrollmentToken());
        assertEquals(
                "<none>",
                FakeControlPlane.CREDENTIALS.get(
                        DeviceServiceGrpc.getEnrollMethod().getFullMethodName()));
        assertEquals("grant-for-" + sha, FakeControlPlane.GRANTS.get(sha), "the download carried the grant");
        Path credentialFile =
                ControlPlane.modelDir().resolveSibling(ControlPlane.modelDir().getFileName() + ".credential");
        assertEquals(
                FakeControlPlane.ENROLLED.get(),
                Files.readString(credentialFile).strip());
        assertEquals(
                "rw-------",
                java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(credentialFile)));
        String expected = "Bearer " + FakeControlPlane.ENROLLED.get();
        for (String method : List.of(
                DeviceServiceGrpc.getRegisterMethod().getFullMethodName(),
                DeviceServiceGrpc.getWatchAssignmentsMethod().getFullMethodName(),
                DeviceServiceGrpc.getReportStateMethod().getFullMethodName(),
                ArtifactServiceGrpc.getGetSigningKeysMethod().getFullMethodName(),
                ArtifactServiceGrpc.getDownloadMethod().getFullMethodName(),
                TelemetryServiceGrpc.getReportMethod().getFullMethodName())) {
            assertEquals(expected, FakeControlPlane.CREDENTIALS.get(method), method);
        }
    }

    private static void awaitWatch() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_S);
        while (FakeControlPlane.WATCH.get() == null && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertNotNull(FakeControlPlane.WATCH.get(), "the agent opens a watch stream");
    }
}
