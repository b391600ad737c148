package io.edgeloop.data.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.edgeloop.proto.events.v1.ImpulseSpec;
import io.edgeloop.proto.events.v1.TrainingSpec;
import org.junit.jupiter.api.Test;

/** Which training specs get the data set's sampling rate. */
class DatasetRateTest {
    @Test
    void anImpulseWithoutARateGetsTheDataSetsAndOtherSpecsStayAsTheyAre() {
        TrainingSpec mfcc = TrainingSpec.newBuilder()
                .setImpulse(ImpulseSpec.newBuilder().setBlock("mfcc"))
                .build();
        assertEquals(
                16000.0,
                SnapshotService.withDatasetRate(mfcc, 16000).getImpulse().getSampleRateHz(),
                0);

        TrainingSpec own = TrainingSpec.newBuilder()
                .setImpulse(ImpulseSpec.newBuilder().setBlock("mfe").setSampleRateHz(8000))
                .build();
        assertEquals(own, SnapshotService.withDatasetRate(own, 16000), "its own rate is kept");
        assertEquals(mfcc, SnapshotService.withDatasetRate(mfcc, 0), "no rate declared: nothing to give");
        TrainingSpec noImpulse = TrainingSpec.newBuilder().setMaxEpochs(3).build();
        assertFalse(SnapshotService.withDatasetRate(noImpulse, 100).hasImpulse(), "no impulse is made up");
    }
}
