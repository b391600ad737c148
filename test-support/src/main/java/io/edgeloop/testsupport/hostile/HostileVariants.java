package io.edgeloop.testsupport.hostile;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.Message;
import java.util.ArrayList;
import java.util.List;

/**
 * Hostile variants of a valid request message: the message with, in turn, one field (down to a depth of nested
 * messages) set to each hostile value of its type, every other field left valid, so that the hostile value gets past
 * the checks that an empty message fails early and reaches deeper code.
 */
public final class HostileVariants {
    private static final String BIG = "x".repeat(100_000);

    private HostileVariants() {}

    /** The variants of {@code valid}, going {@code maxDepth} levels into nested messages. */
    public static List<Message> of(Message valid, int maxDepth) {
        return variants(valid, 0, maxDepth);
    }

    private static List<Message> variants(Message base, int depth, int maxDepth) {
        List<Message> out = new ArrayList<>();
        for (FieldDescriptor f : base.getDescriptorForType().getFields()) {
            boolean present = f.isRepeated() ? base.getRepeatedFieldCount(f) > 0 : base.hasField(f);
            if (f.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
                if (depth >= maxDepth) {
                    continue;
                }
                Message inner = present
                        ? (Message) (f.isRepeated() ? base.getRepeatedField(f, 0) : base.getField(f))
                        : DynamicMessage.getDefaultInstance(f.getMessageType());
                for (Message v : variants(inner, depth + 1, maxDepth)) {
                    out.add(with(base, f, present, v));
                }
            } else {
                for (Object v : GrpcInputs.scalars(f, BIG)) {
                    out.add(with(base, f, present, v));
                }
            }
        }
        return out;
    }

    private static Message with(Message base, FieldDescriptor f, boolean present, Object value) {
        DynamicMessage.Builder b = DynamicMessage.newBuilder(base);
        if (!f.isRepeated()) {
            b.setField(f, value);
        } else if (present) {
            b.setRepeatedField(f, 0, value);
        } else {
            b.addRepeatedField(f, value);
        }
        return b.build();
    }
}
