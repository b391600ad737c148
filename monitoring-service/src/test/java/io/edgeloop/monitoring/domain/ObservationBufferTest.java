package io.edgeloop.monitoring.domain;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ObservationBufferTest {
    /** A chunk of {@code rows} 2-feature rows (v, -v) with v = start, start+1, ... */
    private static ObservationBuffer.Chunk chunk(long id, String device, int rows, int start) {
        float[] data = new float[rows * 2];
        for (int r = 0; r < rows; r++) {
            data[2 * r] = start + r;
            data[2 * r + 1] = -(start + r);
        }
        return new ObservationBuffer.Chunk(id, device, rows, 2, data);
    }

    @Test
    void selectsTheNewestRowsOldestFirst() {
        // arrival order: chunk 1 rows 0..3, chunk 2 rows 4..6, chunk 3 rows 7..8
        List<ObservationBuffer.Chunk> newestFirst =
                List.of(chunk(3, "c", 2, 7), chunk(2, "b", 3, 4), chunk(1, "a", 4, 0));
        ObservationBuffer.Selection s = ObservationBuffer.select(newestFirst, 2, 6);
        assertEquals(6, s.rows());
        assertArrayEquals(new double[] {3, 4, 5, 6, 7, 8}, s.columns()[0]);
        assertArrayEquals(new double[] {-3, -4, -5, -6, -7, -8}, s.columns()[1]);
        assertEquals(Set.of("a", "b", "c"), s.deviceIds());
    }

    @Test
    void usesEverythingBelowCapacityAndSkipsOtherWidths() {
        ObservationBuffer.Chunk wide = new ObservationBuffer.Chunk(4, "w", 1, 3, new float[3]);
        ObservationBuffer.Selection s =
                ObservationBuffer.select(List.of(wide, chunk(2, "b", 3, 4), chunk(1, "a", 1, 0)), 2, 100);
        assertEquals(4, s.rows());
        assertArrayEquals(new double[] {0, 4, 5, 6}, s.columns()[0]);
        assertEquals(Set.of("a", "b"), s.deviceIds());
    }

    @Test
    void oldestNeededChunkCoversTheCapacity() {
        List<Long> ids = List.of(9L, 7L, 4L, 2L);
        List<Integer> rows = List.of(100, 100, 100, 100);
        assertEquals(7L, ObservationBuffer.oldestNeeded(ids, rows, 200));
        assertEquals(4L, ObservationBuffer.oldestNeeded(ids, rows, 250));
        assertEquals(Long.MIN_VALUE, ObservationBuffer.oldestNeeded(ids, rows, 401));
    }

    @Test
    void chunkSizeMustMatchItsShape() {
        assertThrows(IllegalArgumentException.class, () -> new ObservationBuffer.Chunk(1, "d", 2, 3, new float[5]));
    }
}
