package io.edgeloop.agent.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgeloop.common.ProtoTime;
import io.edgeloop.common.sketch.FeatureSketches;
import io.edgeloop.proto.telemetry.v1.TelemetryWindow;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.apache.datasketches.kll.KllFloatsSketch;
import org.junit.jupiter.api.Test;

class TelemetryAccumulatorTest {
    private static final ModelDescriptor V1 =
            new ModelDescriptor("d1", "vibration", 1, "v1-fp32", "a", "onnx", List.of(), 0, null);
    private static final ModelDescriptor V2 =
            new ModelDescriptor("d2", "vibration", 2, "v2-ort", "b", "ort", List.of(), 0, null);

    /** A clock the test moves by hand. */
    private static final class ManualClock extends Clock {
        Instant now = Instant.parse("2030-01-01T00:00:00Z");

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @Test
    void byDefaultAWindowCarriesOneSketchPerFeatureOfEveryInputAndNoRawRow() {
        ManualClock clock = new ManualClock();
        var acc = new TelemetryAccumulator(
                "edge-7", InputSummary.sketch(200), 10, 10, InputCapture.NONE, new Random(3), clock);
        Random data = new Random(5);
        for (int i = 0; i < 1000; i++) {
            acc.record(V1, new float[] {(float) data.nextGaussian(), i}, "normal", 5);
        }
        clock.now = clock.now.plusSeconds(2);
        acc.roll();

        TelemetryWindow w = acc.pending().get(0);
        assertEquals(0, w.getSampleCount());
        assertEquals(0, w.getInputSampleCount(), "no raw input leaves the device");
        assertEquals(2, w.getFeatureSketchesCount());
        KllFloatsSketch second =
                FeatureSketches.read(w.getFeatureSketches(1).getKll().toByteArray());
        assertEquals(1000, second.getN(), "every input, not a sample");
        assertEquals(0f, second.getMinItem());
        assertEquals(999f, second.getMaxItem());
        double median = second.getQuantile(0.5);
        assertTrue(Math.abs(median - 500) <= 1000 * second.getNormalizedRankError(false), "median " + median);
        assertTrue(
                w.getFeatureSketches(0).getKll().size() < 1000 * 4,
                "smaller than the raw values: "
                        + w.getFeatureSketches(0).getKll().size() + " bytes");

        var both = new TelemetryAccumulator(
                "edge-7",
                new InputSummary(InputSummary.Mode.BOTH, 200, 4),
                10,
                10,
                InputCapture.NONE,
                new Random(3),
                clock);
        both.record(V1, new float[] {1, 2}, "normal", 5);
        both.roll();
        assertEquals(1, both.pending().get(0).getSampleCount());
        assertEquals(2, both.pending().get(0).getFeatureSketchesCount());
        assertThrows(IllegalArgumentException.class, () -> new InputSummary(InputSummary.Mode.SKETCH, 2, 0));
    }

    @Test
    void windowStatisticsMatchAnIndependentComputation() {
        ManualClock clock = new ManualClock();
        var acc = new TelemetryAccumulator("edge-7", 16, 10, new Random(3), clock);
        Random data = new Random(99);
        int n = 200;
        List<float[]> rows = new ArrayList<>();
        List<Long> latencies = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            float[] x = {(float) data.nextGaussian() * 2 + 5, (float) data.nextDouble() * 10, i};
            long latency = 10 + data.nextInt(1000);
            rows.add(x);
            latencies.add(latency);
            acc.record(V1, x, i % 4 == 0 ? "imbalance" : "normal", latency);
        }
        acc.recordError(V1);
        acc.recordError(V1);
        Instant start = clock.now;
        clock.now = start.plusSeconds(2);
        acc.roll();

        List<TelemetryWindow> pending = acc.pending();
        assertEquals(1, pending.size());
        TelemetryWindow w = pending.get(0);
        assertEquals("edge-7", w.getDeviceId());
        assertEquals("vibration", w.getModelName());
        assertEquals(1, w.getModelVersion());
        assertEquals("v1-fp32", w.getVariantId());
        assertEquals(start, ProtoTime.toInstant(w.getWindowStart()));
        assertEquals(clock.now, ProtoTime.toInstant(w.getWindowEnd()));
        assertEquals(n, w.getInferenceCount());
        assertEquals(2, w.getErrorCount());
        assertEquals(3, w.getFeatureCount());
        assertEquals(Map.of("imbalance", 50L, "normal", 150L), w.getPredictedClassCountsMap());

