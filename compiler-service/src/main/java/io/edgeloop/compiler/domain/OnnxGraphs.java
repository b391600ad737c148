package io.edgeloop.compiler.domain;

import ai.onnx.proto.OnnxMl;
import com.google.protobuf.InvalidProtocolBufferException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalInt;

/** Reads ONNX graphs with the ONNX protobuf schema (for figures such as the node count). */
public final class OnnxGraphs {
    private OnnxGraphs() {}

    /** Number of nodes in the main graph of an ONNX file; empty when the file is not ONNX protobuf. */
    public static OptionalInt nodeCount(Path onnxFile) {
        try {
            return OptionalInt.of(OnnxMl.ModelProto.parseFrom(Files.readAllBytes(onnxFile))
                    .getGraph()
                    .getNodeCount());
        } catch (InvalidProtocolBufferException e) {
            return OptionalInt.empty();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot read " + onnxFile, e);
        }
    }
}
