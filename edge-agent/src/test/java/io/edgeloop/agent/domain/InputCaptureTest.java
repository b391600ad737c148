package io.edgeloop.agent.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgeloop.proto.telemetry.v1.InferenceRecord;
import io.edgeloop.proto.telemetry.v1.TelemetryWindow;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The capture policy's sampling rate and per-window budget, alone and through the accumulator. */
class InputCaptureTest {
    private static final ModelDescriptor V1 =
            new ModelDescriptor("d1", "vibration", 1, "v1-fp32", "a", "onnx", List.of(), 0, null);

    @Test
    void theBudgetCapsCapturedInputsPerWindowAndResetsWithTheNextWindow() {
        var capture = new InputCapture(InputCapture.Mode.BELOW_CONFIDENCE, 0.6, 8, 1.0, 3);
        Clock clock = Clock.fixed(Instant.parse("2030-01-01T00:00:00Z"), ZoneOffset.UTC);
        var acc = new TelemetryAccumulator("edge-1", 4, 10, 100, capture, new Random(1), clock);
        for (int window = 0; window < 2; window++) {
            for (int i = 0; i < 10; i++) {
                float confidence = i % 2 == 0 ? 0.4f : 0.9f;
                acc.record(
                        V1,
                        TelemetryAccumulator.LIVE,
                        new float[] {i, window},
                        new TelemetryAccumulator.Outcome("w" + window + "-" + i, "normal", 0, confidence),
                        5);
            }
            acc.roll();
        }
        for (TelemetryWindow w : acc.pending()) {
            assertEquals(10, w.getInferencesCount(), "every inference is itemized");
            List<String> withInput = w.getInferencesList().stream()
                    .filter(r -> r.getInputCount() > 0)
                    .map(InferenceRecord::getInferenceId)
                    .toList();
            String prefix = w.getInferences(0).getInferenceId().substring(0, 3);
            assertEquals(List.of(prefix + "0", prefix + "2", prefix + "4"), withInput, "the first 3 uncertain ones");
        }
        assertEquals(2, acc.pending().size());
    }

    @Test
    void theSampleRateCapturesAboutThatShareOfEligibleInferences() {
        var tenth = new InputCapture(InputCapture.Mode.ALL, 0, 8, 0.1, InputCapture.MAX_PER_WINDOW);
        Random random = new Random(42);
        int captured = 0;
        for (int i = 0; i < 10_000; i++) {
            if (tenth.captures(0.2f, 4, 0, random::nextDouble)) {
                captured++;
            }
        }
        assertTrue(captured > 900 && captured < 1100, "about 1,000 of 10,000, was " + captured);
        var none = new InputCapture(InputCapture.Mode.ALL, 0, 8, 0.0, 10);
        assertFalse(none.captures(0.2f, 4, 0, () -> 0.0), "rate 0 captures nothing");
        var all = new InputCapture(InputCapture.Mode.ALL, 0, 8, 1.0, 10);
        assertTrue(all.captures(0.2f, 4, 9, () -> {
            throw new AssertionError("rate 1 draws nothing");
        }));
        assertFalse(all.captures(0.2f, 4, 10, () -> 0.0), "budget spent");
        assertFalse(all.captures(0.2f, 9, 0, () -> 0.0), "too many values");
    }

    @Test
    void badSettingsAreRefusedNamingTheKey() {
        var rate = assertThrows(
                IllegalArgumentException.class, () -> new InputCapture(InputCapture.Mode.ALL, 0, 8, 1.5, 10));
        assertTrue(rate.getMessage().contains("capture-sample-rate"));
        var budget = assertThrows(
                IllegalArgumentException.class, () -> new InputCapture(InputCapture.Mode.ALL, 0, 8, 1.0, -1));
        assertTrue(budget.getMessage().contains("capture-max-per-window"));
        assertEquals(1.0, new InputCapture(InputCapture.Mode.ALL, 0, 8).sampleRate(), "the short form samples all");
    }
}
