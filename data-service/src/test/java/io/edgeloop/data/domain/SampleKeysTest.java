package io.edgeloop.data.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SampleKeysTest {
    @Test
    void idsAreContentAddressedPerDataset() {
        String id = SampleKeys.sampleId("a", new float[] {1f, 2f}, "normal");
        assertEquals(id, SampleKeys.sampleId("a", new float[] {1f, 2f}, "normal"));
        assertNotEquals(id, SampleKeys.sampleId("b", new float[] {1f, 2f}, "normal"));
        assertNotEquals(id, SampleKeys.sampleId("a", new float[] {2f, 1f}, "normal"));
        assertNotEquals(id, SampleKeys.sampleId("a", new float[] {1f, 2f}, "bearing"));
        assertEquals(SampleKeys.sampleId("a", new float[] {0f}, "x"), SampleKeys.sampleId("a", new float[] {-0f}, "x"));
    }

    @Test
    void theContentKeyIgnoresTheDatasetName() {
        assertEquals(SampleKeys.sampleId("", new float[] {1f}, "x"), SampleKeys.contentKey(new float[] {1f}, "x"));
    }

    @Test
    void everyClassStaysWithinOneSampleOfItsShares() {
        // one class already has 10 stored samples, all in train; the other starts empty
        SplitPlanner planner = new SplitPlanner(70, 15, new long[][] {{10, 0, 0}, {0, 0, 0}});
        for (int i = 1; i <= 40; i++) {
            planner.assign(1);
            long[] n = planner.counts(1);
            assertTrue(
                    Math.abs(n[0] - 0.70 * i) < 1 && Math.abs(n[1] - 0.15 * i) < 1 && Math.abs(n[2] - 0.15 * i) < 1,
                    i + " samples: " + java.util.Arrays.toString(n));
        }
        // the skewed class catches up: its next samples go to validation and test first
        assertEquals(Split.VALIDATION, planner.assign(0));
        assertEquals(Split.TEST, planner.assign(0));
        // 0 % validation is never chosen
        SplitPlanner noValidation = new SplitPlanner(80, 0, new long[][] {{0, 0, 0}});
        for (int i = 0; i < 20; i++) {
            assertNotEquals(Split.VALIDATION, noValidation.assign(0));
        }
        assertEquals(16, noValidation.counts(0)[0]);
    }
}
