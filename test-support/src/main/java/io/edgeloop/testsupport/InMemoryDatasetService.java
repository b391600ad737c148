package io.edgeloop.testsupport;

import io.edgeloop.proto.data.v1.DatasetServiceGrpc;
import io.edgeloop.proto.data.v1.Sample;
import io.edgeloop.proto.data.v1.SampleBatch;
import io.edgeloop.proto.data.v1.SnapshotInfo;
import io.edgeloop.proto.data.v1.SnapshotRef;
import io.edgeloop.proto.data.v1.Split;
import io.edgeloop.proto.data.v1.StreamSnapshotRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * In-memory double of data-service's {@code DatasetService}: GetSnapshot describes a snapshot, StreamSnapshot sends its
 * samples of the requested splits (all when none are named) in order, in batches of the requested size (default
 * {@value #DEFAULT_BATCH_SIZE}). Snapshots are those {@link #put put} by the test, then those of the
 * {@link SnapshotSource} given at construction (or of an overriding {@link #find}), which generates a module's own
 * data. Version 0 means the latest
 * {@link #put put} one; a negative version or batch size is INVALID_ARGUMENT, an unknown snapshot NOT_FOUND. Every
 * StreamSnapshot request is recorded, and streams are counted per dataset.
 */
public class InMemoryDatasetService extends DatasetServiceGrpc.DatasetServiceImplBase {
    /** Samples per batch when the request names no batch size. */
    public static final int DEFAULT_BATCH_SIZE = 256;

    /**
     * A snapshot: its description and the generator of its samples (called once per stream, in snapshot order).
     *
     * @param info as GetSnapshot answers it
     * @param samples all the snapshot's samples, every split
     */
    public record Snapshot(SnapshotInfo info, Supplier<Stream<Sample>> samples) {
        /** A snapshot of fixed samples. */
        public static Snapshot of(SnapshotInfo info, List<Sample> samples) {
            List<Sample> copy = List.copyOf(samples);
            return new Snapshot(info, copy::stream);
        }

        /**
         * A snapshot of fixed samples described by them: snapshot id {@code name@vN}, feature count of the first
         * sample, per-split counts and {@code classLabels}.
         */
        public static Snapshot of(String datasetName, int version, List<String> classLabels, List<Sample> samples) {
            SnapshotInfo.Builder info = SnapshotInfo.newBuilder()
                    .setDatasetName(datasetName)
                    .setVersion(version)
                    .setSnapshotId(snapshotId(datasetName, version))
                    .setFeatureCount(samples.isEmpty() ? 0 : samples.get(0).getFeaturesCount())
                    .addAllClassLabels(classLabels);
            for (Sample s : samples) {
                switch (s.getSplit()) {
                    case TRAIN -> info.setTrainCount(info.getTrainCount() + 1);
                    case VALIDATION -> info.setValidationCount(info.getValidationCount() + 1);
                    default -> info.setTestCount(info.getTestCount() + 1);
                }
            }
            return of(info.build(), samples);
        }
    }

    /** Where snapshots that were not {@link #put put} come from: a module's generated data. */
    @FunctionalInterface
    public interface SnapshotSource {
        /**
         * The snapshot {@code ref} names (its version is not negative), or empty when there is none (NOT_FOUND). May
         * throw a {@link StatusRuntimeException} to answer with another status.
         */
        Optional<Snapshot> find(SnapshotRef ref);
    }

    private final SnapshotSource source;
    private final Map<String, Map<Integer, Snapshot>> stored = new ConcurrentHashMap<>();
    private final List<StreamSnapshotRequest> streamRequests = new CopyOnWriteArrayList<>();
    private final Map<String, AtomicInteger> streams = new ConcurrentHashMap<>();
    private final InjectedFaults faults = new InjectedFaults();

    /** A double serving only the snapshots that are {@link #put put}. */
    public InMemoryDatasetService() {
        this(ref -> Optional.empty());
    }

    /** A double serving the snapshots that are {@link #put put}, then those of {@code source}. */
    public InMemoryDatasetService(SnapshotSource source) {
        this.source = source;
    }

    /** {@code name@vN}, the snapshot id data-service gives version N of a dataset. */
    public static String snapshotId(String datasetName, int version) {
        return datasetName + "@v" + version;
    }

    /** Serves {@code snapshot} (replacing one of the same dataset and version). */
    public void put(Snapshot snapshot) {
        stored.computeIfAbsent(snapshot.info().getDatasetName(), k -> new ConcurrentHashMap<>())
                .put(snapshot.info().getVersion(), snapshot);
    }

    /** Serves {@code samples} as version {@code version} of {@code datasetName}, described by them. */
    public void put(String datasetName, int version, List<String> classLabels, List<Sample> samples) {
        put(Snapshot.of(datasetName, version, classLabels, samples));
    }

    /** Every StreamSnapshot request received, in order, including those answered with an error. */
    public List<StreamSnapshotRequest> streamRequests() {
        return List.copyOf(streamRequests);
    }

    /** StreamSnapshot calls for {@code datasetName} that found their snapshot. */
    public int streams(String datasetName) {
        AtomicInteger n = streams.get(datasetName);
        return n == null ? 0 : n.get();
    }

    /** Faults to answer the next calls with ({@code DatasetServiceGrpc.getStreamSnapshotMethod()} etc.). */
    public InjectedFaults faults() {
        return faults;
    }

    @Override
    public void getSnapshot(SnapshotRef request, StreamObserver<SnapshotInfo> response) {
        faults.answer(
                DatasetServiceGrpc.getGetSnapshotMethod(),
                response,
                () -> resolve(request).info());
    }

    @Override
    public void streamSnapshot(StreamSnapshotRequest request, StreamObserver<SampleBatch> response) {
        streamRequests.add(request);
        Snapshot snapshot;
        try {
            faults.check(DatasetServiceGrpc.getStreamSnapshotMethod());
            if (request.getBatchSize() < 0) {
                throw Status.INVALID_ARGUMENT
                        .withDescription("batch_size must not be negative, got " + request.getBatchSize())
                        .asRuntimeException();
            }
            snapshot = resolve(request.getSnapshot());
        } catch (StatusRuntimeException e) {
            response.onError(e);
            return;
        }
        streams.computeIfAbsent(snapshot.info().getDatasetName(), k -> new AtomicInteger())
                .incrementAndGet();
        beforeStreaming(snapshot.info());
        List<Split> splits = request.getSplitsList();
        int batchSize = request.getBatchSize() > 0 ? request.getBatchSize() : DEFAULT_BATCH_SIZE;
        SampleBatch.Builder batch = SampleBatch.newBuilder();
        try (Stream<Sample> samples = snapshot.samples().get()) {
            Iterator<Sample> it = samples.iterator();
            while (it.hasNext()) {
                Sample s = it.next();
                if (!splits.isEmpty() && !splits.contains(s.getSplit())) {
                    continue;
                }
                batch.addSamples(s);
                if (batch.getSamplesCount() == batchSize) {
                    response.onNext(batch.build());
                    batch.clear();
                }
            }
        }
        if (batch.getSamplesCount() > 0) {
            response.onNext(batch.build());
        }
        response.onCompleted();
    }

    /**
     * Called when a StreamSnapshot call found its snapshot, before the first batch is sent: a hook for tests that
     * hold streams back (run such a subclass's StreamSnapshot off the event loop). Does nothing by default.
     */
    protected void beforeStreaming(SnapshotInfo snapshot) {}

    /**
     * A snapshot that was not {@link #put put}: by default the {@link SnapshotSource}'s. Subclasses that generate their
     * own data may override this instead of passing a source.
     */
    protected Optional<Snapshot> find(SnapshotRef ref) {
        return source.find(ref);
    }

    private Snapshot resolve(SnapshotRef ref) {
        if (ref.getVersion() < 0) {
            throw Status.INVALID_ARGUMENT
                    .withDescription("version must be 0 (latest) or positive, got " + ref.getVersion())
                    .asRuntimeException();
        }
        Map<Integer, Snapshot> versions = stored.getOrDefault(ref.getDatasetName(), Map.of());
        Snapshot snapshot = ref.getVersion() == 0
                ? versions.entrySet().stream()
                        .max(Map.Entry.comparingByKey())
                        .map(Map.Entry::getValue)
                        .orElse(null)
                : versions.get(ref.getVersion());
        if (snapshot != null) {
            return snapshot;
        }
        return find(ref)
                .orElseThrow(() -> Status.NOT_FOUND
                        .withDescription("no snapshot " + snapshotId(ref.getDatasetName(), ref.getVersion()))
                        .asRuntimeException());
    }
}
