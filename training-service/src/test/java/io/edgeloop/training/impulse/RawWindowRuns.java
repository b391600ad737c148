package io.edgeloop.training.impulse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.ModelProto;
import io.edgeloop.training.domain.SplitData;
import io.edgeloop.training.domain.TrainedModel;
import java.util.Arrays;
import java.util.Map;

/** Runs a trained impulse model's ONNX export in ONNX Runtime on raw samples, as a device would. */
final class RawWindowRuns {
    private RawWindowRuns() {}

    /**
     * Exports {@code model}, checks that its graph starts with the processing block and takes the raw sample shape,
     * runs it in ONNX Runtime on {@code split}'s raw samples, checks that it reproduces DJL's probabilities within
     * 1e-3, and returns its accuracy.
     */
    static double accuracy(TrainedModel model, SplitData split) throws Exception {
        byte[] onnx = model.exportOnnx("raw-window-run", Map.of());
        ModelProto proto = ModelProto.parseFrom(onnx);
        assertTrue(proto.getGraph().getNode(0).getName().startsWith(ImpulseGraph.PREFIX), "the block leads the graph");
        int[] raw = model.processing().inputShape();
        assertEquals(
                raw.length + 1,
                proto.getGraph()
                        .getInput(0)
                        .getType()
                        .getTensorType()
                        .getShape()
                        .getDimCount(),
                "the graph input is the raw sample " + Arrays.toString(raw));
        float[][] ort = OrtBlocks.run(onnx, "input", split.features(), raw);
        float[][] djl = model.predictProbabilities(split.features());
        int correct = 0;
        double worst = 0;
        for (int i = 0; i < ort.length; i++) {
            int best = 0;
            for (int c = 0; c < ort[i].length; c++) {
                best = ort[i][c] > ort[i][best] ? c : best;
                worst = Math.max(worst, Math.abs(ort[i][c] - djl[i][c]));
            }
            correct += best == split.labels()[i] ? 1 : 0;
        }
        assertTrue(worst < 1e-3, "ONNX Runtime and DJL probabilities differ by " + worst);
        return (double) correct / ort.length;
    }
}
