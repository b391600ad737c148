package io.edgeloop.training.impulse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgeloop.proto.events.v1.ImpulseSpec;
import io.edgeloop.proto.events.v1.TrainingSpec;
import io.edgeloop.training.domain.Architecture;
import io.edgeloop.training.domain.ArchitectureSearch;
import io.edgeloop.training.domain.ClassifierTrainer;
import io.edgeloop.training.domain.DataKind;
import io.edgeloop.training.domain.DeviceProfile;
import io.edgeloop.training.domain.Distiller;
import io.edgeloop.training.domain.FieldProblem;
import io.edgeloop.training.domain.ModelSpec;
import io.edgeloop.training.domain.Reports;
import io.edgeloop.training.domain.SpecFit;
import io.edgeloop.training.domain.TrainedModel;
import io.edgeloop.training.domain.TrainingData;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Impulses in the compact-model workflows: a distillation whose teacher and student run behind the same MFCC block,
 * and an architecture search (as a run's {@code targetProfile} does) behind a spectral block whose estimates count
 * the block. The models that would ship are exported and run by ONNX Runtime on raw windows.
 */
class CompactImpulseTest {
    @Test
    void aDistilledStudentRunsBehindTheTeachersMfccBlockOnRawWindows() throws Exception {
        // audio-like: flat windows of 256 samples at 1 kHz, tones of 70, 160, 330 Hz and a 50 -> 450 Hz chirp
        TrainingData data = ImpulseTrainingTest.tones(12, 1000, 1, 256, new double[] {70, 160, 330}, 50, 450);
        TrainingSpec requested = TrainingSpec.newBuilder()
                .setMaxEpochs(20)
                .setPatience(20)
                .setBatchSize(16)
                .addAllHiddenUnits(List.of(16, 16))
                .setDistillationTemperature(4)
                .setImpulse(ImpulseSpec.newBuilder()
                        .setBlock("mfcc")
                        .setSampleRateHz(1000)
                        .setFrameLength(64)
                        .setCoefficients(12))
                .build();
        assertEquals(List.of(), ModelSpec.problems(requested, "spec."), "distillation combines with an impulse");
        ModelSpec teacher = ModelSpec.resolve(requested, DataKind.TIMESERIES, defaults());
        ModelSpec student = teacher.withLayers(teacher.architecture(), Distiller.defaultStudentUnits(teacher.units()));
        List<Distiller.Phase> phases = new ArrayList<>();
        try (Distiller.Trained t = new Distiller(teacher, student, 4, Distiller.DEFAULT_ALPHA)
                .train(data, DataKind.TIMESERIES, List.of(), (phase, stats) -> phases.add(phase))) {
            TrainedModel shipped = t.student();
            assertEquals(
                    List.of(Distiller.Phase.TEACHER, Distiller.Phase.STUDENT_ALONE, Distiller.Phase.STUDENT),
                    phases.stream().distinct().toList());
            assertNotNull(shipped.processing(), "the student trains on the block's features");
            assertEquals(teacher.impulse(), shipped.spec().impulse());
            assertEquals(List.of(4, 4), shipped.spec().units());
            assertTrue(
                    t.teacher().architecture().startsWith("mfcc(12x7)+cnn1d"),
                    t.teacher().architecture());
            assertTrue(shipped.architecture().startsWith("mfcc(12x7)+cnn1d(12x7-conv4-"), shipped.architecture());
            assertEquals(List.of(256), shipped.inputShape(), "the student takes the raw window");
            // the spec it reports (run view, ModelTrained) names the block
            Object impulse = Reports.SpecReport.of(shipped.spec()).impulse();
            assertEquals("mfcc", ((Map<?, ?>) impulse).get("block"));
            assertEquals("mfcc", shipped.spec().toProto().getImpulse().getBlock());
            assertTrue(
                    shipped.test().accuracy() >= 0.85,
                    "distilled student " + shipped.test().accuracy());
            double ort = RawWindowRuns.accuracy(shipped, data.test());
            assertTrue(ort >= 0.85, "ONNX Runtime accuracy on raw windows " + ort);
        }
    }

    @Test
    void aSearchBehindASpectralBlockCountsTheBlockInEveryEstimateAndItsChoiceRunsOnRawWindows() throws Exception {
        // accelerometer-like: 3 axes x 128 samples at 100 Hz
        TrainingData data = ImpulseTrainingTest.tones(11, 100, 3, 128, new double[] {4, 13, 31}, 3, 40);
        TrainingSpec requested = TrainingSpec.newBuilder()
                .setMaxEpochs(12)
                .setPatience(12)
                .setBatchSize(16)
                .setTargetProfile("mcu-int8")
                .setImpulse(ImpulseSpec.newBuilder()
                        .setBlock("spectral")
                        .setSampleRateHz(100)
                        .setBands(8))
                .build();
        List<Integer> shape = List.of(3, 128);
        assertEquals(List.of(), SpecFit.problems(requested, "timeseries", shape, 384, "spec."));
        ModelSpec base = ModelSpec.resolve(requested, DataKind.TIMESERIES, defaults());
        DeviceProfile mcu = DeviceProfile.parse("mcu-int8");
        ArchitectureSearch.Result r =
                new ArchitectureSearch(base, mcu, 5).run(data, DataKind.TIMESERIES, shape, stats -> {});
        ProcessingBlock block = ProcessingBlock.create(base.impulse(), new int[] {3, 128});
        assertEquals(Architecture.MLP, r.architecture());
        assertEquals(4, r.candidates().size());
        for (ArchitectureSearch.Candidate c : r.candidates()) {
            DeviceProfile.Estimate e = c.estimate();
            assertTrue(
                    c.model().architecture().startsWith("spectral(8 bands)+mlp(33-"),
                    c.model().architecture());
            assertEquals(block.macs(), e.processingMacs(), "the block's MACs");
            assertEquals(c.model().footprint().macs(), e.macs(), "the network's MACs and the block's");
            assertTrue(e.macs() > e.processingMacs(), "the network's MACs on top");
            assertEquals(block.macs() / 50e6 * 1e6, e.processingLatencyMicros(), 1e-9);
            assertEquals(block.constantCount() * 4, e.processingFlashBytes(), "the block's float constants");
            // int8: the network's weights take a byte each, the block's constants stay float in the file
            long weights = c.model().parameterCount();
            assertEquals(c.model().onnxBytes() - 4 * weights + weights, e.flashBytes());
            assertTrue(e.flashBytes() > e.processingFlashBytes());
            assertTrue(e.ramBytes() >= (384 + 33) * 4, "the raw window and the features stay float in RAM");
        }
        assertTrue(r.best() >= 0, "a candidate fits the mcu");
        // what a run with targetProfile then trains, exports and ships
        ModelSpec chosen = base.withLayers(
                base.architecture(), r.candidates().get(r.best()).units());
        try (TrainedModel model = ClassifierTrainer.forSamples(
                        chosen, DataKind.TIMESERIES, shape, data.featureCount(), data.classLabels())
                .train(data)) {
            assertEquals("spectral", model.spec().toProto().getImpulse().getBlock());
            double ort = RawWindowRuns.accuracy(model, data.test());
            assertTrue(ort >= 0.9, "ONNX Runtime accuracy on raw windows " + ort);
        }
    }

    @Test
    void aProfileThatTheBlockAloneExceedsIsNamedAtSubmission() {
        // a spectral block on 256-sample windows holds a 256 x 258 DFT matrix + 258 x 8 bands: 272,448 B of float
        // constants, above an mcu's 256 KiB of flash whatever network follows
        TrainingSpec requested = TrainingSpec.newBuilder()
                .setTargetProfile("mcu")
                .setImpulse(ImpulseSpec.newBuilder().setBlock("spectral"))
                .build();
        List<FieldProblem> problems = SpecFit.problems(requested, "timeseries", List.of(1, 256), 256, "spec.");
        assertEquals(
                List.of("spec.targetProfile"),
                problems.stream().map(FieldProblem::field).toList());
        assertTrue(
                problems.get(0).message().contains("272448 B > 262144 B of flash"),
                problems.get(0).message());
        assertEquals(
                List.of(),
                SpecFit.problems(
                        requested.toBuilder().setTargetProfile("edge-arm64").build(),
                        "timeseries",
                        List.of(1, 256),
                        256,
                        "spec."));
        // an image scaled up to 512 x 512 needs 1 MiB of float features: more than an mcu's 64 KiB of RAM
        TrainingSpec huge = TrainingSpec.newBuilder()
                .setTargetProfile("mcu")
                .setImpulse(ImpulseSpec.newBuilder()
                        .setBlock("image")
                        .setImageHeight(512)
                        .setImageWidth(512))
                .build();
        List<FieldProblem> ram = SpecFit.problems(huge, "image", List.of(1, 8, 8), 64, "spec.");
        assertEquals(
                List.of("spec.targetProfile"),
                ram.stream().map(FieldProblem::field).toList());
        assertTrue(ram.get(0).message().contains("of RAM on mcu"), ram.get(0).message());
    }

    private static ModelSpec defaults() {
        return ModelSpec.builder(Architecture.MLP, List.of(32, 32)).seed(42).build();
    }
}
