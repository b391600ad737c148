package io.edgeloop.agent.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OrtEnvironment;
import com.google.protobuf.ByteString;
import io.edgeloop.agent.TestModels;
import io.edgeloop.common.Hashing;
import io.edgeloop.proto.deployment.v1.Assignment;
import io.edgeloop.proto.deployment.v1.DeviceCapabilities;
import io.edgeloop.proto.model.v1.ModelSignature;
import io.edgeloop.proto.model.v1.TensorSpec;
import io.edgeloop.proto.registry.v1.DownloadChunk;
import io.opentelemetry.api.trace.TracerProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several models on one device: one slot per model name, swaps and unloads of one never disturb another (also under
 * concurrent inference), one record per model on disk (legacy record migrated), offline restore of every model,
 * pruning that keeps every slot's artifacts, and assignments refused before download when the device cannot run
 * them.
 */
class MultiModelTest {
    private static final String LABELS = "normal,imbalance,misalignment,bearing-fault";

    @TempDir
    Path dir;

    private final Map<String, byte[]> served = new ConcurrentHashMap<>();
    private final List<String> downloads = new CopyOnWriteArrayList<>();
    private final List<String> reports = new CopyOnWriteArrayList<>();
    private final List<ModelRuntime> runtimes = new ArrayList<>();

    @AfterEach
    void close() {
        runtimes.forEach(ModelRuntime::close);
    }

    private ModelRuntime newRuntime() {
        ModelRuntime r = new ModelRuntime(OrtEnvironment.getEnvironment());
        runtimes.add(r);
        return r;
    }

    private ModelUpdater updater(ModelRuntime runtime, ModelStore store, DeviceLimits limits) {
        ArtifactSource source = (sha, offset) -> {
            downloads.add(sha);
            byte[] b = served.get(sha);
            return List.of(DownloadChunk.newBuilder()
                            .setOffset(0)
                            .setData(ByteString.copyFrom(b))
                            .build())
                    .iterator();
        };
        return new ModelUpdater(
                store,
                runtime,
                source,
                new SignatureVerifier(new TrustedKeys(store.dir(), List::of), false),
                (a, state, message) ->
                        reports.add(a.getModelName() + ":" + state + (message.isBlank() ? "" : ":" + message)),
                TracerProvider.noop().get("test"),
                SessionSettings.DEFAULT,
                1,
                Duration.ZERO,
                Clock.systemUTC(),
                limits);
    }

    private Assignment assignment(String model, String deployment, byte[] bytes) {
        String sha = Hashing.sha256Hex(bytes);
        served.put(sha, bytes);
        return Assignment.newBuilder()
                .setDeploymentId(deployment)
                .setModelName(model)
                .setModelVersion(1)
                .setVariantId(model + "-" + deployment)
                .setArtifactSha256(sha)
                .setSizeBytes(bytes.length)
                .setFormat("onnx")
                .build();
    }

