package io.edgeloop.agent.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OrtEnvironment;
import com.google.protobuf.ByteString;
import io.edgeloop.agent.TestModels;
import io.edgeloop.common.Hashing;
import io.edgeloop.proto.deployment.v1.Assignment;
import io.edgeloop.proto.registry.v1.ArtifactRef;
import io.edgeloop.proto.registry.v1.DownloadChunk;
import io.edgeloop.proto.registry.v1.SigningKey;
import io.grpc.Status;
import io.opentelemetry.api.trace.TracerProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
    /** Signatures (base64) the fake registry serves in the first chunk and in GetArtifact, by sha256. */
    private final Map<String, String> servedSignatures = new ConcurrentHashMap<>();
    /** Key id the fake registry names for its signatures. */
    private String servedKeyId = "registry-key-1";
    /** Keys the fake registry's GetSigningKeys returns; null = the registry is unreachable. */
    private volatile List<SigningKey> registryKeys = new ArrayList<>();

    private final List<String> describeCalls = new ArrayList<>();
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
                    .setSignature(chunks.isEmpty() ? servedSignatures.getOrDefault(sha, "") : "")
                    .setSigningKeyId(chunks.isEmpty() && servedSignatures.containsKey(sha) ? servedKeyId : "")
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

    private Optional<ArtifactRef> describe(String sha) {
        describeCalls.add(sha);
        if (!served.containsKey(sha)) {
            throw Status.NOT_FOUND.withDescription("no artifact " + sha).asRuntimeException();
        }
        return Optional.of(ArtifactRef.newBuilder()
                .setSha256(sha)
                .setSignature(servedSignatures.getOrDefault(sha, ""))
                .setSigningKeyId(servedSignatures.containsKey(sha) ? servedKeyId : "")
                .build());
    }

    private ModelUpdater updater(ModelRuntime runtime, ModelStore store) {
        return updater(runtime, store, new SignatureVerifier(new TrustedKeys(store.dir(), List::of), false));
    }

    private ModelUpdater updater(ModelRuntime runtime, ModelStore store, SignatureVerifier verifier) {
        ArtifactSource source = new ArtifactSource() {
            @Override
            public Iterator<DownloadChunk> download(String sha256, long offset) {
                return ModelUpdaterTest.this.download(sha256, offset);
            }

            @Override
            public Optional<ArtifactRef> describe(String sha256) {
                return ModelUpdaterTest.this.describe(sha256);
            }
        };
        return new ModelUpdater(
                store,
                runtime,
                source,
                verifier,
                (a, state, msg) -> reports.add(a.getDeploymentId() + ":" + state),
                TracerProvider.noop().get("test"),
                SessionSettings.DEFAULT,
                3,
                Duration.ofMillis(1),
                Clock.fixed(now, ZoneOffset.UTC),
                DeviceLimits.onnxRuntime(0, 0));
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

    /** Serves {@code bytes} under their sha256, which it returns. */
    private String serve(byte[] bytes) {
        String sha = Hashing.sha256Hex(bytes);
        served.put(sha, bytes);
        return sha;
    }

    private static Assignment signed(Assignment a, String signature, String keyId) {
        return a.toBuilder().setSignature(signature).setSigningKeyId(keyId).build();
    }

    /**
     * Deployment {@code dep} of artifact {@code sha} failed: FAILED reported, neither the download nor the artifact
     * kept, and the model of deployment d1 (version 1, predicting "normal") still serves and is still recorded.
     */
    private void assertRefusedAndD1KeepsServing(
            String dep, String sha, ModelRuntime runtime, ModelStore store, String why) throws Exception {
        assertEquals(List.of(dep + ":DOWNLOADING", dep + ":FAILED"), reports, why);
        assertFalse(Files.exists(store.modelFile(sha, "onnx")), why + ": the artifact is not kept");
        assertFalse(Files.exists(store.partialFile(sha)), why + ": the download is deleted");
        Prediction p = runtime.infer(X);
        assertEquals(1, p.model().modelVersion(), why + ": the old model keeps serving");
        assertEquals("normal", p.label(), why);
        assertEquals("d1", store.readActive("vibration").orElseThrow().deploymentId(), why);
    }

    @Test
    void activatesVerifiedModelAndRestoresItOffline() throws Exception {
        byte[] model = TestModels.constant(8, 4, 2, LABELS);
        String sha = serve(model);
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
        assertEquals("d1", restored.get(0).deploymentId());
        assertEquals("misalignment", restarted.infer(X).label());
    }

    /**
     * An unassigned assignment (rollback of a first-ever deployment): the session is closed, inference finds no
     * model, UNLOADED is reported (again when re-sent), and a restart on the same model dir serves nothing although
     * the artifact stays cached; a later assignment activates from the cache.
     */
    @Test
    void unassignedUnloadsTheModelAndARestartServesNothing() throws Exception {
        byte[] model = TestModels.constant(8, 4, 2, LABELS);
        String sha = serve(model);
        ModelStore store = new ModelStore(dir);
        ModelRuntime runtime = newRuntime();
        ModelUpdater updater = updater(runtime, store);
        assertEquals(ModelUpdater.Outcome.ACTIVATED, updater.apply(assignment("d1", 1, model, sha)));
        LoadedModel loaded = runtime.active().orElseThrow();

        reports.clear();
        Assignment unassigned = Assignment.newBuilder()
                .setUnassigned(true)
                .setDeploymentId("d1")
                .setRolloutId("d1")
                .setReason("rollout d1 was rolled back")
                .build();
        assertEquals(ModelUpdater.Outcome.UNLOADED, updater.apply(unassigned));
        assertEquals(List.of("d1:UNLOADED"), reports);
        assertTrue(runtime.active().isEmpty());
        assertThrows(NoModelException.class, () -> runtime.infer(X));
        assertTrue(loaded.isClosed(), "the session is closed");
        assertTrue(store.readActive("vibration").isEmpty(), "the active model is forgotten");
        assertTrue(Files.exists(store.modelFile(sha, "onnx")), "the artifact may stay cached");
        // re-sent on reconnect: nothing to do, UNLOADED again
        assertEquals(ModelUpdater.Outcome.UNLOADED, updater.apply(unassigned));
        assertEquals(List.of("d1:UNLOADED", "d1:UNLOADED"), reports);

        // a restart on the same model dir loads nothing
        ModelRuntime restarted = newRuntime();
        ModelUpdater afterRestart = updater(restarted, new ModelStore(dir));
        assertTrue(afterRestart.restore().isEmpty());
        assertThrows(NoModelException.class, () -> restarted.infer(X));

        // the next rollout assigns normally (the cached artifact, no download)
        assertEquals(ModelUpdater.Outcome.ACTIVATED, afterRestart.apply(assignment("d2", 2, model, sha)));
        assertEquals(1, requestedOffsets.size());
        assertEquals("misalignment", restarted.infer(X).label());
    }

    @Test
    void shaMismatchDeletesTheDownloadAndKeepsTheOldModel() throws Exception {
        byte[] good = TestModels.constant(8, 4, 0, LABELS);
        String goodSha = serve(good);
        ModelStore store = new ModelStore(dir);
        ModelRuntime runtime = newRuntime();
        ModelUpdater updater = updater(runtime, store);
        assertEquals(ModelUpdater.Outcome.ACTIVATED, updater.apply(assignment("d1", 1, good, goodSha)));

        byte[] tampered = TestModels.constant(8, 4, 3, LABELS);
        String claimed = Hashing.sha256Hex("what the registry should have sent".getBytes());
        served.put(claimed, tampered);
        reports.clear();
        assertEquals(ModelUpdater.Outcome.FAILED, updater.apply(assignment("d2", 2, tampered, claimed)));

        assertRefusedAndD1KeepsServing("d2", claimed, runtime, store, "sha mismatch");
    }

    @Test
    void resumesFromThePartialFileOnDisk() throws Exception {
        byte[] model = TestModels.linear(8, new float[] {0.5f, 0f, 0f, 0f}, 0.3f, 11, LABELS);
        String sha = serve(model);
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

    // ---- registry signatures ----

    private static KeyPair ed25519() throws GeneralSecurityException {
        return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    }

    /** Ed25519 signature (base64) of the raw digest, as the registry makes it. */
    private static String sign(KeyPair key, String sha) throws GeneralSecurityException {
        Signature s = Signature.getInstance("Ed25519");
        s.initSign(key.getPrivate());
        s.update(HexFormat.of().parseHex(sha));
        return Base64.getEncoder().encodeToString(s.sign());
    }

    private static SigningKey publicKey(String id, KeyPair key) {
        return SigningKey.newBuilder()
                .setKeyId(id)
                .setAlgorithm("Ed25519")
                .setPublicKey(ByteString.copyFrom(key.getPublic().getEncoded()))
                .build();
    }

    private SignatureVerifier requiring(ModelStore store) {
        return new SignatureVerifier(
                new TrustedKeys(store.dir(), () -> {
                    List<SigningKey> keys = registryKeys;
                    if (keys == null) {
                        throw Status.UNAVAILABLE
                                .withDescription("registry down")
                                .asRuntimeException();
                    }
                    return keys;
                }),
                true);
    }

    @Test
    void signedModelActivatesAndRestoresOfflineWithTheCachedKey() throws Exception {
        KeyPair registry = ed25519();
        registryKeys = List.of(publicKey("registry-key-1", registry));
        byte[] model = TestModels.constant(8, 4, 2, LABELS);
        String sha = serve(model);
        servedSignatures.put(sha, sign(registry, sha));
        ModelStore store = new ModelStore(dir);
        ModelRuntime runtime = newRuntime();

        // the assignment carries no signature: the one in the download's first chunk is verified
        assertEquals(
                ModelUpdater.Outcome.ACTIVATED,
                updater(runtime, store, requiring(store)).apply(assignment("d1", 1, model, sha)));
        assertEquals(List.of("d1:DOWNLOADING", "d1:ACTIVE"), reports);
        assertEquals("misalignment", runtime.infer(X).label());
        assertEquals(
                servedSignatures.get(sha),
                store.readActive("vibration").orElseThrow().signature());
        assertEquals(
                "registry-key-1", store.readActive("vibration").orElseThrow().signingKeyId());
        assertTrue(Files.exists(dir.resolve(TrustedKeys.FILE)), "the key is cached on disk");

        // restart with the registry unreachable: the recorded signature verifies with the cached key
        registryKeys = null;
        ModelRuntime restarted = newRuntime();
        var restored = updater(restarted, new ModelStore(dir), requiring(store)).restore();
        assertEquals("d1", restored.get(0).deploymentId());
        assertEquals("misalignment", restarted.infer(X).label());
    }

    /**
     * With signatures required, every bad case is refused: FAILED is reported, the artifact is not kept, and the
     * agent stays on the old (signed) model.
     */
    @Test
    void tamperedOrBadlySignedArtifactsAreRefusedAndTheOldModelKeepsServing() throws Exception {
        KeyPair registry = ed25519();
        KeyPair attacker = ed25519();
        registryKeys = List.of(publicKey("registry-key-1", registry));
        ModelStore store = new ModelStore(dir);
        ModelRuntime runtime = newRuntime();
        ModelUpdater updater = updater(runtime, store, requiring(store));

        byte[] good = TestModels.constant(8, 4, 0, LABELS);
        String goodSha = serve(good);
        assertEquals(
                ModelUpdater.Outcome.ACTIVATED,
                updater.apply(signed(assignment("d1", 1, good, goodSha), sign(registry, goodSha), "registry-key-1")));

        byte[] next = TestModels.constant(8, 4, 3, LABELS);
        String nextSha = Hashing.sha256Hex(next);
        byte[] tampered = next.clone();
        tampered[tampered.length - 3] ^= 0x5a;
        record Case(String name, byte[] servedBytes, String signature, String keyId) {}
        List<Case> cases = List.of(
                // bytes changed in transit or at rest: the digest no longer matches the signed one
                new Case("tampered bytes", tampered, sign(registry, nextSha), "registry-key-1"),
                // the right bytes, signed by someone else under the registry's key id
                new Case("wrong key", next, sign(attacker, nextSha), "registry-key-1"),
                // a valid registry signature, but of another artifact's digest
                new Case("signature of another digest", next, sign(registry, goodSha), "registry-key-1"),
                // a key the registry does not have
                new Case("unknown key", next, sign(attacker, nextSha), "attacker-key"),
                new Case("malformed signature", next, "not base64!", "registry-key-1"),
                new Case("no signature", next, "", ""));
        int deployment = 2;
        for (Case c : cases) {
            served.put(nextSha, c.servedBytes());
            reports.clear();
            String dep = "d" + deployment++;
            Assignment a = signed(assignment(dep, 2, next, nextSha), c.signature(), c.keyId());
            assertEquals(ModelUpdater.Outcome.FAILED, updater.apply(a), c.name());
            assertRefusedAndD1KeepsServing(dep, nextSha, runtime, store, c.name());
        }

        // the same artifact, correctly signed, is then accepted
        served.put(nextSha, next);
        assertEquals(
                ModelUpdater.Outcome.ACTIVATED,
                updater.apply(signed(assignment("d99", 2, next, nextSha), sign(registry, nextSha), "registry-key-1")));
        assertEquals("bearing-fault", runtime.infer(X).label());
    }

    @Test
    void aCachedArtifactIsVerifiedWithTheSignatureFromGetArtifact() throws Exception {
        KeyPair registry = ed25519();
        registryKeys = List.of(publicKey("registry-key-1", registry));
        ModelStore store = new ModelStore(dir);
        ModelRuntime runtime = newRuntime();
        ModelUpdater updater = updater(runtime, store, requiring(store));
        byte[] v1 = TestModels.constant(8, 4, 0, LABELS);
        byte[] v2 = TestModels.constant(8, 4, 1, LABELS);
        String sha1 = serve(v1);
        String sha2 = serve(v2);
        servedSignatures.put(sha1, sign(registry, sha1));
        servedSignatures.put(sha2, sign(registry, sha2));
        assertEquals(ModelUpdater.Outcome.ACTIVATED, updater.apply(assignment("d1", 1, v1, sha1)));
        assertEquals(ModelUpdater.Outcome.ACTIVATED, updater.apply(assignment("d2", 2, v2, sha2)));
        assertEquals(2, requestedOffsets.size());

        // roll back to v1: its file is still cached, so no download brings a signature; GetArtifact does
        describeCalls.clear();
        assertEquals(ModelUpdater.Outcome.ACTIVATED, updater.apply(assignment("d3", 1, v1, sha1)));
        assertEquals(2, requestedOffsets.size(), "no download");
        assertEquals(List.of(sha1), describeCalls);
        assertEquals("normal", runtime.infer(X).label());

        // and a registry record with a bad signature refuses the cached artifact too
        servedSignatures.put(sha2, sign(ed25519(), sha2));
        assertEquals(ModelUpdater.Outcome.FAILED, updater.apply(assignment("d4", 2, v2, sha2)));
        assertEquals("normal", runtime.infer(X).label());
        assertEquals("d3", store.readActive("vibration").orElseThrow().deploymentId());
    }
}
