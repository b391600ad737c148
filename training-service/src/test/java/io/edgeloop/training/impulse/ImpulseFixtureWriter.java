package io.edgeloop.training.impulse;

import io.edgeloop.proto.events.v1.ImpulseSpec;
import io.edgeloop.proto.events.v1.TrainingSpec;
import io.edgeloop.training.domain.Architecture;
import io.edgeloop.training.domain.ClassifierTrainer;
import io.edgeloop.training.domain.DataKind;
import io.edgeloop.training.domain.ModelSpec;
import io.edgeloop.training.domain.TrainedModel;
import io.edgeloop.training.domain.TrainingData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Not a test: trains the impulse models that compiler-service's tests quantize (its test resources {@code
 * impulse/spectral-3x128.onnx} and {@code impulse/mfcc-1x256.onnx}), on the windows of {@link
 * ImpulseTrainingTest#tones}. Run again (from the repository root) after a change to the export:
 *
 * <pre>
 * ./mvnw -o -q -pl training-service org.codehaus.mojo:exec-maven-plugin:3.5.0:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=io.edgeloop.training.impulse.ImpulseFixtureWriter \
 *     -Dexec.args=compiler-service/src/test/resources/impulse
 * </pre>
 */
public final class ImpulseFixtureWriter {
    private ImpulseFixtureWriter() {}

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        Files.createDirectories(dir);
        TrainingData spectralData = ImpulseTrainingTest.tones(11, 100, 3, 128, new double[] {4, 13, 31}, 3, 40);
        write(
                dir.resolve("spectral-3x128.onnx"),
                TrainingSpec.newBuilder()
                        .addHiddenUnits(16)
                        .setImpulse(
                                ImpulseSpec.newBuilder().setBlock("spectral").setSampleRateHz(100)),
                spectralData,
                List.of(3, 128));
        TrainingData mfccData = ImpulseTrainingTest.tones(12, 1000, 1, 256, new double[] {70, 160, 330}, 50, 450);
        write(
                dir.resolve("mfcc-1x256.onnx"),
                TrainingSpec.newBuilder()
                        .addAllHiddenUnits(List.of(8, 8))
                        .setImpulse(ImpulseSpec.newBuilder()
                                .setBlock("mfcc")
                                .setSampleRateHz(1000)
                                .setFrameLength(64)
                                .setCoefficients(12)),
                mfccData,
                List.of(1, 256));
    }

    private static void write(Path file, TrainingSpec.Builder requested, TrainingData data, List<Integer> shape)
            throws Exception {
        TrainingSpec spec =
                requested.setMaxEpochs(25).setPatience(25).setBatchSize(16).build();
        ModelSpec resolved = ModelSpec.resolve(
                spec,
                DataKind.TIMESERIES,
                ModelSpec.builder(Architecture.MLP, List.of(16)).build());
        try (TrainedModel m = ClassifierTrainer.forSamples(
                        resolved, DataKind.TIMESERIES, shape, data.featureCount(), data.classLabels())
                .train(data)) {
            Files.write(file, m.exportOnnx(file.getFileName().toString(), Map.of("fixture", "impulse")));
            System.out.printf(
                    "%s: %s, test accuracy %.3f%n",
                    file, m.architecture(), m.test().accuracy());
        }
    }
}