    @Test
    void eachModelHasItsOwnSlotRecordAndArtifacts() throws Exception {
        ModelStore store = new ModelStore(dir);
        ModelRuntime runtime = newRuntime();
        ModelUpdater updater = updater(runtime, store, DeviceLimits.onnxRuntime(0, 0));
        byte[] a1 = TestModels.constant(8, 4, 0, LABELS);
        byte[] a2 = TestModels.constant(8, 4, 1, LABELS);
        byte[] a3 = TestModels.constant(8, 4, 3, LABELS);
        byte[] b1 = TestModels.flattenLinear(new long[] {4, 10}, 3, 1, "x,y,z");
        assertEquals(ModelUpdater.Outcome.ACTIVATED, updater.apply(assignment("vibration", "a1", a1)));
        assertEquals(ModelUpdater.Outcome.ACTIVATED, updater.apply(assignment("cnn", "b1", b1)));
        assertEquals(ModelUpdater.Outcome.ACTIVATED, updater.apply(assignment("vibration", "a2", a2)));
        assertEquals(ModelUpdater.Outcome.ACTIVATED, updater.apply(assignment("vibration", "a3", a3)));
        assertEquals(
                List.of("cnn", "vibration"),
                runtime.models().stream().map(m -> m.descriptor().modelName()).toList());
        assertEquals("b1", store.readActive("cnn").orElseThrow().deploymentId());
        assertEquals("a3", store.readActive("vibration").orElseThrow().deploymentId());
        // a1 pruned; a2 (previous of vibration), a3 and b1 kept
        assertFalse(Files.exists(store.modelFile(Hashing.sha256Hex(a1), "onnx")));
        for (byte[] kept : List.of(a2, a3, b1)) {
            assertTrue(Files.exists(store.modelFile(Hashing.sha256Hex(kept), "onnx")));
        }

        // unassigning one model leaves the other serving, on disk and after a restart
        Assignment unassign = Assignment.newBuilder()
                .setUnassigned(true)
                .setModelName("vibration")
                .setDeploymentId("a3")
                .build();
        assertEquals(ModelUpdater.Outcome.UNLOADED, updater.apply(unassign));
        assertTrue(runtime.get("vibration").isEmpty());
        assertTrue(List.of("x", "y", "z")
                .contains(runtime.infer("cnn", new float[40]).label()));
        ModelRuntime restarted = newRuntime();
        var restored = updater(restarted, new ModelStore(dir), DeviceLimits.onnxRuntime(0, 0))
                .restore();
        assertEquals(
                List.of("cnn"),
                restored.stream().map(ModelDescriptor::modelName).toList());
        assertEquals(3, restarted.infer("cnn", new float[40]).probabilities().length);

        // an unassignment without a model name unloads every model
        updater.apply(assignment("vibration", "a4", a1));
        assertEquals(2, runtime.models().size());
        assertEquals(
                ModelUpdater.Outcome.UNLOADED,
                updater.apply(Assignment.newBuilder()
                        .setUnassigned(true)
                        .setDeploymentId("x")
                        .build()));
        assertTrue(runtime.models().isEmpty());
        assertTrue(store.readAll().isEmpty());
    }

    @Test
    void aLegacySingleModelRecordIsMigratedAndRestored() throws Exception {
        byte[] bytes = TestModels.constant(8, 4, 2, LABELS);
        String sha = Hashing.sha256Hex(bytes);
        Files.write(dir.resolve(sha + ".onnx"), bytes);
        Files.writeString(
                dir.resolve("active.json"),
                "{\"deploymentId\":\"d0\",\"modelName\":\"vibration\","
                        + "\"modelVersion\":3,\"variantId\":\"v3\",\"artifactSha256\":\"" + sha
                        + "\",\"format\":\"onnx\","
                        + "\"classLabels\":[],\"featureCount\":8}");
        ModelStore store = new ModelStore(dir);
        assertFalse(Files.exists(dir.resolve("active.json")));
        assertTrue(Files.exists(dir.resolve("active/vibration.json")));
        ModelRuntime runtime = newRuntime();
        assertEquals(
                1,
                updater(runtime, store, DeviceLimits.onnxRuntime(0, 0))
                        .restore()
                        .size());
        assertEquals("misalignment", runtime.infer(new float[8]).label());
    }

