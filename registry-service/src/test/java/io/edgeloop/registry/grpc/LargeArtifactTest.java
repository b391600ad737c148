package io.edgeloop.registry.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgeloop.proto.registry.v1.ArtifactRef;
import io.edgeloop.registry.StreamingArtifacts;
import io.edgeloop.registry.StreamingArtifacts.Content;
import io.edgeloop.registry.StreamingArtifacts.Downloaded;
import io.edgeloop.registry.storage.ArtifactStore;
import io.grpc.Channel;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Uploads and downloads a 300 MB artifact through the real gRPC server (same JVM, surefire's 768 MiB heap) and
 * checks that the live heap never grows by more than 64 MiB: neither side buffers the artifact.
 */
@QuarkusTest
class LargeArtifactTest {
    private static final long SIZE = 300L * 1024 * 1024;
    private static final long MAX_GROWTH = 64L * 1024 * 1024;

    @GrpcClient("self")
    Channel channel;

    @Inject
    ArtifactStore store;

    @Test
    void aLargeArtifactMovesBothWaysInConstantMemory() throws Exception {
        Content content = new Content(SIZE, 20240601L);
        String sha = content.sha256();
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        System.gc();
        long baseline = memory.getHeapMemoryUsage().getUsed();
        AtomicLong peak = new AtomicLong(baseline);
        AtomicBoolean running = new AtomicBoolean(true);
        Thread sampler = new Thread(() -> {
            while (running.get()) {
                System.gc(); // live data only: garbage is not what a buffering bug would leave
                peak.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
                try {
                    Thread.sleep(250);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        sampler.setDaemon(true);
        sampler.start();
        ArtifactRef ref;
        Downloaded full;
        Downloaded resumed;
        try {
            ref = StreamingArtifacts.upload(channel, content, sha);
            full = StreamingArtifacts.download(channel, sha, 0);
            resumed = StreamingArtifacts.download(channel, sha, SIZE - 1_000_000);
        } finally {
            running.set(false);
            sampler.join();
        }
        try {
            assertEquals(sha, ref.getSha256());
            assertEquals(SIZE, ref.getSizeBytes());
            assertEquals(SIZE, full.bytes());
            assertEquals(sha, full.sha256(), "downloaded bytes hash to the uploaded digest");
            assertEquals(1_000_000, resumed.bytes());
            assertEquals(ref.getSignature(), full.first().getSignature());
            long growth = peak.get() - baseline;
            System.out.printf(
                    "large artifact: %d MiB moved up and down, live heap growth peak %.1f MiB%n",
                    SIZE >> 20, growth / 1048576.0);
            assertTrue(growth < MAX_GROWTH, "live heap grew by " + (growth >> 20) + " MiB during the transfer");
        } finally {
            store.delete(sha); // keep the test machine's disk clean (no version references it)
        }
    }
}
