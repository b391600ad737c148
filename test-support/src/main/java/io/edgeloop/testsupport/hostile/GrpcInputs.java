package io.edgeloop.testsupport.hostile;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.DynamicMessage;
import java.util.ArrayList;
import java.util.List;

/** Hostile request messages built from a protobuf descriptor: one hostile value in one field at a time. */
final class GrpcInputs {
    private static final int MAX_DEPTH = 2;

    private GrpcInputs() {}

    /** The empty message, then for each field (and each field of nested messages) each hostile value of its type. */
    static List<DynamicMessage> hostile(Descriptor type, String big) {
        List<DynamicMessage> out = new ArrayList<>();
        out.add(DynamicMessage.getDefaultInstance(type));
        out.addAll(variants(type, big, 0));
        return out;
    }

    private static List<DynamicMessage> variants(Descriptor type, String big, int depth) {
        List<DynamicMessage> out = new ArrayList<>();
        for (FieldDescriptor f : type.getFields()) {
            for (Object v : values(f, big, depth)) {
                DynamicMessage.Builder b = DynamicMessage.newBuilder(type);
                if (f.isRepeated()) {
                    b.addRepeatedField(f, v);
                } else {
                    b.setField(f, v);
                }
                out.add(b.build());
            }
        }
        return out;
    }

    private static List<Object> values(FieldDescriptor f, String big, int depth) {
        if (f.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
            return depth >= MAX_DEPTH ? List.of() : new ArrayList<>(variants(f.getMessageType(), big, depth + 1));
        }
        return scalars(f, big);
    }

    /** The hostile values of a scalar (non-message) field's type. */
    static List<Object> scalars(FieldDescriptor f, String big) {
        return switch (f.getJavaType()) {
            case STRING -> List.of("", "a\u0000b", "\u0001", big, "' or 1=1; --", "../../etc/passwd");
            case INT -> List.of(Integer.MIN_VALUE, -1, Integer.MAX_VALUE);
            case LONG -> List.of(Long.MIN_VALUE, -1L, Long.MAX_VALUE);
            case DOUBLE -> List.of(Double.NaN, Double.NEGATIVE_INFINITY, -1e308, Double.MAX_VALUE);
            case FLOAT -> List.of(Float.NaN, Float.POSITIVE_INFINITY, -Float.MAX_VALUE);
            case BOOLEAN -> List.of(true);
            case BYTE_STRING -> List.of(ByteString.copyFrom(new byte[] {0, (byte) 0xff, 0x7f}));
            case ENUM -> List.of(f.getEnumType().findValueByNumberCreatingIfUnknown(9_999));
            case MESSAGE -> List.of();
        };
    }
}