        for (int f = 0; f < 3; f++) {
            double sum = 0;
            double min = Double.MAX_VALUE;
            double max = -Double.MAX_VALUE;
            for (float[] r : rows) {
                sum += r[f];
                min = Math.min(min, r[f]);
                max = Math.max(max, r[f]);
            }
            double mean = sum / n;
            double sq = 0;
            for (float[] r : rows) {
                sq += (r[f] - mean) * (r[f] - mean);
            }
            var stats = w.getFeatureStats(f);
            assertEquals(mean, stats.getMean(), 1e-6);
            assertEquals(Math.sqrt(sq / n), stats.getStd(), 1e-6);
            assertEquals(min, stats.getMin(), 0);
            assertEquals(max, stats.getMax(), 0);
        }
        assertEquals(0.0, w.getFeatureStats(2).getMin(), 0);
        assertEquals(n - 1.0, w.getFeatureStats(2).getMax(), 0);

        // the reservoir holds 16 distinct input rows, row-major
        assertEquals(16, w.getSampleCount());
        assertEquals(16 * 3, w.getInputSampleCount());
        Set<Float> sampledIds = new HashSet<>();
        for (int s = 0; s < 16; s++) {
            float id = w.getInputSample(s * 3 + 2);
            float[] original = rows.get((int) id);
            assertEquals(original[0], w.getInputSample(s * 3), 0);
            assertEquals(original[1], w.getInputSample(s * 3 + 1), 0);
            sampledIds.add(id);
        }
        assertEquals(16, sampledIds.size());
        assertTrue(sampledIds.stream().anyMatch(id -> id >= 16), "later rows replace early ones");

        List<Long> sorted = latencies.stream().sorted().toList();
        assertEquals(sorted.get(99), (long) w.getLatencyP50Us()); // nearest rank: ceil(0.5 * 200) = 100th
        assertEquals(sorted.get(197), (long) w.getLatencyP99Us()); // ceil(0.99 * 200) = 198th
    }

    @Test
    void emptyWindowsAreNotSentAndModelChangesSplitWindows() {
        ManualClock clock = new ManualClock();
        var acc = new TelemetryAccumulator("edge-1", 4, 10, new Random(1), clock);
        acc.roll();
        assertTrue(acc.pending().isEmpty());

        acc.record(V1, new float[] {1, 2}, "normal", 5);
        acc.record(V2, new float[] {3, 4}, "normal", 7);
        acc.record(V2, new float[] {5, 6}, "imbalance", 9);
        acc.roll();
        List<TelemetryWindow> pending = acc.pending();
        assertEquals(2, pending.size());
        assertEquals(1, pending.get(0).getModelVersion());
        assertEquals(1, pending.get(0).getInferenceCount());
        assertEquals(2, pending.get(1).getModelVersion());
        assertEquals(2, pending.get(1).getInferenceCount());
        assertEquals(4.0, pending.get(1).getFeatureStats(0).getMean(), 1e-9);
        assertNotEquals(pending.get(0).getWindowId(), pending.get(1).getWindowId());

        acc.acknowledge(pending.get(0).getWindowId());
        assertEquals(List.of(pending.get(1)), acc.pending(), "an unsent window stays queued with its id");
    }