    @Test
    void assignmentsTheDeviceCannotRunAreRefusedBeforeDownload() throws Exception {
        ModelStore store = new ModelStore(dir);
        ModelRuntime runtime = newRuntime();
        ModelUpdater updater = updater(runtime, store, DeviceLimits.onnxRuntime(1, 2));
        byte[] a = TestModels.constant(8, 4, 0, LABELS);
        byte[] b = TestModels.constant(8, 4, 1, LABELS);
        Assignment first =
                assignment("a", "a1", a).toBuilder().setRamBytes(600_000).build();
        assertEquals(ModelUpdater.Outcome.ACTIVATED, updater.apply(first));
        downloads.clear();
        reports.clear();

        ModelSignature spec = ModelSignature.newBuilder()
                .addInputs(TensorSpec.newBuilder()
                        .setName("input")
                        .setDatatype("FP32")
                        .addShape(-1)
                        .addShape(8))
                .setOpset(13)
                .build();
        Map<String, Assignment> refused = Map.of(
                "opset 30",
                        assignment("b", "b1", b).toBuilder()
                                .setSignatureSpec(spec.toBuilder().setOpset(30))
                                .build(),
                "operator domain ai.onnx.training",
                        assignment("b", "b2", b).toBuilder()
                                .setSignatureSpec(spec.toBuilder().addOpDomains("ai.onnx.training"))
                                .build(),
                "datatype BYTES",
                        assignment("b", "b3", b).toBuilder()
                                .setSignatureSpec(spec.toBuilder()
                                        .addInputs(TensorSpec.newBuilder()
                                                .setName("text")
                                                .setDatatype("BYTES")))
                                .build(),
                "memory budget leaves 0.4 MiB",
                        assignment("b", "b4", b).toBuilder()
                                .setRamBytes(600_000)
                                .setSignatureSpec(spec)
                                .build());
        for (var e : refused.entrySet()) {
            reports.clear();
            assertEquals(ModelUpdater.Outcome.REFUSED, updater.apply(e.getValue()), e.getKey());
            assertEquals(1, reports.size());
            assertTrue(reports.get(0).startsWith("b:REFUSED:refused before download: "), reports.get(0));
            assertTrue(reports.get(0).contains(e.getKey()), reports.get(0));
        }
        assertTrue(downloads.isEmpty(), "nothing was downloaded");
        assertEquals(
                List.of("a"),
                runtime.models().stream().map(m -> m.descriptor().modelName()).toList());

        // within the limits it activates; a third model exceeds max-models
        assertEquals(
                ModelUpdater.Outcome.ACTIVATED,
                updater.apply(assignment("b", "b5", b).toBuilder()
                        .setRamBytes(100_000)
                        .setSignatureSpec(spec)
                        .build()));
        reports.clear();
        assertEquals(ModelUpdater.Outcome.REFUSED, updater.apply(assignment("c", "c1", a)));
        assertTrue(reports.get(0).contains("max-models 2"), reports.get(0));
        // a new version of a served model is not a further model
        assertEquals(ModelUpdater.Outcome.ACTIVATED, updater.apply(assignment("b", "b6", a)));

        DeviceCapabilities caps = DeviceLimits.onnxRuntime(1, 2)
                .describe(DeviceCapabilities.newBuilder())
                .build();
        assertEquals(26, caps.getMaxOpset());
        assertEquals(List.of("ai.onnx.ml", "com.microsoft"), caps.getOpDomainsList());
        assertEquals(DataType.NAMES, caps.getTensorDatatypesList());
        assertEquals(1, caps.getModelMemoryBudgetMb());
        assertEquals(2, caps.getMaxModels());
    }

