package io.edgeloop.monitoring.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Timestamp;
import io.edgeloop.common.ProtoTime;
import io.edgeloop.proto.telemetry.v1.FeatureStats;
import io.edgeloop.proto.telemetry.v1.InferenceRecord;
import io.edgeloop.proto.telemetry.v1.ListWindowsRequest;
import io.edgeloop.proto.telemetry.v1.TelemetryWindow;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class TelemetryValidationTest {
    private static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");

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
                .setWindowStart(ProtoTime.of(NOW.minusSeconds(62)))
                .setWindowEnd(ProtoTime.of(NOW.minusSeconds(2)))
                .putPredictedClassCounts("normal", 10);
    }

    @Test
    void acceptsAWellFormedWindow() {
        assertEquals(List.of(), TelemetryValidation.problems(valid().build(), NOW));
    }

    private static InferenceRecord.Builder record(String id) {
        return InferenceRecord.newBuilder()
                .setInferenceId(id)
                .setPredictedClass(1)
                .setConfidence(0.7f)
                .setInferredAt(ProtoTime.of(NOW.minusSeconds(10)));
    }

    @Test
    void inferenceRecordsAreChecked() {
        assertEquals(
                List.of(),
                TelemetryValidation.problems(
                        valid().addInferences(record("i-1")).build(), NOW));
        List<String> p = TelemetryValidation.problems(
                valid().addInferences(record("i-1"))
                        .addInferences(record(" ")
                                .setPredictedClass(-1)
                                .setConfidence(1.5f)
                                .clearInferredAt())
                        .build(),
                NOW);
        assertEquals(
                List.of(
                        "inferences[1].inference_id is required",
                        "inferences[1].predicted_class must be between 0 and 1023, was -1",
                        "inferences[1].confidence must be between 0 and 1, was 1.5",
                        "inferences[1].inferred_at is required"),
                p);
        TelemetryWindow.Builder tooMany = valid().setInferenceCount(1);
        tooMany.addInferences(record("a")).addInferences(record("b"));
        assertTrue(TelemetryValidation.problems(tooMany.build(), NOW).get(0).startsWith("inferences has 2 records"));
        assertTrue(TelemetryValidation.problems(
                        valid().addInferences(record("a").setConfidence(Float.NaN))
                                .build(),
                        NOW)
                .get(0)
                .startsWith("inferences[0].confidence"));
    }

    @Test
    void reportsEveryMissingIdentifier() {
        List<String> p = TelemetryValidation.problems(
                valid().clearDeviceId().clearModelName().clearWindowId().build(), NOW);
        assertEquals(3, p.size(), p.toString());
        assertTrue(p.contains("device_id is required"));
        assertTrue(p.contains("model_name is required"));
        assertTrue(p.contains("window_id is required"));
    }

    @Test
    void sampleMustBeSampleCountTimesFeatureCount() {
        List<String> p = TelemetryValidation.problems(valid().setSampleCount(3).build(), NOW);
        assertEquals(1, p.size(), p.toString());
        assertTrue(p.get(0).startsWith("input_sample has 4 values, expected"), p.get(0));
    }

    @Test
    void rejectsNonFiniteAndNegativeValues() {
        List<String> p = TelemetryValidation.problems(
                valid().setInputSample(1, Float.NaN)
                        .setModelVersion(0)
                        .setErrorCount(-1)
                        .putPredictedClassCounts("fault", -2)
                        .build(),
                NOW);
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
        assertEquals(List.of(), TelemetryValidation.problems(errorsOnly, NOW));
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
        assertEquals(List.of(), TelemetryValidation.problems(withEmptyStats, NOW));
        List<String> p = TelemetryValidation.problems(
                withEmptyStats.toBuilder().setInferenceCount(1).build(), NOW);
        assertEquals(List.of("feature_stats[0] has a non-finite value", "feature_stats[1] has a non-finite value"), p);
    }

    @Test
    void sourceMustBeLiveOrSimulator() {
        assertEquals(
                List.of(),
                TelemetryValidation.problems(valid().setSource("simulator").build(), NOW));
        assertEquals(
                List.of(),
                TelemetryValidation.problems(valid().setSource("live").build(), NOW));
        assertEquals(
                "simulator",
                TelemetryValidation.source(valid().setSource("simulator").build()));
        List<String> p = TelemetryValidation.problems(
                valid().setSource("Simulator").setClientErrorCount(-3).build(), NOW);
        assertEquals(2, p.size(), p.toString());
        assertTrue(p.get(0).startsWith("client_error_count must be between 0 and"), p.get(0));
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
        assertEquals(
                List.of("since must be between 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z"),
                TelemetryValidation.problems(ListWindowsRequest.newBuilder()
                        .setDeviceId("d")
                        .setSince(Timestamp.newBuilder().setSeconds(Long.MAX_VALUE))
                        .build()));
    }

    @Test
    void sizesAreBounded() {
        int features = TelemetryValidation.MAX_FEATURE_COUNT + 1;
        List<String> p = TelemetryValidation.problems(
                valid().setFeatureCount(features)
                        .setSampleCount(TelemetryValidation.MAX_SAMPLE_COUNT + 1)
                        .build(),
                NOW);
        assertTrue(p.get(0).startsWith("feature_count must be between 0 and 4096, was 4097"), p.toString());
        assertTrue(p.get(1).startsWith("sample_count must be between 0 and 1024, was 1025"), p.toString());

        // within both bounds, but too many values in all: refused without walking them
        TelemetryWindow.Builder wide =
                valid().clearInputSample().setFeatureCount(4096).setSampleCount(100);
        for (int i = 0; i < 4096 * 100; i++) {
            wide.addInputSample(0.5f);
        }
        p = TelemetryValidation.problems(wide.build(), NOW);
        assertEquals(List.of("input_sample has 409600 values, at most 262144 are accepted"), p);

        TelemetryWindow.Builder stats = valid();
        for (int i = 0; i < features; i++) {
            stats.addFeatureStats(FeatureStats.getDefaultInstance());
        }
        p = TelemetryValidation.problems(stats.build(), NOW);
        assertEquals(List.of("feature_stats has 4097 entries, at most 4096 are accepted"), p);
    }

    @Test
    void countsAreBounded() {
        TelemetryWindow.Builder classes = valid().clearPredictedClassCounts();
        for (int i = 0; i <= TelemetryValidation.MAX_PREDICTED_CLASSES; i++) {
            classes.putPredictedClassCounts("class-" + i, 1);
        }
        assertEquals(
                List.of("predicted_class_counts has 1025 entries, at most 1024 are accepted"),
                TelemetryValidation.problems(classes.build(), NOW));

        long tooMany = TelemetryValidation.MAX_COUNT + 1;
        List<String> p = TelemetryValidation.problems(
                valid().setInferenceCount(tooMany)
                        .setErrorCount(tooMany)
                        .setClientErrorCount(Long.MAX_VALUE)
                        .putPredictedClassCounts("normal", tooMany)
                        .build(),
                NOW);
        assertEquals(
                List.of(
                        "inference_count must be between 0 and 1000000000, was 1000000001",
                        "error_count must be between 0 and 1000000000, was 1000000001",
                        "client_error_count must be between 0 and 1000000000, was " + Long.MAX_VALUE,
                        "predicted_class_counts[normal] must be between 0 and 1000000000, was 1000000001"),
                p);
        assertEquals(
                List.of(),
                TelemetryValidation.problems(
                        valid().setInferenceCount(TelemetryValidation.MAX_COUNT).build(), NOW));
    }

    @Test
    void windowsAreBoundedInTime() {
        // up to the bounds: accepted
        assertEquals(
                List.of(),
                TelemetryValidation.problems(
                        valid().setWindowStart(ProtoTime.of(NOW.minus(Duration.ofDays(30))))
                                .setWindowEnd(ProtoTime.of(NOW.minus(Duration.ofDays(29))))
                                .build(),
                        NOW));
        assertEquals(
                List.of(),
                TelemetryValidation.problems(
                        valid().setWindowEnd(ProtoTime.of(NOW.plus(Duration.ofMinutes(5))))
                                .build(),
                        NOW));

        List<String> p = TelemetryValidation.problems(
                valid().setWindowEnd(
                                ProtoTime.of(NOW.plus(Duration.ofMinutes(5)).plusNanos(1)))
                        .build(),
                NOW);
        assertEquals(List.of("window_end is more than 5 minutes in the future (after 2026-06-01T12:05:00Z)"), p);

        p = TelemetryValidation.problems(
                valid().setWindowStart(ProtoTime.of(NOW.minus(Duration.ofDays(31))))
                        .build(),
                NOW);
        assertEquals(List.of("window_start is more than 30 days old (before 2026-05-02T12:00:00Z)"), p);

        p = TelemetryValidation.problems(
                valid().setWindowStart(ProtoTime.of(NOW.minus(Duration.ofHours(25))))
                        .build(),
                NOW);
        assertEquals(List.of("window_end - window_start must be at most 86400 s, was 89998 s"), p);

        p = TelemetryValidation.problems(
                valid().setWindowStart(Timestamp.newBuilder().setSeconds(Long.MAX_VALUE))
                        .setWindowEnd(Timestamp.newBuilder().setSeconds(Long.MIN_VALUE))
                        .build(),
                NOW);
        assertEquals(2, p.size(), p.toString());
        assertTrue(p.get(0).startsWith("window_start is not a valid timestamp"), p.get(0));
        assertTrue(p.get(1).startsWith("window_end is not a valid timestamp"), p.get(1));

        p = TelemetryValidation.problems(
                valid().setWindowEnd(Timestamp.newBuilder()
                                .setSeconds(NOW.getEpochSecond())
                                .setNanos(-1))
                        .build(),
                NOW);
        assertEquals(List.of("window_end has nanos outside 0..999999999"), p);
    }

    @Test
    void idsAndLabelsRefuseControlCharacters() {
        List<String> p = TelemetryValidation.problems(
                valid().setWindowId("w\u0000")
                        .setDeviceId("dev\u0001")
                        .putPredictedClassCounts("a\u0000b", 1)
                        .build(),
                NOW);
        assertEquals(
                List.of(
                        "window_id contains a control character",
                        "device_id contains a control character",
                        "predicted_class_counts has a blank or too long label, or one with a control character"),
                p);
        assertEquals(
                List.of("device_id contains a control character"),
                TelemetryValidation.problems(
                        ListWindowsRequest.newBuilder().setDeviceId("a\u0000b").build()));
    }
}
