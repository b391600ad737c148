package io.edgeloop.training.domain;

import io.edgeloop.proto.events.v1.TrainingSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Writes the recurrent models that compiler-service's {@code RecurrentVariantsTest} compiles: a GRU and an LSTM (16
 * units each) over [2, 48] windows of sine / square / noise ({@link GruTrainerTest#signals}). Not a test; run from the
 * repository root after a change to the recurrent export:
 *
 * <pre>
 * ./mvnw -o -q -pl training-service org.codehaus.mojo:exec-maven-plugin:3.5.0:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=io.edgeloop.training.domain.RecurrentFixtureWriter \
 *     -Dexec.args=compiler-service/src/test/resources/recurrent
 * </pre>
 */
public final class RecurrentFixtureWriter {
    private RecurrentFixtureWriter() {}

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        Files.createDirectories(dir);
        TrainingData data = GruTrainerTest.signals(21, 2, 48, 240, 60, 90);
        for (String architecture : List.of("gru", "lstm")) {
            write(dir.resolve(architecture + "-2x48.onnx"), architecture, data);
        }
    }

    private static void write(Path file, String architecture, TrainingData data) throws Exception {
        ModelSpec spec = ModelSpec.resolve(
                TrainingSpec.newBuilder()
                        .setArchitecture(architecture)
                        .addHiddenUnits(16)
                        .setMaxEpochs(15)
                        .setPatience(15)
                        .setBatchSize(16)
                        .build(),
                DataKind.TIMESERIES,
                ModelSpec.builder(Architecture.MLP, List.of(16)).build());
        try (TrainedModel m = ClassifierTrainer.forSamples(
                        spec, DataKind.TIMESERIES, List.of(2, 48), data.featureCount(), data.classLabels())
                .train(data)) {
            Files.write(file, m.exportOnnx(file.getFileName().toString(), Map.of("fixture", "recurrent")));
            System.out.printf(
                    "%s: %s, test accuracy %.3f%n",
                    file, m.architecture(), m.test().accuracy());
        }
    }
}
