package io.edgeloop.data.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

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
    void bucketIsTheFirstEightBytesModHundred() {
        // 0x0000000000000065 = 101 -> 1; 0xffffffffffffffff = 18446744073709551615 -> 15 (unsigned)
        assertEquals(1, SampleKeys.bucket("0000000000000065" + "0".repeat(48)));
        assertEquals(15, SampleKeys.bucket("ffffffffffffffff" + "0".repeat(48)));
    }
}
