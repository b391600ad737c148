package io.edgeloop.monitoring.it;

import io.edgeloop.proto.registry.v1.GetVersionRequest;
import io.edgeloop.proto.registry.v1.ModelVersion;
import io.edgeloop.testsupport.InMemoryArtifactService;
import io.edgeloop.testsupport.InMemoryModelRegistry;
import io.grpc.stub.StreamObserver;
import io.quarkus.grpc.GrpcService;
import io.smallrye.common.annotation.Blocking;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The shared in-memory double of registry-service's ModelRegistry on this service's gRPC test port: tests register
 * the versions (class labels, {@code test_accuracy}) whose facts performance monitoring reads with GetVersion.
 */
@GrpcService
public class FakeModelRegistry extends InMemoryModelRegistry {
    private final AtomicReference<CyclicBarrier> gate = new AtomicReference<>();

    public FakeModelRegistry() {
        super(new InMemoryArtifactService());
    }

    /**
     * Until {@link #open()}, each GetVersion waits until {@code callers} of them are in flight together, so that a
     * test can make concurrent first readers of a version deterministic.
     */
    public void holdUntil(int callers) {
        gate.set(new CyclicBarrier(callers));
    }

    /** Answers GetVersion at once again. */
    public void open() {
        gate.set(null);
    }

    @Override
    @Blocking
    public void getVersion(GetVersionRequest request, StreamObserver<ModelVersion> response) {
        CyclicBarrier barrier = gate.get();
        if (barrier != null) {
            try {
                barrier.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            } catch (BrokenBarrierException | TimeoutException e) {
                throw new IllegalStateException("the other GetVersion callers never came", e);
            }
        }
        super.getVersion(request, response);
    }
}