    @Test
    void queueIsBoundedDroppingTheOldest() {
        var acc = new TelemetryAccumulator("edge-1", 4, 3, new Random(1), new ManualClock());
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            acc.record(V1, new float[] {i}, "normal", 1);
            acc.roll();
            ids.add(acc.pending().get(acc.pending().size() - 1).getWindowId());
        }
        assertEquals(
                ids.subList(2, 5),
                acc.pending().stream().map(TelemetryWindow::getWindowId).toList());
        assertEquals(2, acc.droppedWindows());
    }

    @Test
    void classifiedInferencesAreItemizedUpToTheCapAndSurviveTheSpool(
            @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        ManualClock clock = new ManualClock();
        var acc = new TelemetryAccumulator("edge-1", 4, 10, 2, new Random(1), clock);
        float[] x = {1f, 2f};
        acc.record(V1, TelemetryAccumulator.LIVE, x, new TelemetryAccumulator.Outcome("inf-1", "normal", 0, 0.9f), 5);
        clock.now = clock.now.plusMillis(10);
        acc.record(
                V1, TelemetryAccumulator.LIVE, x, new TelemetryAccumulator.Outcome("inf-2", "imbalance", 1, 0.6f), 5);
        acc.record(V1, TelemetryAccumulator.LIVE, x, new TelemetryAccumulator.Outcome("inf-3", "normal", 0, 0.7f), 5);
        acc.record(V1, x, "normal", 5); // no id: counted, not itemized
        acc.record(V1, TelemetryAccumulator.LIVE, x, new TelemetryAccumulator.Outcome("reg", null, -1, 0f), 5);
        acc.roll();
        TelemetryWindow w = acc.pending().get(0);
        assertEquals(5, w.getInferenceCount());
        assertEquals(2, w.getInferencesCount(), "capped at 2 records per window");
        assertEquals("inf-1", w.getInferences(0).getInferenceId());
        assertEquals(0, w.getInferences(0).getPredictedClass());
        assertEquals(0.9f, w.getInferences(0).getConfidence());
        assertEquals(
                ProtoTime.of(Instant.parse("2030-01-01T00:00:00Z")),
                w.getInferences(0).getInferredAt());
        assertEquals("inf-2", w.getInferences(1).getInferenceId());
        assertEquals(1, w.getInferences(1).getPredictedClass());
        assertEquals(0.6f, w.getInferences(1).getConfidence());

        // spooled windows keep their records; a window of an older agent (no records) stays readable
        TelemetryWindow old = w.toBuilder().setWindowId("old").clearInferences().build();
        try (TelemetrySpool spool = new TelemetrySpool(dir, 10)) {
            spool.append(old);
            spool.append(w);
        }
        try (TelemetrySpool reopened = new TelemetrySpool(dir, 10)) {
            assertEquals(List.of(old, w), reopened.peek(10));
        }
    }

    @Test
    void capturedInputsTravelWithTheUncertainInferencesOnly() {
        ManualClock clock = new ManualClock();
        var capture = new InputCapture(InputCapture.Mode.BELOW_CONFIDENCE, 0.6, 3);
        var acc = new TelemetryAccumulator("edge-1", 4, 10, 10, capture, new Random(1), clock);
        float[] x = {1f, 2f, 3f};
        acc.record(V1, TelemetryAccumulator.LIVE, x, new TelemetryAccumulator.Outcome("sure", "normal", 0, 0.9f), 5);
        acc.record(V1, TelemetryAccumulator.LIVE, x, new TelemetryAccumulator.Outcome("unsure", "normal", 0, 0.5f), 5);
        acc.roll();
        TelemetryWindow w = acc.pending().get(0);
        assertEquals(Map.of(), w.getDeviceLabelsMap(), "no labels set: none sent");
        assertEquals(List.of(), w.getInferences(0).getInputList(), "confident: no input leaves the device");
        assertEquals(List.of(1f, 2f, 3f), w.getInferences(1).getInputList());

        // with ALL every itemized inference carries its input, up to the size cap
        var all = new TelemetryAccumulator(
                "edge-1", 4, 10, 10, new InputCapture(InputCapture.Mode.ALL, 0, 3), new Random(1), clock);
        all.setDeviceLabels(Map.of("site", "north"));
        all.record(V1, TelemetryAccumulator.LIVE, x, new TelemetryAccumulator.Outcome("a", "normal", 0, 1f), 5);
        all.roll();
        assertEquals(List.of(1f, 2f, 3f), all.pending().get(0).getInferences(0).getInputList());
        assertEquals(Map.of("site", "north"), all.pending().get(0).getDeviceLabelsMap(), "the device's segment");
        var small = new TelemetryAccumulator(
                "edge-1", 4, 10, 10, new InputCapture(InputCapture.Mode.ALL, 0, 2), new Random(1), clock);
        small.record(V1, TelemetryAccumulator.LIVE, x, new TelemetryAccumulator.Outcome("big", "normal", 0, 0.1f), 5);
        small.roll();
        assertEquals(0, small.pending().get(0).getInferences(0).getInputCount(), "3 values > the cap of 2");
        assertFalse(InputCapture.NONE.captures(0f, 1));
        assertThrows(
                IllegalArgumentException.class,
                () -> new InputCapture(InputCapture.Mode.BELOW_CONFIDENCE, 0, 10),
                "a threshold of 0 would capture nothing");
    }
}
