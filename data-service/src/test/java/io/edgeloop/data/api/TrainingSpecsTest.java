package io.edgeloop.data.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.edgeloop.kit.api.ApiException;
import io.edgeloop.kit.api.Problem;
import io.edgeloop.proto.events.v1.TrainingSpec;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The snapshot request's {@code trainingSpec} parser: fields copied into DataReady, every bad field reported. */
class TrainingSpecsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode json(String s) {
        try {
            return JSON.readTree(s);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** Field -> message of the 422 the spec is rejected with. */
    private static Map<String, String> errors(String spec) {
        ApiException e = assertThrows(ApiException.class, () -> TrainingSpecs.parse(json(spec)));
        assertEquals(422, e.status());
        return e.toProblem().errors().stream()
                .collect(Collectors.toMap(Problem.FieldError::field, Problem.FieldError::message));
    }

    @Test
    void distillationFieldsAreCopied() {
        TrainingSpec s = TrainingSpecs.parse(json("{\"architecture\":\"mlp\",\"hiddenUnits\":[64,64],"
                + "\"distillationTemperature\":4,\"studentHiddenUnits\":[8,4],\"distillationAlpha\":0.5}"));
        assertEquals(List.of(64, 64), s.getHiddenUnitsList());
        assertEquals(4.0, s.getDistillationTemperature(), 0);
        assertEquals(List.of(8, 4), s.getStudentHiddenUnitsList());
        assertEquals(0.5, s.getDistillationAlpha(), 0);
        // alpha 0 = the default; the bounds are inclusive
        TrainingSpec edge = TrainingSpecs.parse(json("{\"distillationTemperature\":100,\"distillationAlpha\":1}"));
        assertEquals(100.0, edge.getDistillationTemperature(), 0);
        assertEquals(1.0, edge.getDistillationAlpha(), 0);
        assertEquals(0.0, TrainingSpecs.parse(json("{\"distillationAlpha\":0}")).getDistillationAlpha(), 0);
        assertNull(TrainingSpecs.parse(null));
    }

    @Test
    void badDistillationFieldsAreEachReported() {
        Map<String, String> e = errors(
                "{\"distillationTemperature\":101,\"distillationAlpha\":1.5," + "\"studentHiddenUnits\":[8,0,\"x\"]}");
        assertEquals(
                Map.of(
                        "trainingSpec.distillationTemperature", "must be a number in (0, 100]",
                        "trainingSpec.distillationAlpha", "must be a number in [0, 1] (0 = default 0.7)",
                        "trainingSpec.studentHiddenUnits[1]", "must be a positive integer",
                        "trainingSpec.studentHiddenUnits[2]", "must be a positive integer"),
                e);
        assertEquals(
                Map.of(
                        "trainingSpec.studentHiddenUnits", "must be an array of positive integers",
                        "trainingSpec.distillationTemperature", "must be a number in (0, 100]"),
                errors("{\"studentHiddenUnits\":8,\"distillationTemperature\":-1}"));
    }

    @Test
    void theProtosOtherFieldsAreCopiedByTheirJsonNames() {
        TrainingSpec s = TrainingSpecs.parse(json("{\"architecture\":\"cnn1d\",\"normalization\":\"minmax\","
                + "\"classWeights\":{\"fault\":2.5},\"impulse\":{\"block\":\"mfcc\",\"sampleRateHz\":16000,"
                + "\"frameLength\":256,\"melFilters\":20,\"coefficients\":13,\"noWindow\":true}}"));
        assertEquals("minmax", s.getNormalization());
        assertEquals(Map.of("fault", 2.5), s.getClassWeightsMap());
        assertEquals("mfcc", s.getImpulse().getBlock());
        assertEquals(16000.0, s.getImpulse().getSampleRateHz(), 0);
        assertEquals(256, s.getImpulse().getFrameLength());
        assertEquals(20, s.getImpulse().getMelFilters());
        assertEquals(13, s.getImpulse().getCoefficients());
        assertEquals(true, s.getImpulse().getNoWindow());
    }

    @Test
    void classWeightsTakeTheRunsApisSpellings() {
        // "balanced" / "none" as POST /runs takes them, and the proto's JSON name classWeighting too
        assertEquals(
                "balanced",
                TrainingSpecs.parse(json("{\"classWeights\":\"balanced\"}")).getClassWeighting());
        assertEquals(
                "none",
                TrainingSpecs.parse(json("{\"classWeighting\":\"none\"}")).getClassWeighting());
        assertEquals(
                Map.of("trainingSpec.classWeights", "must be an object whose values are numbers"),
                errors("{\"classWeights\":[1, 2]}"));
    }

    @Test
    void unknownAndMistypedFieldsAreNamedWithTheirPath() {
        assertEquals(
                Map.of(
                        "trainingSpec.impulse.bandz", "unknown field",
                        "trainingSpec.impulse.frameLength", "must be an integer",
                        "trainingSpec.classWeights", "must be an object whose values are numbers",
                        "trainingSpec.colour", "unknown field"),
                errors("{\"impulse\":{\"block\":\"spectral\",\"bandz\":8,\"frameLength\":\"long\"},"
                        + "\"classWeights\":{\"a\":\"heavy\"},\"colour\":\"red\"}"));
        assertEquals(Map.of("trainingSpec.impulse", "must be an object"), errors("{\"impulse\":\"mfcc\"}"));
    }

    @Test
    void studentFieldsWithoutTemperatureAreRejected() {
        assertEquals(
                Map.of(
                        "trainingSpec.studentHiddenUnits", "only used with distillationTemperature > 0",
                        "trainingSpec.distillationAlpha", "only used with distillationTemperature > 0"),
                errors("{\"hiddenUnits\":[16],\"studentHiddenUnits\":[4],\"distillationAlpha\":0.3}"));
    }
}
