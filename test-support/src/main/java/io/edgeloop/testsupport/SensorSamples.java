package io.edgeloop.testsupport;

import io.edgeloop.common.SensorSimulator;
import io.edgeloop.proto.data.v1.Sample;
import io.edgeloop.proto.data.v1.SnapshotInfo;
import io.edgeloop.proto.data.v1.Split;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/** Snapshot data from the demo's {@link SensorSimulator}, for {@link InMemoryDatasetService} sources. */
public final class SensorSamples {
    private SensorSamples() {}

    /** {@code reading} as a sample of {@code split}. */
    public static Sample sample(String sampleId, SensorSimulator.Reading reading, Split split) {
        Sample.Builder s = Sample.newBuilder()
                .setSampleId(sampleId)
                .setLabelIndex(reading.labelIndex())
                .setLabel(reading.label())
                .setSplit(split);
        for (float f : reading.features()) {
            s.addFeatures(f);
        }
        return s.build();
    }

    /**
     * The first {@code train + validation + test} readings of an undrifted {@code SensorSimulator(seed)}: samples
     * {@code s-00000}, {@code s-00001}, ... of split TRAIN, then VALIDATION, then TEST. The same seed gives the same
     * samples.
     */
    public static Stream<Sample> generate(long seed, int train, int validation, int test) {
        SensorSimulator sim = new SensorSimulator(seed);
        return IntStream.range(0, train + validation + test)
                .mapToObj(i -> sample(
                        String.format("s-%05d", i),
                        sim.next(),
                        i < train ? Split.TRAIN : i < train + validation ? Split.VALIDATION : Split.TEST));
    }

    /**
     * The description of a snapshot of {@link #generate generated} samples: {@code name@vN}, the simulator's feature
     * count and class labels, the split counts.
     */
    public static SnapshotInfo.Builder info(String datasetName, int version, int train, int validation, int test) {
        return SnapshotInfo.newBuilder()
                .setDatasetName(datasetName)
                .setVersion(version)
                .setSnapshotId(InMemoryDatasetService.snapshotId(datasetName, version))
                .setFeatureCount(SensorSimulator.featureCount())
                .addAllClassLabels(SensorSimulator.LABELS)
                .setTrainCount(train)
                .setValidationCount(validation)
                .setTestCount(test);
    }
}
