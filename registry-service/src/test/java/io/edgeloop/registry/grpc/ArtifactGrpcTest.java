package io.edgeloop.registry.grpc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.edgeloop.common.Hashing;
import io.edgeloop.proto.registry.v1.ArtifactRef;
import io.edgeloop.proto.registry.v1.ArtifactServiceGrpc;
import io.edgeloop.proto.registry.v1.DownloadChunk;
import io.edgeloop.proto.registry.v1.DownloadRequest;
import io.edgeloop.registry.TestArtifacts;
import io.edgeloop.registry.config.RegistryConfig;
import io.edgeloop.registry.storage.ArtifactStore;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

@QuarkusTest
class ArtifactGrpcTest {
    private static final int CHUNK = 64 * 1024;

    @GrpcClient("self")
    Channel async;

    @GrpcClient("self")
    ArtifactServiceGrpc.ArtifactServiceBlockingStub blocking;

    @Inject
    ArtifactStore store;

    @Inject
    RegistryConfig config;

    @Test
    void multiChunkRoundTrip() throws IOException {
        byte[] data = TestArtifacts.randomBytes(3 * 1024 * 1024 + 12_345, 11);
        String sha = Hashing.sha256Hex(data);

        ArtifactRef ref = TestArtifacts.upload(async, data);

        assertEquals(sha, ref.getSha256());
        assertEquals(data.length, ref.getSizeBytes());
        assertEquals("application/onnx", ref.getMediaType());
        Path blob = Path.of(config.storageDir(), "sha256", sha.substring(0, 2), sha);
        assertArrayEquals(data, Files.readAllBytes(blob));

        List<DownloadChunk> chunks = download(sha, 0);
        assertEquals((data.length + CHUNK - 1) / CHUNK, chunks.size());
        byte[] received = concat(chunks, 0, data.length, sha);
        assertEquals(sha, Hashing.sha256Hex(received));
        assertArrayEquals(data, received);
        assertNoPartialUploads();
    }

    @Test
    void downloadResumesFromAnOffset() {
        byte[] data = TestArtifacts.randomBytes(500_000, 12);
        String sha = Hashing.sha256Hex(data);
        TestArtifacts.upload(async, data);

        int offset = 200_001;
        List<DownloadChunk> chunks = download(sha, offset);

        assertEquals(offset, chunks.get(0).getOffset());
        assertArrayEquals(Arrays.copyOfRange(data, offset, data.length), concat(chunks, offset, data.length, sha));

        List<DownloadChunk> atEnd = download(sha, data.length);
        assertEquals(1, atEnd.size());
        assertTrue(atEnd.get(0).getData().isEmpty());
        assertEquals(data.length, atEnd.get(0).getTotalSize());
    }

    @Test
    void emptyArtifactRoundTrip() {
        byte[] empty = new byte[0];
        ArtifactRef ref = TestArtifacts.upload(async, empty);
        assertEquals(Hashing.sha256Hex(empty), ref.getSha256());

        List<DownloadChunk> chunks = download(ref.getSha256(), 0);
        assertEquals(1, chunks.size());
        assertEquals(0, chunks.get(0).getTotalSize());
        assertEquals(ref.getSha256(), chunks.get(0).getSha256());
    }

    @Test
    void reUploadingStoredContentIsIdempotent() {
        byte[] data = TestArtifacts.randomBytes(100_000, 13);
        ArtifactRef first = TestArtifacts.upload(async, data);
        ArtifactRef second = TestArtifacts.upload(async, data);
        assertEquals(first, second);
        assertTrue(store.exists(first.getSha256()));
    }

    @Test
    void lyingDigestIsDataLossAndStoresNothing() throws IOException {
        byte[] data = TestArtifacts.randomBytes(300_000, 14);
        String claimed = Hashing.sha256Hex(TestArtifacts.randomBytes(300_000, 15));

        var e = assertThrows(
                StatusRuntimeException.class,
                () -> TestArtifacts.upload(
                        async, TestArtifacts.header(claimed, data.length), TestArtifacts.chunks(data, CHUNK)));

        assertEquals(Status.Code.DATA_LOSS, e.getStatus().getCode());
        assertTrue(e.getStatus().getDescription().contains(Hashing.sha256Hex(data)));
        assertFalse(store.exists(claimed));
        assertFalse(store.exists(Hashing.sha256Hex(data)));
        assertNoPartialUploads();
    }

