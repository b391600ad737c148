package io.edgeloop.training.impulse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgeloop.proto.events.v1.ImpulseSpec;
import io.edgeloop.proto.events.v1.TrainingSpec;
import io.edgeloop.training.domain.Architecture;
import io.edgeloop.training.domain.ClassifierTrainer;
import io.edgeloop.training.domain.DataKind;
import io.edgeloop.training.domain.FieldProblem;
import io.edgeloop.training.domain.ModelSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Validation of impulse specs: every bad field is named; shapes a block cannot fit are refused with the field. */
class ImpulseConfigTest {
    private static List<String> fields(ImpulseSpec.Builder s) {
        return ModelSpec.problems(TrainingSpec.newBuilder().setImpulse(s).build(), "spec.").stream()
                .map(FieldProblem::field)
                .toList();
    }

    @Test
    void everyInvalidFieldIsNamed() {
        assertEquals(
                List.of("spec.impulse.block"), fields(ImpulseSpec.newBuilder().setBlock("wavelet")));
        assertEquals(
                List.of("spec.impulse.bands"),
                fields(ImpulseSpec.newBuilder().setBlock("spectral").setBands(500)));
        assertEquals(
                List.of("spec.impulse.sampleRateHz"),
                fields(ImpulseSpec.newBuilder().setBlock("mfcc")));
        assertEquals(
                List.of("spec.impulse.coefficients"),
                fields(ImpulseSpec.newBuilder()
                        .setBlock("mfcc")
                        .setSampleRateHz(16000)
                        .setMelFilters(10)
                        .setCoefficients(13)));
        assertEquals(
                List.of("spec.impulse.frameLength", "spec.impulse.fftLength"),
                fields(ImpulseSpec.newBuilder()
                        .setBlock("mfe")
                        .setSampleRateHz(100)
                        .setFrameLength(-1)
                        .setFftLength(9000)));
        assertEquals(
                List.of("spec.impulse.highFrequencyHz"),
                fields(ImpulseSpec.newBuilder()
                        .setBlock("mfe")
                        .setSampleRateHz(100)
                        .setHighFrequencyHz(80)));
        assertEquals(
                List.of("spec.impulse.bands", "spec.impulse.noWindow"),
                fields(ImpulseSpec.newBuilder()
                        .setBlock("mfe")
                        .setSampleRateHz(100)
                        .setBands(4)
                        .setNoWindow(true)));
        assertEquals(
                List.of("spec.impulse.sampleRateHz"),
                fields(ImpulseSpec.newBuilder().setBlock("spectral").setLowFrequencyHz(5)));
        assertEquals(List.of(), fields(ImpulseSpec.newBuilder().setBlock("raw")));
    }

    @Test
    void anImpulseCombinesWithDistillationAndSearchButNotWithA2dCnnAfterASignalBlock() {
        TrainingSpec s = TrainingSpec.newBuilder()
                .setImpulse(ImpulseSpec.newBuilder().setBlock("spectral"))
                .setDistillationTemperature(4)
                .setTargetProfile("mcu")
                .build();
        assertEquals(List.of(), ModelSpec.problems(s, "spec."));
        assertEquals(
                List.of("spec.architecture"),
                ModelSpec.problems(s.toBuilder().setArchitecture("cnn2d").build(), "spec.").stream()
                        .map(FieldProblem::field)
                        .toList());
    }

    @Test
    void defaultsAreFilledAndRoundTripThroughTheEventSpec() {
        ImpulseConfig c = ImpulseConfig.resolve(
                ImpulseSpec.newBuilder().setBlock("mfcc").setSampleRateHz(16000).build());
        assertEquals(ImpulseConfig.DEFAULT_FRAME, c.frameLength());
        assertEquals(ImpulseConfig.DEFAULT_FRAME / 2, c.frameStride());
        assertEquals(ImpulseConfig.DEFAULT_MEL_FILTERS, c.melFilters());
        assertEquals(ImpulseConfig.DEFAULT_COEFFICIENTS, c.coefficients());
        assertEquals(8000, c.effectiveHighHz());
        assertEquals(c, ImpulseConfig.resolve(c.toProto()));
        ModelSpec spec = ModelSpec.resolve(
                TrainingSpec.newBuilder().setImpulse(c.toProto()).build(),
                DataKind.TIMESERIES,
                ModelSpec.builder(Architecture.CNN1D, List.of(8)).build());
        assertEquals(c, spec.impulse());
        assertEquals(c.toProto(), spec.toProto().getImpulse());
        assertEquals(
                ImpulseConfig.RAW,
                ModelSpec.resolve(
                                TrainingSpec.getDefaultInstance(),
                                DataKind.FEATURES,
                                ModelSpec.builder(Architecture.MLP, List.of(8)).build())
                        .impulse());
    }

    @Test
    void aBlockThatCannotFitTheWindowNamesItsField() {
        ImpulseConfig mfe = ImpulseConfig.resolve(ImpulseSpec.newBuilder()
                .setBlock("mfe")
                .setSampleRateHz(100)
                .setFrameLength(200)
                .build());
        assertEquals("frameLength", ProcessingBlock.shapeProblem(mfe, List.of(3, 128))[0]);
        assertNull(ProcessingBlock.shapeProblem(mfe, List.of(1, 256)));
        assertEquals("block", ProcessingBlock.shapeProblem(mfe, List.of(3, 16, 16))[0]);
        ImpulseConfig spectral = ImpulseConfig.resolve(
                ImpulseSpec.newBuilder().setBlock("spectral").setFftLength(64).build());
        assertEquals("fftLength", ProcessingBlock.shapeProblem(spectral, List.of(128))[0]);
        ImpulseConfig manyBands = ImpulseConfig.resolve(
                ImpulseSpec.newBuilder().setBlock("spectral").setBands(100).build());
        assertEquals("bands", ProcessingBlock.shapeProblem(manyBands, List.of(64))[0]);
        ImpulseConfig manyFilters = ImpulseConfig.resolve(ImpulseSpec.newBuilder()
                .setBlock("mfcc")
                .setSampleRateHz(100)
                .setFrameLength(8)
                .setMelFilters(64)
                .build());
        assertEquals("melFilters", ProcessingBlock.shapeProblem(manyFilters, List.of(64))[0]);

        ImpulseConfig longSpectrum = ImpulseConfig.resolve(
                ImpulseSpec.newBuilder().setBlock("spectral").build());
        assertEquals("fftLength", ProcessingBlock.shapeProblem(longSpectrum, List.of(3, 4000))[0], "16 MiB DFT cap");

        ModelSpec spec =
                ModelSpec.builder(Architecture.CNN1D, List.of(8)).impulse(mfe).build();
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> ClassifierTrainer.forSamples(spec, DataKind.TIMESERIES, List.of(3, 128), 384, List.of("a", "b")));
        assertTrue(e.getMessage().startsWith("impulse.frameLength: "), e.getMessage());
    }
}
