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
 * Writes the image-block model that compiler-service's {@code ImageVariantsTest} compiles: colour shapes 3 x 40 x 40
 * ({@link ImageImpulseTrainingTest#shapes}) -> image block (scale 24 x 24, centre crop 20 x 20, grayscale, normalised)
 * -> 2D-CNN [16, 32]. Not a test; run from the repository root after a change to the image block's export:
 *
 * <pre>
 * ./mvnw -o -q -pl training-service org.codehaus.mojo:exec-maven-plugin:3.5.0:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=io.edgeloop.training.impulse.ImageFixtureWriter \
 *     -Dexec.args=compiler-service/src/test/resources/image
 * </pre>
 */
public final class ImageFixtureWriter {
    private ImageFixtureWriter() {}

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        Files.createDirectories(dir);
        TrainingData data = ImageImpulseTrainingTest.shapes(21, 450, 120, 240);
        ModelSpec spec = ModelSpec.resolve(
                TrainingSpec.newBuilder()
                        .setMaxEpochs(25)
                        .setPatience(25)
                        .setBatchSize(16)
                        .addAllHiddenUnits(List.of(16, 32))
                        .setImpulse(ImpulseSpec.newBuilder()
                                .setBlock("image")
                                .setImageHeight(24)
                                .setImageWidth(24)
                                .setCropHeight(20)
                                .setCropWidth(20)
                                .setGrayscale(true)
                                .addChannelMean(0.4)
                                .addChannelStd(0.3))
                        .build(),
                DataKind.IMAGE,
                ModelSpec.builder(Architecture.MLP, List.of(16)).build());
        Path file = dir.resolve("image-3x40x40.onnx");
        try (TrainedModel m = ClassifierTrainer.forSamples(
                        spec, DataKind.IMAGE, List.of(3, 40, 40), data.featureCount(), data.classLabels())
                .train(data)) {
            Files.write(file, m.exportOnnx(file.getFileName().toString(), Map.of("fixture", "image")));
            System.out.printf(
                    "%s: %s, %d MACs, test accuracy %.3f%n",
                    file, m.architecture(), m.footprint().macs(), m.test().accuracy());
        }
    }
}
