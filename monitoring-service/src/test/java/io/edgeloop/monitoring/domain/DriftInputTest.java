package io.edgeloop.monitoring.domain;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgeloop.proto.telemetry.v1.TelemetryWindow;
import org.junit.jupiter.api.Test;

/** Which windows' input samples feed drift detection ({@link TelemetryIntake#feedsDrift}). */
class DriftInputTest {
    private static TelemetryWindow.Builder sampled() {
        return TelemetryWindow.newBuilder()
                .setWindowId("w")
                .setDeviceId("d")
                .setModelName("m")
                .setModelVersion(1)
                .setInferenceCount(5)
                .setFeatureCount(1)
                .setSampleCount(2)
                .addInputSample(1f)
                .addInputSample(2f);
    }

    @Test
    void liveSamplesOfInferencesThatRanFeedDrift() {
        assertTrue(TelemetryIntake.feedsDrift(sampled().build(), false));
        assertTrue(TelemetryIntake.feedsDrift(sampled().setSource("live").build(), false));
    }

    @Test
    void windowsWithoutRowsOrWithoutSuccessfulInferencesDoNot() {
        TelemetryWindow errorsOnly = TelemetryWindow.newBuilder()
                .setWindowId("w")
                .setErrorCount(4)
                .setClientErrorCount(1)
                .build();
        assertFalse(TelemetryIntake.feedsDrift(errorsOnly, true));
        assertFalse(TelemetryIntake.feedsDrift(
                sampled().setInferenceCount(0).setErrorCount(2).build(), true));
    }

    @Test
    void simulatedTrafficFeedsDriftOnlyWhenIncluded() {
        TelemetryWindow simulated = sampled().setSource("simulator").build();
        assertTrue(TelemetryIntake.feedsDrift(simulated, true));
        assertFalse(TelemetryIntake.feedsDrift(simulated, false));
    }

    @Test
    void syntheticInputsNeverFeedDrift() {
        TelemetryWindow synthetic = sampled().setSource("synthetic").build();
        assertFalse(TelemetryIntake.feedsDrift(synthetic, true));
        assertFalse(TelemetryIntake.feedsDrift(synthetic, false));
    }
}
