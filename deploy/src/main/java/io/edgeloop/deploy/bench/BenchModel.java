package io.edgeloop.deploy.bench;

import com.google.protobuf.CodedOutputStream;
import io.edgeloop.common.SensorSimulator;
import io.edgeloop.deploy.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The model the benchmark rolls out: a small ONNX classifier ({@code probabilities = softmax(features x W + b)}, 8
 * sensor features, 4 classes) written as ONNX protobuf bytes by hand (field numbers of onnx.proto), uploaded through
 * the compiler's "bring your own model" API and validated on a small snapshot of the simulated sensor dataset.
 */
final class BenchModel {
    private static final int FLOAT = 1; // onnx.TensorProto.DataType.FLOAT
    private static final int ATTRIBUTE_INT = 2; // onnx.AttributeProto.AttributeType.INT

    private BenchModel() {}

    /** A writer of one protobuf message. */
    private interface Body {
        void write(CodedOutputStream out) throws IOException;
    }

    /** Creates dataset {@code name} with a few hundred labelled sensor readings and cuts snapshot version 1. */
    static void dataset(Json.Client rest, String dataUrl, String name, int samples) {
        rest.put(
                        dataUrl + "/datasets/" + name,
                        Map.of("featureNames", SensorSimulator.FEATURES, "labels", SensorSimulator.LABELS))
                .expect(200, 201);
        SensorSimulator sim = new SensorSimulator(7);
        List<Map<String, Object>> batch = new ArrayList<>();
        for (int i = 0; i < samples; i++) {
            SensorSimulator.Reading r = sim.next();
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("features", r.features());
            m.put("label", r.label());
            m.put("source", "fleet-bench");
            batch.add(m);
        }
        rest.post(dataUrl + "/datasets/" + name + "/samples", Map.of("samples", batch))
                .expect(200, 201, 202);
        // a snapshot always starts a training run: keep it short, its model matches no policy and is deployed nowhere
        rest.post(
                        dataUrl + "/datasets/" + name + "/snapshots",
                        Map.of("trigger", "manual", "trainingSpec", Map.of("maxEpochs", 2)))
                .expect(200, 201);
    }

    /** ONNX bytes of the classifier: input {@code features} [batch, features], output {@code probabilities}. */
    static byte[] classifier(int features, int classes, long seed) {
        Random r = new Random(seed);
        byte[] graph = message(o -> {
            o.writeByteArray(1, node("Gemm", List.of("features", "W", "B"), "logits", null));
            o.writeByteArray(1, node("Softmax", List.of("logits"), "probabilities", message(a -> {
                a.writeString(1, "axis");
                a.writeInt64(3, 1);
                a.writeInt32(20, ATTRIBUTE_INT);
            })));
            o.writeString(2, "fleet-bench-classifier");
            o.writeByteArray(5, tensor("W", r, 0.5f, features, classes));
            o.writeByteArray(5, tensor("B", r, 0.1f, classes));
            o.writeByteArray(11, value("features", features));
            o.writeByteArray(12, value("probabilities", classes));
        });
        return message(o -> {
            o.writeInt64(1, 8); // ir_version
            o.writeString(2, "edgeloop-fleet-bench");
            o.writeByteArray(7, graph);
            o.writeByteArray(8, message(s -> s.writeInt64(2, 13))); // opset 13 of the default domain
        });
    }

    private static byte[] node(String op, List<String> inputs, String output, byte[] attribute) {
        return message(o -> {
            for (String in : inputs) {
                o.writeString(1, in);
            }
            o.writeString(2, output);
            o.writeString(4, op);
            if (attribute != null) {
                o.writeByteArray(5, attribute);
            }
        });
    }

    private static byte[] tensor(String name, Random r, float scale, int... dims) {
        int n = 1;
        for (int d : dims) {
            n *= d;
        }
        ByteBuffer raw = ByteBuffer.allocate(4 * n).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) {
            raw.putFloat((float) r.nextGaussian() * scale);
        }
        return message(o -> {
            for (int d : dims) {
                o.writeInt64(1, d);
            }
            o.writeInt32(2, FLOAT);
            o.writeString(8, name);
            o.writeByteArray(9, raw.array()); // raw_data, little-endian
        });
    }

    /** A [batch, cols] float tensor value with a dynamic batch dimension. */
    private static byte[] value(String name, int cols) {
        byte[] shape = message(s -> {
            s.writeByteArray(1, message(d -> d.writeString(2, "batch")));
            s.writeByteArray(1, message(d -> d.writeInt64(1, cols)));
        });
        byte[] tensorType = message(t -> {
            t.writeInt32(1, FLOAT);
            t.writeByteArray(2, shape);
        });
        return message(v -> {
            v.writeString(1, name);
            v.writeByteArray(2, message(t -> t.writeByteArray(1, tensorType)));
        });
    }

    private static byte[] message(Body body) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            CodedOutputStream out = CodedOutputStream.newInstance(bytes);
            body.write(out);
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
