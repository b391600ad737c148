package io.edgeloop.training.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The three trainings of a distillation, with the distilled student kept open for a training run to export. */
class DistillerTest {
    @Test
    void trainKeepsTheDistilledStudentOpenAndRunReportsTheSameModels() {
        TrainingData data = MlpTrainerTest.simulated(11, 400, 100, 100);
        ModelSpec teacher = ModelSpec.builder(Architecture.MLP, List.of(32, 32))
                .epochs(4, 4)
                .batchSize(32)
                .learningRate(0.01)
                .optimizer(ModelSpec.OptimizerKind.ADAM)
                .schedule(ModelSpec.Schedule.COSINE)
                .seed(42)
                .build();
        ModelSpec student = teacher.withLayers(Architecture.MLP, Distiller.defaultStudentUnits(teacher.units()));
        Distiller distiller = new Distiller(teacher, student, 3, 0.5);
        List<String> phases = new ArrayList<>();
        Distiller.Result kept;
        try (Distiller.Trained t = distiller.train(
                data, DataKind.FEATURES, List.of(), (phase, stats) -> phases.add(phase.wireName() + stats.epoch()))) {
            // teacher first, then the student alone, then the distilled student (4 epochs each, no early stop)
            List<String> expected = Stream.of("teacher", "student-alone", "student")
                    .flatMap(p -> IntStream.rangeClosed(1, 4).mapToObj(e -> p + e))
                    .toList();
            assertEquals(expected, phases);
            // the distilled student is still live: it predicts, evaluates and exports
            assertEquals(
                    t.student().test().accuracy(),
                    t.student().evaluate(data.test()).accuracy(),
                    0);
            assertTrue(t.student().exportOnnx("student", Map.of()).length > 0);
            assertEquals(List.of(8, 8), t.student().spec().units());
            assertEquals(8 * 8 + 8 + 8 * 8 + 8 + 8 * 4 + 4, t.student().parameterCount());
            assertEquals(8 * 32 + 32 + 32 * 32 + 32 + 32 * 4 + 4, t.teacher().parameterCount());
            assertEquals(t.student().parameterCount(), t.baseline().parameterCount());
            assertTrue(
                    t.teacher().test().accuracy() > 0.8,
                    "teacher " + t.teacher().test());
            // the soft labels changed what the student learned
            assertNotEquals(
                    t.baseline().validation().loss(), t.student().validation().loss());
            kept = t.result();
            assertEquals(t.accuracyGain(), kept.accuracyGain(), 0);
            assertEquals(t.student().parameterCount(), kept.distilled().parameterCount());
        }
        // the report-only path (POST /distillations) trains the same three models: same data, specs and seeds
        Distiller.Result reported = distiller.run(data, DataKind.FEATURES, List.of(), stats -> {});
        assertEquals(
                kept.teacher().validation().loss(),
                reported.teacher().validation().loss(),
                0);
        assertEquals(
                kept.baseline().validation().loss(),
                reported.baseline().validation().loss(),
                0);
        assertEquals(
                kept.distilled().validation().loss(),
                reported.distilled().validation().loss(),
                0);
        assertEquals(
                kept.distilled().test().accuracy(), reported.distilled().test().accuracy(), 0);
        assertEquals(kept.distilled().onnxBytes(), reported.distilled().onnxBytes());
    }

    @Test
    void defaultStudentIsAQuarterOfTheTeacher() {
        assertEquals(List.of(8, 8), Distiller.defaultStudentUnits(List.of(32, 32)));
        assertEquals(List.of(4, 8), Distiller.defaultStudentUnits(List.of(16, 32)));
        assertEquals(List.of(2, 4), Distiller.defaultStudentUnits(List.of(8, 16)));
        assertEquals(List.of(2), Distiller.defaultStudentUnits(List.of(3)));
    }
}
