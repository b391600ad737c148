package io.edgeloop.training.it;

import io.edgeloop.common.Hashing;
import io.edgeloop.proto.data.v1.SampleBatch;
import io.edgeloop.proto.data.v1.SnapshotInfo;
import io.edgeloop.proto.data.v1.SnapshotRef;
import io.edgeloop.proto.data.v1.StreamSnapshotRequest;
import io.edgeloop.testsupport.InMemoryDatasetService;
import io.edgeloop.testsupport.SensorSamples;
import io.grpc.stub.StreamObserver;
import io.quarkus.grpc.GrpcService;
import io.smallrye.common.annotation.Blocking;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The shared in-memory double of data-service's DatasetService with this module's data: datasets the test defines,
 * each version a deterministic sample of SensorSimulator readings (400 train, 100 validation, 100 test) seeded by its
 * snapshot id. Streams of a held dataset wait until the test opens its gate.
 */
@GrpcService
public class FakeDatasetService extends InMemoryDatasetService {
    static final int TRAIN = 400;
    static final int VALIDATION = 100;
    static final int TEST = 100;

    /** Latest version per defined dataset. */
    private final Map<String, Integer> latest = new ConcurrentHashMap<>();
    /** Data kind and sample shape per dataset that declares one (others send neither, like an older data-service). */
    private final Map<String, Map.Entry<String, List<Integer>>> layouts = new ConcurrentHashMap<>();

    private final Map<String, Double> rates = new java.util.concurrent.ConcurrentHashMap<>();
    /** Datasets whose StreamSnapshot waits until the test opens the gate. */
    private final Map<String, CountDownLatch> gates = new ConcurrentHashMap<>();

    void define(String name, int latestVersion) {
        latest.put(name, latestVersion);
    }

    void define(String name, int latestVersion, String dataKind, List<Integer> sampleShape) {
        layouts.put(name, Map.entry(dataKind, sampleShape));
        define(name, latestVersion);
    }

    /** As above, for a data set recorded at {@code sampleRateHz}. */
    void define(String name, int latestVersion, String dataKind, List<Integer> sampleShape, double sampleRateHz) {
        rates.put(name, sampleRateHz);
        define(name, latestVersion, dataKind, sampleShape);
    }

    /** StreamSnapshot calls for {@code dataset} wait (up to a minute) until {@code gate} opens. */
    void hold(String dataset, CountDownLatch gate) {
        gates.put(dataset, gate);
    }

    static String contentHash(String name, int version) {
        return Hashing.sha256Hex((name + "@v" + version + "/" + TRAIN + "/" + VALIDATION + "/" + TEST).getBytes());
    }

    @Override
    @Blocking // a held stream waits: keep it off the event loop
    public void streamSnapshot(StreamSnapshotRequest request, StreamObserver<SampleBatch> response) {
        super.streamSnapshot(request, response);
    }

    @Override
    protected void beforeStreaming(SnapshotInfo snapshot) {
        CountDownLatch gate = gates.get(snapshot.getDatasetName());
        if (gate != null) {
            try {
                gate.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    protected Optional<Snapshot> find(SnapshotRef ref) {
        Integer newest = latest.get(ref.getDatasetName());
        if (newest == null || ref.getVersion() > newest) {
            return Optional.empty();
        }
        String name = ref.getDatasetName();
        int version = ref.getVersion() == 0 ? newest : ref.getVersion();
        SnapshotInfo.Builder info =
                SensorSamples.info(name, version, TRAIN, VALIDATION, TEST).setContentHash(contentHash(name, version));
        Map.Entry<String, List<Integer>> layout = layouts.get(name);
        if (layout != null) {
            info.setDataKind(layout.getKey()).addAllSampleShape(layout.getValue());
        }
        info.setSampleRateHz(rates.getOrDefault(name, 0.0));
        long seed = snapshotId(name, version).hashCode();
        return Optional.of(new Snapshot(info.build(), () -> SensorSamples.generate(seed, TRAIN, VALIDATION, TEST)));
    }
}
