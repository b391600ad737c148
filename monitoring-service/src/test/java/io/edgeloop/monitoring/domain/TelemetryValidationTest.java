package io.edgeloop.monitoring.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgeloop.proto.telemetry.v1.TelemetryWindow;
import java.util.List;
import org.junit.jupiter.api.Test;

class TelemetryValidationTest {
    private static TelemetryWindow.Builder valid() {
        return TelemetryWindow.newBuilder()
                .setWindowId("w-1")
                .setDeviceId("dev-1")
                .setModelName("vibration")
                .setModelVersion(1)
                .setFeatureCount(2)
                .setSampleCount(2)
                .addInputSample(1f)
                .addInputSample(2f)
                .addInputSample(3f)
                .addInputSample(4f)
                .setInferenceCount(10)
                .putPredictedClassCounts("normal", 10);
    }

    @Test
    void acceptsAWellFormedWindow() {
        assertEquals(List.of(), TelemetryValidation.problems(valid().build()));
    }

    @Test
    void reportsEveryMissingIdentifier() {
        List<String> p = TelemetryValidation.problems(
                valid().clearDeviceId().clearModelName().clearWindowId().build());
        assertEquals(3, p.size(), p.toString());
        assertTrue(p.contains("device_id is required"));
        assertTrue(p.contains("model_name is required"));
        assertTrue(p.contains("window_id is required"));
    }

    @Test
    void sampleMustBeSampleCountTimesFeatureCount() {
        List<String> p = TelemetryValidation.problems(valid().setSampleCount(3).build());
        assertEquals(1, p.size(), p.toString());
        assertTrue(p.get(0).startsWith("input_sample has 4 values, expected"), p.get(0));
    }

    @Test
    void rejectsNonFiniteAndNegativeValues() {
        List<String> p = TelemetryValidation.problems(valid().setInputSample(1, Float.NaN)
                .setModelVersion(0)
                .setErrorCount(-1)
                .putPredictedClassCounts("fault", -2)
                .build());
        assertEquals(4, p.size(), p.toString());
    }
}
