package io.edgeloop.data.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Axis names of a time series from its feature names. */
class TimeseriesLayoutTest {
    private static List<String> names(String format, List<String> axes, int length) {
        List<String> out = new ArrayList<>();
        for (String a : axes) {
            for (int i = 0; i < length; i++) {
                out.add(String.format(format, a, i));
            }
        }
        return out;
    }

    @Test
    void indexedFeatureNamesGiveTheAxisNames() {
        List<String> axes = List.of("accX", "accY", "accZ");
        assertEquals(axes, TimeseriesLayout.axisNames(names("%s_%d", axes, 4), 3, 4));
        assertEquals(axes, TimeseriesLayout.axisNames(names("%s[%d]", axes, 4), 3, 4));
        assertEquals(axes, TimeseriesLayout.axisNames(names("%s%d", axes, 4), 3, 4));
        assertEquals(
                List.of("Sensor A (g)"), TimeseriesLayout.axisNames(names("%s.%d", List.of("Sensor A (g)"), 3), 1, 3));
        assertEquals(List.of("x", "y"), TimeseriesLayout.axisNames(List.of("x", "y"), 2, 1));
    }

    @Test
    void otherNamesGiveNumberedAxes() {
        List<String> flat = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            flat.add("f" + i);
        }
        assertEquals(List.of("axis0", "axis1"), TimeseriesLayout.axisNames(flat, 2, 4));
        assertEquals(List.of("f"), TimeseriesLayout.axisNames(flat, 1, 8));
        // two axes of one stem
        assertEquals(
                List.of("axis0", "axis1"), TimeseriesLayout.axisNames(List.of("a_0", "a_1", "a_0x", "a_1x"), 2, 2));
    }
}
