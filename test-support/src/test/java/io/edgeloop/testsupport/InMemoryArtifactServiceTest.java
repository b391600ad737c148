package io.edgeloop.testsupport;

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
import io.edgeloop.proto.registry.v1.GetArtifactRequest;
import io.edgeloop.proto.registry.v1.UploadHeader;
import io.edgeloop.proto.registry.v1.UploadRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The artifact double's contract, over a real gRPC transport on the loopback interface. */
class InMemoryArtifactServiceTest {
    static final int CHUNK = InMemoryArtifactService.CHUNK_BYTES;

    final InMemoryArtifactService artifacts = new InMemoryArtifactService(1024 * 1024);
    final LoopbackGrpc grpc = new LoopbackGrpc(artifacts);
    final ArtifactServiceGrpc.ArtifactServiceBlockingStub blocking =
            ArtifactServiceGrpc.newBlockingStub(grpc.channel()).withDeadlineAfter(10, TimeUnit.SECONDS);

    @AfterEach
    void close() throws InterruptedException {
        grpc.close();
    }

    static byte[] bytes(int n) {
        byte[] b = new byte[n];
        new Random(n).nextBytes(b);
        return b;
    }

    static UploadRequest header(String sha256, long size) {
        return UploadRequest.newBuilder()
                .setHeader(UploadHeader.newBuilder()
                        .setSha256(sha256)
                        .setSizeBytes(size)
                        .setMediaType("application/onnx"))
                .build();
    }

    static UploadRequest chunk(byte[] b, int from, int to) {
        return UploadRequest.newBuilder()
                .setChunk(ByteString.copyFrom(b, from, to - from))
                .build();
    }

    /** The messages of a well-formed upload of {@code content}. */
    static List<UploadRequest> upload(byte[] content) {
        List<UploadRequest> messages = new ArrayList<>();
        messages.add(header(Hashing.sha256Hex(content), content.length));
        for (int off = 0; off < content.length; off += CHUNK) {
            messages.add(chunk(content, off, Math.min(content.length, off + CHUNK)));
        }
        return messages;
    }

    /** The single answer of a client-streaming call. */
    static final class Reply<T> extends CompletableFuture<T> implements StreamObserver<T> {
        @Override
        public void onNext(T value) {
            complete(value);
        }

        @Override
        public void onError(Throwable t) {
            completeExceptionally(t);
        }

        @Override
        public void onCompleted() {
            completeExceptionally(new AssertionError("completed without an answer"));
        }
    }

    /** Sends {@code messages} as one upload and waits for the answer. */
    ArtifactRef send(List<UploadRequest> messages) throws Exception {
        Reply<ArtifactRef> reply = new Reply<>();
        StreamObserver<UploadRequest> requests =
                ArtifactServiceGrpc.newStub(grpc.channel()).upload(reply);
        messages.forEach(requests::onNext);
        requests.onCompleted();
        try {
            return reply.get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw (Exception) e.getCause();
        }
    }

