package io.edgeloop.common;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ClassScoresTest {
    @Test
    void aDistributionIsKept() {
        float[] p = {0.1f, 0.7f, 0.2f};
        assertArrayEquals(p, ClassScores.toProbabilities(p));
    }

    @Test
    void logitsGoThroughSoftmax() {
        float[] p = ClassScores.toProbabilities(new float[] {2f, 0f, -1f});
        double e2 = Math.exp(2), e0 = 1, em1 = Math.exp(-1), sum = e2 + e0 + em1;
        assertArrayEquals(new float[] {(float) (e2 / sum), (float) (e0 / sum), (float) (em1 / sum)}, p, 1e-6f);
        // large logits do not overflow
        float[] big = ClassScores.toProbabilities(new float[] {1000f, 999f});
        assertEquals(1.0, big[0] + big[1], 1e-6);
        assertEquals(1 / (1 + Math.exp(-1)), big[0], 1e-6);
    }
}
