package io.edgeloop.monitoring.it;

import io.edgeloop.proto.data.v1.SnapshotRef;
import io.edgeloop.testsupport.InMemoryDatasetService;
import io.edgeloop.testsupport.SensorSamples;
import io.quarkus.grpc.GrpcService;
import java.util.Optional;

/**
 * The shared in-memory double of data-service's DatasetService with this module's data: dataset {@value #DATASET}
 * versions 1 and 2, each {@value #TRAIN_ROWS} TRAIN and {@value #VALIDATION_ROWS} VALIDATION samples from the
 * undrifted SensorSimulator (seed = version). Anything else is NOT_FOUND.
 */
@GrpcService
public class FakeDatasetService extends InMemoryDatasetService {
    static final String DATASET = "vibration";
    /** A second data set of the same readings (the live-baseline test's model). */
    static final String RETRAINED = "retrained";

    static final int TRAIN_ROWS = 1500;
    static final int VALIDATION_ROWS = 300;

    public FakeDatasetService() {
        super(FakeDatasetService::snapshot);
    }

    private static Optional<Snapshot> snapshot(SnapshotRef ref) {
        int version = ref.getVersion();
        String name = ref.getDatasetName();
        if (!(DATASET.equals(name) || RETRAINED.equals(name)) || (version != 1 && version != 2)) {
            return Optional.empty();
        }
        return Optional.of(new Snapshot(
                SensorSamples.info(name, version, TRAIN_ROWS, VALIDATION_ROWS, 0)
                        .build(),
                () -> SensorSamples.generate(version, TRAIN_ROWS, VALIDATION_ROWS, 0)));
    }
}
