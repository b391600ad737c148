package io.edgeloop.agent.bench;

import io.edgeloop.proto.inference.InferTensorContents;
import io.edgeloop.proto.inference.ModelInferRequest;
import io.edgeloop.proto.inference.ModelInferResponse;

/** The benchmark's request bodies: one sample of the 4-class model as {@code /infer} JSON, KServe v2 JSON and gRPC. */
final class Payloads {
    private Payloads() {}

    /** {@code POST /infer} body. */
    static String json(float[] x) {
        StringBuilder b = new StringBuilder("{\"features\":[");
        for (int i = 0; i < x.length; i++) {
            if (i > 0) {
                b.append(',');
            }
            b.append(x[i]);
        }
        return b.append("]}").toString();
    }

    /** KServe v2 REST body ({@code POST /v2/models/{m}/infer}). */
    static String v2Json(float[] x) {
        StringBuilder b = new StringBuilder("{\"inputs\":[{\"name\":\"input\",\"datatype\":\"FP32\",\"shape\":[1,")
                .append(x.length)
                .append("],\"data\":[");
        for (int i = 0; i < x.length; i++) {
            if (i > 0) {
                b.append(',');
            }
            b.append(x[i]);
        }
        return b.append("]}]}").toString();
    }

    /** KServe v2 gRPC request of model {@code vibration} with FP32 contents. */
    static ModelInferRequest modelInfer(float[] x) {
        InferTensorContents.Builder c = InferTensorContents.newBuilder();
        for (float v : x) {
            c.addFp32Contents(v);
        }
        return ModelInferRequest.newBuilder()
                .setModelName("vibration")
                .addInputs(ModelInferRequest.InferInputTensor.newBuilder()
                        .setName("input")
                        .setDatatype("FP32")
                        .addShape(1)
                        .addShape(x.length)
                        .setContents(c))
                .build();
    }

    /** Fails unless {@code r} carries the model's 4 probabilities. */
    static void check(ModelInferResponse r) {
        if (r.getOutputs(0).getContents().getFp32ContentsCount() != 4) {
            throw new IllegalStateException("unexpected output");
        }
    }
}