    @Test
    void lyingSizeIsDataLoss() throws IOException {
        byte[] data = TestArtifacts.randomBytes(100_000, 16);
        String sha = Hashing.sha256Hex(data);

        var tooShort = assertThrows(
                StatusRuntimeException.class,
                () -> TestArtifacts.upload(
                        async, TestArtifacts.header(sha, data.length + 10), TestArtifacts.chunks(data, CHUNK)));
        var tooLong = assertThrows(
                StatusRuntimeException.class,
                () -> TestArtifacts.upload(
                        async, TestArtifacts.header(sha, data.length - 10), TestArtifacts.chunks(data, CHUNK)));

        assertEquals(Status.Code.DATA_LOSS, tooShort.getStatus().getCode());
        assertEquals(Status.Code.DATA_LOSS, tooLong.getStatus().getCode());
        assertFalse(store.exists(sha));
        assertNoPartialUploads();
    }

    @Test
    void oversizeChunkIsInvalidArgument() throws IOException {
        byte[] data = TestArtifacts.randomBytes(CHUNK + 1, 17);
        String sha = Hashing.sha256Hex(data);

        var e = assertThrows(
                StatusRuntimeException.class,
                () -> TestArtifacts.upload(
                        async, TestArtifacts.header(sha, data.length), List.of(ByteString.copyFrom(data))));

        assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
        assertFalse(store.exists(sha));
        assertNoPartialUploads();
    }

    @Test
    void malformedUploadsAreInvalidArgument() {
        byte[] data = TestArtifacts.randomBytes(1000, 18);
        String sha = Hashing.sha256Hex(data);

        var noHeader = assertThrows(
                StatusRuntimeException.class,
                () -> TestArtifacts.upload(async, null, TestArtifacts.chunks(data, CHUNK)));
        var badDigest = assertThrows(
                StatusRuntimeException.class,
                () -> TestArtifacts.upload(
                        async,
                        TestArtifacts.header(sha.toUpperCase(), data.length),
                        TestArtifacts.chunks(data, CHUNK)));
        var negativeSize = assertThrows(
                StatusRuntimeException.class,
                () -> TestArtifacts.upload(async, TestArtifacts.header(sha, -1), List.of()));

        assertEquals(Status.Code.INVALID_ARGUMENT, noHeader.getStatus().getCode());
        assertEquals(Status.Code.INVALID_ARGUMENT, badDigest.getStatus().getCode());
        assertEquals(Status.Code.INVALID_ARGUMENT, negativeSize.getStatus().getCode());
        assertFalse(store.exists(sha));
    }

    @Test
    void downloadErrors() {
        String unknown = Hashing.sha256Hex("never uploaded".getBytes());
        byte[] data = TestArtifacts.randomBytes(1000, 19);
        String sha = TestArtifacts.upload(async, data).getSha256();

        assertEquals(Status.Code.NOT_FOUND, downloadError(unknown, 0));
        assertEquals(Status.Code.INVALID_ARGUMENT, downloadError("not-a-digest", 0));
        assertEquals(Status.Code.INVALID_ARGUMENT, downloadError(sha, data.length + 1));
        assertEquals(Status.Code.INVALID_ARGUMENT, downloadError(sha, -1));
    }

    private Status.Code downloadError(String sha256, long offset) {
        var e = assertThrows(StatusRuntimeException.class, () -> download(sha256, offset));
        return e.getStatus().getCode();
    }

    private List<DownloadChunk> download(String sha256, long offset) {
        Iterator<DownloadChunk> it = blocking.download(
                DownloadRequest.newBuilder().setSha256(sha256).setOffset(offset).build());
        List<DownloadChunk> chunks = new ArrayList<>();
        it.forEachRemaining(chunks::add);
        return chunks;
    }

    /** Checks every chunk's metadata and that they are contiguous from {@code offset}; returns the bytes. */
    private static byte[] concat(List<DownloadChunk> chunks, long offset, long totalSize, String sha256) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        long expectedOffset = offset;
        for (DownloadChunk c : chunks) {
            assertEquals(expectedOffset, c.getOffset());
            assertEquals(totalSize, c.getTotalSize());
            assertEquals(sha256, c.getSha256());
            assertTrue(c.getData().size() <= CHUNK, "chunk of " + c.getData().size() + " bytes");
            out.writeBytes(c.getData().toByteArray());
            expectedOffset += c.getData().size();
        }
        assertEquals(totalSize, expectedOffset);
        return out.toByteArray();
    }

    private void assertNoPartialUploads() throws IOException {
        try (Stream<Path> parts = Files.list(Path.of(config.storageDir(), "tmp"))) {
            assertEquals(0, parts.count(), "partial uploads left behind");
        }
    }
}
