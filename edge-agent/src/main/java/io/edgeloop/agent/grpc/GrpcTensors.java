package io.edgeloop.agent.grpc;

import com.google.protobuf.ByteString;
import io.edgeloop.agent.domain.DataType;
import io.edgeloop.agent.domain.Tensor;
import io.edgeloop.agent.domain.TensorCodec;
import io.edgeloop.proto.inference.InferTensorContents;
import io.edgeloop.proto.inference.ModelInferRequest;
import io.edgeloop.proto.inference.ModelInferResponse;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * KServe v2 gRPC tensors to and from {@link Tensor}s. Typed contents use the field of the datatype: FP32 (and FP16)
 * {@code fp32_contents}, FP64 {@code fp64_contents}, INT64 {@code int64_contents}, INT32/INT16/INT8 {@code
 * int_contents}, UINT8 {@code uint_contents}, BOOL {@code bool_contents}; raw contents are little-endian, one {@code
 * raw_input_contents} entry per input in input order (FP16 as IEEE half, BOOL one byte).
 */
final class GrpcTensors {
    private GrpcTensors() {}

    /** The request's input tensors by name. */
    static Map<String, Tensor> inputs(ModelInferRequest request) {
        boolean raw = request.getRawInputContentsCount() > 0;
        if (raw && request.getRawInputContentsCount() != request.getInputsCount()) {
            throw invalid("expected one raw_input_contents entry per input (" + request.getInputsCount() + "), got "
                    + request.getRawInputContentsCount());
        }
        Map<String, Tensor> inputs = new LinkedHashMap<>();
        for (int i = 0; i < request.getInputsCount(); i++) {
            ModelInferRequest.InferInputTensor in = request.getInputs(i);
            String name = in.getName();
            DataType type = DataType.named(in.getDatatype())
                    .orElseThrow(() -> invalid("input " + name + " has datatype '" + in.getDatatype() + "'; supported: "
                            + DataType.NAMES));
            long[] shape = in.getShapeList().stream().mapToLong(Long::longValue).toArray();
            Object data;
            if (raw) {
                if (in.hasContents()) {
                    throw invalid("input " + name + " has both contents and raw_input_contents");
                }
                try {
                    data = TensorCodec.fromRaw(
                            type, request.getRawInputContents(i).asReadOnlyByteBuffer());
                } catch (IllegalArgumentException e) {
                    throw invalid("raw_input_contents of " + name + ": " + e.getMessage());
                }
            } else {
                data = typed(name, type, in.getContents());
            }
            if (inputs.put(name, new Tensor(name, type, shape, data)) != null) {
                throw invalid("input " + name + " is given twice");
            }
        }
        return inputs;
    }

    private static Object typed(String name, DataType type, InferTensorContents c) {
        List<?> values = switch (type) {
            case FP32, FP16 -> c.getFp32ContentsList();
            case FP64 -> c.getFp64ContentsList();
            case INT64 -> c.getInt64ContentsList();
            case INT32, INT16, INT8 -> c.getIntContentsList();
            case UINT8 -> c.getUintContentsList();
            case BOOL -> c.getBoolContentsList();
        };
        int others = c.getBoolContentsCount()
                + c.getIntContentsCount()
                + c.getInt64ContentsCount()
                + c.getUintContentsCount()
                + c.getUint64ContentsCount()
                + c.getFp32ContentsCount()
                + c.getFp64ContentsCount()
                + c.getBytesContentsCount()
                - values.size();
        if (others > 0) {
            throw invalid("input " + name + " is " + type + ": only its contents field may be set");
        }
        Object data = type.newArray(values.size());
        for (int i = 0; i < values.size(); i++) {
            Object v = values.get(i);
            if (v instanceof Boolean b) {
                Tensor.set(type, data, i, b ? 1 : 0);
            } else if (v instanceof Long l && type == DataType.INT64) {
                ((long[]) data)[i] = l;
            } else {
                long asLong = v instanceof Integer n && type == DataType.UINT8 ? Integer.toUnsignedLong(n) : 0;
                double d = type == DataType.UINT8 ? asLong : ((Number) v).doubleValue();
                if (!type.floating() && outOfRange(type, d)) {
                    throw invalid("input " + name + " element " + i + " = " + v + " is out of range for " + type);
                }
                Tensor.set(type, data, i, d);
            }
        }
        return data;
    }

    private static boolean outOfRange(DataType type, double v) {
        return switch (type) {
            case INT16 -> v < Short.MIN_VALUE || v > Short.MAX_VALUE;
            case INT8 -> v < Byte.MIN_VALUE || v > Byte.MAX_VALUE;
            case UINT8 -> v < 0 || v > 255;
            default -> false;
        };
    }

    /** An output tensor with typed contents (or, with {@code raw}, metadata only: the bytes go in raw contents). */
    static ModelInferResponse.InferOutputTensor output(Tensor t, boolean raw) {
        var b = ModelInferResponse.InferOutputTensor.newBuilder()
                .setName(t.name())
                .setDatatype(t.datatype().name());
        for (long d : t.shape()) {
            b.addShape(d);
        }
        if (raw) {
            return b.build();
        }
        InferTensorContents.Builder c = InferTensorContents.newBuilder();
        int n = t.size();
        switch (t.datatype()) {
            case FP32, FP16 -> {
                for (float v : (float[]) t.data()) {
                    c.addFp32Contents(v);
                }
            }
            case FP64 -> {
                for (double v : (double[]) t.data()) {
                    c.addFp64Contents(v);
                }
            }
            case INT64 -> {
                for (long v : (long[]) t.data()) {
                    c.addInt64Contents(v);
                }
            }
            case INT32, INT16, INT8 -> {
                for (int i = 0; i < n; i++) {
                    c.addIntContents((int) t.get(i));
                }
            }
            case UINT8 -> {
                for (int i = 0; i < n; i++) {
                    c.addUintContents((int) t.get(i));
                }
            }
            case BOOL -> {
                for (boolean v : (boolean[]) t.data()) {
                    c.addBoolContents(v);
                }
            }
        }
        return b.setContents(c).build();
    }

    /** The little-endian bytes of {@code t}. */
    static ByteString raw(Tensor t) {
        return ByteString.copyFrom(TensorCodec.toRaw(t));
    }

    static StatusRuntimeException invalid(String message) {
        return Status.INVALID_ARGUMENT.withDescription(message).asRuntimeException();
    }
}
