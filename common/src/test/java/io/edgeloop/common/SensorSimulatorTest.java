package io.edgeloop.common;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SensorSimulatorTest {

    @Test
    void sameSeedGivesSameReadings() {
        var a = new SensorSimulator(7);
        var b = new SensorSimulator(7);
        for (int i = 0; i < 100; i++) {
            var ra = a.next();
            var rb = b.next();
            assertArrayEquals(ra.features(), rb.features());
            assertEquals(ra.labelIndex(), rb.labelIndex());
        }
    }

    @Test
    void remountedDriftShiftsTemperatureAndAmplitude() {
        double base = meanOf(new SensorSimulator(1), 7, 2000);
        double drifted = meanOf(new SensorSimulator(1).drift(SensorSimulator.Drift.REMOUNTED), 7, 2000);
        assertEquals(18.0, drifted - base, 0.5);
        double rms = meanOf(new SensorSimulator(1), 0, 2000);
        double rmsDrifted = meanOf(new SensorSimulator(1).drift(SensorSimulator.Drift.REMOUNTED), 0, 2000);
        assertEquals(1.8, rmsDrifted / rms, 0.01);
    }

    @Test
    void unknownDriftNameIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> SensorSimulator.Drift.named("sideways"));
        assertTrue(SensorSimulator.Drift.named("none") == SensorSimulator.Drift.NONE);
    }

    @Test
    void traceparentRoundTrips() {
        String tp = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
        var sc = TraceContext.parse(tp).orElseThrow();
        assertEquals(tp, TraceContext.format(sc));
        assertTrue(TraceContext.parse("garbage").isEmpty());
    }

    private static double meanOf(SensorSimulator sim, int feature, int n) {
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += sim.next().features()[feature];
        }
        return sum / n;
    }
}
