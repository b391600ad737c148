package io.edgeloop.agent.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OrtEnvironment;
import com.google.protobuf.ByteString;
import io.edgeloop.agent.TestModels;
import io.edgeloop.common.Hashing;
import io.edgeloop.proto.deployment.v1.Assignment;
import io.edgeloop.proto.registry.v1.DownloadChunk;
import io.grpc.Status;
import io.opentelemetry.api.trace.TracerProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelUpdaterTest {
    private static final String LABELS = "normal,imbalance,misalignment,bearing-fault";
    private static final int CHUNK = 32;

    @TempDir
    Path dir;

    /** Artifacts the fake registry serves, by sha256 (the bytes may deliberately not match the key). */
    private final Map<String, byte[]> served = new ConcurrentHashMap<>();
    /** Offsets the updater asked for. */
    private final List<Long> requestedOffsets = new ArrayList<>();
    /** When >= 0, the next download fails with UNAVAILABLE after this many chunks. */
    private int failAfterChunks = -1;

    private final List<String> reports = new ArrayList<>();
    private final Instant now = Instant.parse("2030-01-02T03:04:05Z");
    private final List<ModelRuntime> runtimes = new ArrayList<>();

    @AfterEach
    void close() {
        runtimes.forEach(ModelRuntime::close);
    }

    private Iterator<DownloadChunk> download(String sha, long offset) {
        requestedOffsets.add(offset);
        byte[] bytes = served.get(sha);
        if (bytes == null) {
            throw Status.NOT_FOUND.withDescription("no artifact " + sha).asRuntimeException();
        }
        List<DownloadChunk> chunks = new ArrayList<>();
        for (long pos = offset; pos < bytes.length; pos += CHUNK) {
            int end = (int) Math.min(bytes.length, pos + CHUNK);
            chunks.add(DownloadChunk.newBuilder()
                    .setOffset(pos)
                    .setData(ByteString.copyFrom(Arrays.copyOfRange(bytes, (int) pos, end)))
                    .setTotalSize(bytes.length)
                    .setSha256(sha)
                    .build());
        }
        int failAt = failAfterChunks;
        failAfterChunks = -1;
        Iterator<DownloadChunk> it = chunks.iterator();
        return new Iterator<>() {
            int sent;

            @Override
            public boolean hasNext() {
                if (failAt >= 0 && sent == failAt) {
                    throw Status.UNAVAILABLE.withDescription("connection reset").asRuntimeException();
                }
                return it.hasNext();
            }

            @Override
            public DownloadChunk next() {
                sent++;
                return it.next();
            }
        };
    }

    private ModelUpdater updater(ModelRuntime runtime, ModelStore store) {
        return new ModelUpdater(
                store,
                runtime,
                this::download,
                (a, state, msg) -> reports.add(a.getDeploymentId() + ":" + state),
                TracerProvider.noop().get("test"),
                1,
                3,
                Duration.ofMillis(1),
                Clock.fixed(now, ZoneOffset.UTC));
    }

    private ModelRuntime newRuntime() {
        ModelRuntime r = new ModelRuntime(OrtEnvironment.getEnvironment());
        runtimes.add(r);
        return r;
    }

    private static Assignment assignment(String deployment, int version, byte[] bytes, String sha) {
        return Assignment.newBuilder()
                .setDeploymentId(deployment)
                .setModelName("vibration")
                .setModelVersion(version)
                .setVariantId("vibration-v" + version + "-fp32")
                .setArtifactSha256(sha)
                .setSizeBytes(bytes.length)
                .setFormat("onnx")
                .setTraceparent("00-" + "ab".repeat(16) + "-" + "cd".repeat(8) + "-01")
                .build();
    }

    private static final float[] X = {0.3f, 0.28f, 0.2f, 0.9f, 3f, 3f, 25f, 40f};

    @Test
    void activatesVerifiedModelAndRestoresItOffline() throws Exception {
        byte[] model = TestModels.constant(8, 4, 2, LABELS);
        String sha = Hashing.sha256Hex(model);
        served.put(sha, model);
        ModelStore store = new ModelStore(dir);
        ModelRuntime runtime = newRuntime();

        assertEquals(ModelUpdater.Outcome.ACTIVATED, updater(runtime, store).apply(assignment("d1", 1, model, sha)));
        assertEquals(List.of("d1:DOWNLOADING", "d1:ACTIVE"), reports);
        Prediction p = runtime.infer(X);
        assertEquals("misalignment", p.label());
        assertEquals(now, p.model().activatedAt());
        assertTrue(Files.exists(store.modelFile(sha, "onnx")));
        assertFalse(Files.exists(store.partialFile(sha)));

        // the same deployment again (e.g. re-sent on reconnect): no download, ACTIVE re-reported
        assertEquals(
                ModelUpdater.Outcome.ALREADY_ACTIVE, updater(runtime, store).apply(assignment("d1", 1, model, sha)));
        assertEquals(1, requestedOffsets.size());

        // a restart loads the recorded model with no network at all
        served.clear();
        ModelRuntime restarted = newRuntime();
        var restored = updater(restarted, new ModelStore(dir)).restore();
        assertEquals("d1", restored.orElseThrow().deploymentId());
        assertEquals("misalignment", restarted.infer(X).label());
    }

    @Test
    void shaMismatchDeletesTheDownloadAndKeepsTheOldModel() throws Exception {
        byte[] good = TestModels.constant(8, 4, 0, LABELS);
        String goodSha = Hashing.sha256Hex(good);
        served.put(goodSha, good);
        ModelStore store = new ModelStore(dir);
        ModelRuntime runtime = newRuntime();
        ModelUpdater updater = updater(runtime, store);
        assertEquals(ModelUpdater.Outcome.ACTIVATED, updater.apply(assignment("d1", 1, good, goodSha)));

        byte[] tampered = TestModels.constant(8, 4, 3, LABELS);
        String claimed = Hashing.sha256Hex("what the registry should have sent".getBytes());
        served.put(claimed, tampered);
        reports.clear();
        assertEquals(ModelUpdater.Outcome.FAILED, updater.apply(assignment("d2", 2, tampered, claimed)));

        assertEquals(List.of("d2:DOWNLOADING", "d2:FAILED"), reports);
        assertFalse(Files.exists(store.partialFile(claimed)), "the bad download is deleted");
        assertFalse(Files.exists(store.modelFile(claimed, "onnx")));
        Prediction p = runtime.infer(X);
        assertEquals(1, p.model().modelVersion(), "the old model keeps serving");
        assertEquals("normal", p.label());
        assertEquals("d1", store.readActive().orElseThrow().deploymentId());
    }

    @Test
    void resumesFromThePartialFileOnDisk() throws Exception {
        byte[] model = TestModels.linear(8, new float[] {0.5f, 0f, 0f, 0f}, 0.3f, 11, LABELS);
        String sha = Hashing.sha256Hex(model);
        served.put(sha, model);
        ModelStore store = new ModelStore(dir);
        // a previous run got a quarter of the bytes before it stopped
        int partial = model.length / 4;
        Files.write(store.partialFile(sha), Arrays.copyOf(model, partial));
        // and this run's first stream breaks after 2 chunks: the retry resumes again
        failAfterChunks = 2;
        ModelRuntime runtime = newRuntime();

        assertEquals(ModelUpdater.Outcome.ACTIVATED, updater(runtime, store).apply(assignment("d1", 1, model, sha)));
        assertTrue(model.length > partial + 3 * CHUNK, "the model spans several chunks");
        assertEquals(List.of((long) partial, (long) partial + 2 * CHUNK), requestedOffsets);
        assertEquals(sha, Hashing.sha256Hex(store.modelFile(sha, "onnx")));
        assertEquals(1, runtime.infer(X).model().modelVersion());
    }

    @Test
    void unknownArtifactFailsWithoutTouchingTheRuntime() throws Exception {
        ModelRuntime runtime = newRuntime();
        byte[] bytes = new byte[10];
        String sha = Hashing.sha256Hex(bytes);
        assertEquals(
                ModelUpdater.Outcome.FAILED,
                updater(runtime, new ModelStore(dir)).apply(assignment("d9", 9, bytes, sha)));
        assertEquals(List.of("d9:DOWNLOADING", "d9:FAILED"), reports);
        assertEquals(1, requestedOffsets.size(), "NOT_FOUND is not retried");
        assertTrue(runtime.active().isEmpty());
    }
}
