package io.edgeloop.registry.bench;

import com.google.protobuf.ByteString;
import io.edgeloop.proto.registry.v1.ArtifactServiceGrpc;
import io.edgeloop.proto.registry.v1.DownloadChunk;
import io.edgeloop.proto.registry.v1.DownloadRequest;
import io.edgeloop.registry.StreamingArtifacts;
import io.edgeloop.registry.StreamingArtifacts.Content;
import io.edgeloop.registry.storage.ArtifactStore;
import io.edgeloop.registry.storage.FileSystemArtifactStore;
import io.grpc.Channel;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Iterator;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Benchmark, not a test (tag {@code benchmark}, excluded from {@code verify}): artifact download throughput over
 * loopback gRPC (client writes the chunks to a file) versus a plain file copy of the same blob, and the live heap
 * and process RSS held during the transfer. Run: {@code ./mvnw -B -o -q verify -pl registry-service -Pbenchmark}
 * ({@code -Dbench.size.mb=N}, default 256; {@code -Dbench.rounds=N}, default 3, best round reported).
 */
@QuarkusTest
@Tag("benchmark")
class ArtifactTransferBenchmark {
    @GrpcClient("self")
    Channel channel;

    @Inject
    ArtifactStore store;

    @Inject
    FileSystemArtifactStore fileStore;

    @Test
    void downloadThroughputVersusFileCopy() throws Exception {
        long size = Long.getLong("bench.size.mb", 256) * 1024 * 1024;
        int rounds = Integer.getInteger("bench.rounds", 3);
        Content content = new Content(size, 7L);
        String sha = content.sha256();
        StreamingArtifacts.upload(channel, content, sha);
        Path blob =
                fileStore.root().resolve("sha256").resolve(sha.substring(0, 2)).resolve(sha);
        Path out = Files.createTempFile("bench-", ".bin");
        try {
            long bestCopy = Long.MAX_VALUE;
            long bestGrpc = Long.MAX_VALUE;
            long bestGrpcVerified = Long.MAX_VALUE;
            long heapGrowth = 0;
            long rssBefore = rssKb("VmRSS");
            for (int r = 0; r < rounds; r++) {
                long t0 = System.nanoTime();
                Files.copy(blob, out, StandardCopyOption.REPLACE_EXISTING);
                bestCopy = Math.min(bestCopy, System.nanoTime() - t0);

                Sampler sampler = new Sampler();
                t0 = System.nanoTime();
                grpcToFile(sha, out);
                bestGrpc = Math.min(bestGrpc, System.nanoTime() - t0);
                heapGrowth = Math.max(heapGrowth, sampler.stop());

                t0 = System.nanoTime();
                var verified = StreamingArtifacts.download(channel, sha, 0);
                bestGrpcVerified = Math.min(bestGrpcVerified, System.nanoTime() - t0);
                if (!verified.sha256().equals(sha)) {
                    throw new IllegalStateException("digest mismatch");
                }
            }
            double mb = size / 1048576.0;
            System.out.printf(
                    "%n=== artifact transfer benchmark (%d MiB, best of %d, %d cores) ===%n",
                    size >> 20, rounds, Runtime.getRuntime().availableProcessors());
            System.out.printf("plain file copy            : %8.1f MiB/s%n", mb / (bestCopy / 1e9));
            System.out.printf(
                    "gRPC download -> file      : %8.1f MiB/s  (ratio to file copy %.2f)%n",
                    mb / (bestGrpc / 1e9), (double) bestCopy / bestGrpc);
            System.out.printf(
                    "gRPC download + sha256     : %8.1f MiB/s  (ratio to file copy %.2f)%n",
                    mb / (bestGrpcVerified / 1e9), (double) bestCopy / bestGrpcVerified);
            System.out.printf("live heap growth (peak)    : %8.1f MiB%n", heapGrowth / 1048576.0);
            System.out.printf(
                    "process RSS before / peak  : %8.1f / %.1f MiB (server and client in one JVM)%n%n",
                    rssBefore / 1024.0, rssKb("VmHWM") / 1024.0);
        } finally {
            Files.deleteIfExists(out);
            store.delete(sha);
        }
    }

    private void grpcToFile(String sha, Path out) throws IOException {
        Iterator<DownloadChunk> chunks = ArtifactServiceGrpc.newBlockingStub(channel)
                .download(DownloadRequest.newBuilder().setSha256(sha).build());
        try (FileChannel file = FileChannel.open(
                out, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.CREATE)) {
            while (chunks.hasNext()) {
                ByteString data = chunks.next().getData();
                var buffer = data.asReadOnlyByteBuffer();
                while (buffer.hasRemaining()) {
                    file.write(buffer);
                }
            }
        }
    }

    private static long rssKb(String field) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith(field + ":")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return -1;
    }

    /** Samples the live heap (after a GC) every 500 ms; returns the peak growth over the start. */
    private static final class Sampler {
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final AtomicLong peak = new AtomicLong();
        private final long baseline;
        private final Thread thread;

        Sampler() {
            var memory = ManagementFactory.getMemoryMXBean();
            System.gc();
            baseline = memory.getHeapMemoryUsage().getUsed();
            peak.set(baseline);
            thread = new Thread(() -> {
                while (running.get()) {
                    System.gc();
                    peak.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
                    try {
                        Thread.sleep(500);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            thread.setDaemon(true);
            thread.start();
        }

        long stop() throws InterruptedException {
            running.set(false);
            thread.join();
            return peak.get() - baseline;
        }
    }
}
