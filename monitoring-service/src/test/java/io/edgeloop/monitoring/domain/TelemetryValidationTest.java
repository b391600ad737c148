package io.edgeloop.monitoring.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Timestamp;
import io.edgeloop.proto.telemetry.v1.FeatureStats;
import io.edgeloop.proto.telemetry.v1.ListWindowsRequest;
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

    @Test
    void errorOnlyWindowsAreValid() {
        TelemetryWindow errorsOnly = TelemetryWindow.newBuilder()
                .setWindowId("w-2")
                .setDeviceId("dev-1")
                .setModelName("vibration")
                .setModelVersion(1)
                .setErrorCount(5)
                .setClientErrorCount(2)
                .build();
        assertEquals(List.of(), TelemetryValidation.problems(errorsOnly));
        assertEquals("live", TelemetryValidation.source(errorsOnly));
        // as an agent sends it: statistics of no inference, min/max still at their +-infinity start values
        FeatureStats empty = FeatureStats.newBuilder()
                .setMin(Double.POSITIVE_INFINITY)
                .setMax(Double.NEGATIVE_INFINITY)
                .build();
        TelemetryWindow withEmptyStats = errorsOnly.toBuilder()
                .setFeatureCount(2)
                .addFeatureStats(empty)
                .addFeatureStats(empty)
                .build();
        assertEquals(List.of(), TelemetryValidation.problems(withEmptyStats));
        List<String> p = TelemetryValidation.problems(
                withEmptyStats.toBuilder().setInferenceCount(1).build());
        assertEquals(List.of("feature_stats[0] has a non-finite value", "feature_stats[1] has a non-finite value"), p);
    }

    @Test
    void sourceMustBeLiveOrSimulator() {
        assertEquals(
                List.of(),
                TelemetryValidation.problems(valid().setSource("simulator").build()));
        assertEquals(
                List.of(),
                TelemetryValidation.problems(valid().setSource("live").build()));
        assertEquals(
                "simulator",
                TelemetryValidation.source(valid().setSource("simulator").build()));
        List<String> p = TelemetryValidation.problems(
                valid().setSource("Simulator").setClientErrorCount(-3).build());
        assertEquals(2, p.size(), p.toString());
        assertTrue(p.get(0).startsWith("client_error_count must be >= 0"), p.get(0));
        assertTrue(p.get(1).startsWith("source must be"), p.get(1));
    }

    @Test
    void listRequestsNameEveryBadField() {
        assertEquals(
                List.of(),
                TelemetryValidation.problems(
                        ListWindowsRequest.newBuilder().setDeviceId("d").build()));
        List<String> p = TelemetryValidation.problems(ListWindowsRequest.newBuilder()
                .setModelVersion(3)
                .setLimit(501)
                .setSince(Timestamp.newBuilder().setNanos(-1))
                .build());
        assertEquals(4, p.size(), p.toString());
        assertEquals("device_id is required", p.get(0));
        assertEquals("model_version needs model_name", p.get(1));
        assertTrue(p.get(2).startsWith("limit must be between 0 and 500"), p.get(2));
        assertTrue(p.get(3).startsWith("since"), p.get(3));
    }
}