    Status.Code rejected(List<UploadRequest> messages) {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> send(messages));
        return e.getStatus().getCode();
    }

    byte[] download(String sha256, long offset, List<DownloadChunk> chunks) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        blocking.download(DownloadRequest.newBuilder()
                        .setSha256(sha256)
                        .setOffset(offset)
                        .build())
                .forEachRemaining(c -> {
                    chunks.add(c);
                    out.writeBytes(c.getData().toByteArray());
                });
        return out.toByteArray();
    }

    @Test
    void anUploadIsStoredAndDownloadedIn64KiBChunks() throws Exception {
        byte[] content = bytes(2 * CHUNK + 1000);
        ArtifactRef ref = send(upload(content));
        String sha256 = Hashing.sha256Hex(content);
        assertEquals(sha256, ref.getSha256());
        assertEquals(content.length, ref.getSizeBytes());
        assertEquals("application/onnx", ref.getMediaType());
        assertArrayEquals(content, artifacts.bytes(sha256));
        assertEquals(1, artifacts.count());

        List<DownloadChunk> chunks = new ArrayList<>();
        assertArrayEquals(content, download(sha256, 0, chunks));
        assertEquals(
                List.of(0L, (long) CHUNK, 2L * CHUNK),
                chunks.stream().map(DownloadChunk::getOffset).toList());
        assertEquals(
                List.of(CHUNK, CHUNK, 1000),
                chunks.stream().map(c -> c.getData().size()).toList());
        assertTrue(chunks.stream()
                .allMatch(
                        c -> c.getTotalSize() == content.length && c.getSha256().equals(sha256)));

        ArtifactRef described = blocking.getArtifact(
                GetArtifactRequest.newBuilder().setSha256(sha256).build());
        assertEquals(content.length, described.getSizeBytes());

        // uploading stored content again is a no-op
        assertEquals(sha256, send(upload(content)).getSha256());
        assertEquals(1, artifacts.count());
    }

    @Test
    void anUploadOutOfOrderIsInvalidAndStoresNothing() {
        byte[] content = bytes(1000);
        String sha256 = Hashing.sha256Hex(content);
        List<UploadRequest> chunkFirst = List.of(chunk(content, 0, 1000), header(sha256, 1000));
        assertEquals(Status.Code.INVALID_ARGUMENT, rejected(chunkFirst));
        List<UploadRequest> twoHeaders = List.of(header(sha256, 1000), header(sha256, 1000), chunk(content, 0, 1000));
        assertEquals(Status.Code.INVALID_ARGUMENT, rejected(twoHeaders));
        assertEquals(Status.Code.INVALID_ARGUMENT, rejected(List.of()), "no header at all");
        assertEquals(
                Status.Code.INVALID_ARGUMENT,
                rejected(List.of(UploadRequest.getDefaultInstance())),
                "neither header nor chunk");
        assertEquals(0, artifacts.count());
    }

    @Test
    void aMalformedHeaderOrAnOversizedChunkIsInvalid() {
        byte[] content = bytes(CHUNK + 1);
        String sha256 = Hashing.sha256Hex(content);
        assertEquals(
                Status.Code.INVALID_ARGUMENT,
                rejected(List.of(header(sha256.toUpperCase(), content.length), chunk(content, 0, content.length))));
        assertEquals(Status.Code.INVALID_ARGUMENT, rejected(List.of(header(sha256, -1))));
        assertEquals(Status.Code.INVALID_ARGUMENT, rejected(List.of(header(sha256, 1024 * 1024 + 1))), "over max");
        assertEquals(
                Status.Code.INVALID_ARGUMENT,
                rejected(List.of(header(sha256, content.length), chunk(content, 0, content.length))),
                "a chunk over 64 KiB");
        assertEquals(0, artifacts.count());
    }

    @Test
    void contentThatDoesNotMatchTheHeaderIsDataLoss() {
        byte[] content = bytes(3000);
        String sha256 = Hashing.sha256Hex(content);
        byte[] tampered = content.clone();
        tampered[1234] ^= 1;
        assertEquals(
                Status.Code.DATA_LOSS,
                rejected(List.of(header(sha256, content.length), chunk(tampered, 0, tampered.length))),
                "wrong digest");
        assertEquals(
                Status.Code.DATA_LOSS,
                rejected(List.of(header(sha256, content.length), chunk(content, 0, 2000))),
                "fewer bytes than announced");
        assertEquals(
                Status.Code.DATA_LOSS,
                rejected(List.of(header(sha256, 2000), chunk(content, 0, 2000), chunk(content, 2000, 3000))),
                "more bytes than announced");
        assertEquals(0, artifacts.count());
        assertFalse(artifacts.contains(sha256));
    }

    @Test
    void aDownloadResumesAtItsOffset() {
        byte[] content = bytes(CHUNK + 5000);
        String sha256 = artifacts.put(content, "application/x-ort");
        List<DownloadChunk> chunks = new ArrayList<>();
        byte[] tail = download(sha256, 70_000, chunks);
        assertArrayEquals(java.util.Arrays.copyOfRange(content, 70_000, content.length), tail);
        assertEquals(70_000, chunks.get(0).getOffset());

        // at the end: one empty chunk that still carries the size and digest
        chunks.clear();
        assertEquals(0, download(sha256, content.length, chunks).length);
        assertEquals(1, chunks.size());
        assertEquals(content.length, chunks.get(0).getTotalSize());
        assertEquals(sha256, chunks.get(0).getSha256());

        assertEquals(Status.Code.INVALID_ARGUMENT, downloadError(sha256, content.length + 1L), "beyond the end");
        assertEquals(Status.Code.INVALID_ARGUMENT, downloadError(sha256, -1), "negative");
        assertEquals(Status.Code.INVALID_ARGUMENT, downloadError("not-a-digest", 0));
        assertEquals(Status.Code.NOT_FOUND, downloadError(Hashing.sha256Hex(new byte[1]), 0));
    }

    Status.Code downloadError(String sha256, long offset) {
        StatusRuntimeException e =
                assertThrows(StatusRuntimeException.class, () -> download(sha256, offset, new ArrayList<>()));
        return e.getStatus().getCode();
    }

    @Test
    void injectedFaultsAnswerTheNextCallsThenServeNormally() throws Exception {
        byte[] content = bytes(100);
        artifacts.faults().failNext(ArtifactServiceGrpc.getUploadMethod(), 2, Status.UNAVAILABLE);
        assertEquals(Status.Code.UNAVAILABLE, rejected(upload(content)));
        assertEquals(Status.Code.UNAVAILABLE, rejected(upload(content)));
        assertEquals(0, artifacts.count());
        assertEquals(Hashing.sha256Hex(content), send(upload(content)).getSha256());
        assertEquals(0, artifacts.faults().pending(ArtifactServiceGrpc.getUploadMethod()));
    }
}