    /**
     * A new version of a served model that does not fit the memory budget (no ram_bytes estimate: counted by its
     * artifact size) is refused before download with the reason reported; the served version keeps serving.
     */
    @Test
    void aModelOverTheMemoryBudgetIsRefusedAndThePreviousVersionKeepsServing() throws Exception {
        ModelStore store = new ModelStore(dir);
        ModelRuntime runtime = newRuntime();
        ModelUpdater updater = updater(runtime, store, DeviceLimits.onnxRuntime(1, 0));
        byte[] small = TestModels.constant(8, 4, 2, LABELS);
        assertEquals(ModelUpdater.Outcome.ACTIVATED, updater.apply(assignment("a", "a1", small)));
        byte[] big = TestModels.linear(8, new float[] {0f, 0f, 0f, 0f}, 0.1f, 3, LABELS);
        // 1.5 MiB of padding in the model's doc string: its artifact is over the 1 MiB budget
        big = ai.onnx.proto.OnnxMl.ModelProto.parseFrom(big).toBuilder()
                .setDocString("x".repeat(3 << 19))
                .build()
                .toByteArray();
        downloads.clear();
        reports.clear();

        assertEquals(ModelUpdater.Outcome.REFUSED, updater.apply(assignment("a", "a2", big)));
        assertEquals(1, reports.size());
        assertTrue(
                reports.get(0)
                        .matches("a:REFUSED:refused before download: the model needs 1\\.5 MiB of RAM \\(at least its"
                                + " artifact size; no ram_bytes estimate\\) and the memory budget leaves 1\\.0 MiB.*"),
                reports.get(0));
        assertTrue(downloads.isEmpty(), "nothing was downloaded");
        assertEquals("a1", runtime.get("a").orElseThrow().descriptor().deploymentId());
        assertEquals("misalignment", runtime.infer("a", new float[8]).label());
        assertEquals("a1", store.readAll().get(0).deploymentId());

        // with a ram_bytes estimate that fits, the same artifact is accepted
        assertEquals(
                ModelUpdater.Outcome.ACTIVATED,
                updater.apply(assignment("a", "a3", big).toBuilder()
                        .setRamBytes(900_000)
                        .build()));
        assertEquals(900_000, runtime.get("a").orElseThrow().descriptor().ramBytes());
    }

    /**
     * Four threads infer on model A and four on model B while B is swapped and unloaded 100 times: A never fails and
     * always answers from A; B answers from B or "not served"; every retired session of B is closed.
     */
    @Test
    void swappingAndUnloadingOneModelNeverAffectsAnother() throws Exception {
        ModelRuntime runtime = newRuntime();
        byte[] a = TestModels.constant(8, 4, 0, LABELS);
        byte[] b1 = TestModels.constant(8, 4, 1, LABELS);
        byte[] b2 = TestModels.constant(8, 4, 2, LABELS);
        Path fa = Files.write(dir.resolve("a.onnx"), a);
        Path fb1 = Files.write(dir.resolve("b1.onnx"), b1);
        Path fb2 = Files.write(dir.resolve("b2.onnx"), b2);
        runtime.activate(LoadedModel.load(runtime.environment(), fa, LoadedModelTest.descriptor("a", 1), 1));
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong okA = new AtomicLong();
        AtomicLong okB = new AtomicLong();
        AtomicLong notServed = new AtomicLong();
        ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            boolean onA = t % 2 == 0;
            Thread th = new Thread(() -> {
                while (!stop.get()) {
                    try {
                        Prediction p = runtime.infer(onA ? "a" : "b", new float[8]);
                        int expected = onA ? 0 : p.model().modelVersion();
                        if (!p.model().modelName().equals(onA ? "a" : "b") || p.classIndex() != expected) {
                            failures.add(new AssertionError(p.model() + " predicted " + p.classIndex()));
                        }
                        (onA ? okA : okB).incrementAndGet();
                    } catch (ModelNotServedException e) {
                        if (onA) {
                            failures.add(e);
                        } else {
                            notServed.incrementAndGet();
                        }
                    } catch (Throwable e) {
                        failures.add(e);
                    }
                }
            });
            threads.add(th);
            th.start();
        }
        List<LoadedModel> retired = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            LoadedModel m1 = LoadedModel.load(runtime.environment(), fb1, LoadedModelTest.descriptor("b", 1), 1);
            LoadedModel m2 = LoadedModel.load(runtime.environment(), fb2, LoadedModelTest.descriptor("b", 2), 1);
            runtime.activate(m1);
            runtime.activate(m2);
            runtime.unload("b");
            retired.add(m1);
            retired.add(m2);
        }
        stop.set(true);
        for (Thread th : threads) {
            th.join();
        }
        assertTrue(failures.isEmpty(), () -> failures.size() + " failures, first: " + failures.peek());
        assertTrue(okA.get() > 0 && okB.get() + notServed.get() > 0, "A " + okA + ", B " + okB);
        assertTrue(retired.stream().allMatch(LoadedModel::isClosed), "retired sessions of B are closed");
        assertFalse(runtime.get("a").orElseThrow().isClosed());
    }
}
