package io.edgeloop.kit.rpc;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.MessageOrBuilder;
import io.edgeloop.kit.input.InputRules;
import java.util.List;
import java.util.Map;

/**
 * Walks a protobuf message generically (every string field, repeated and map fields, nested messages; bytes are not
 * looked at) and reports the first string that {@link InputRules} refuses, with its field path.
 */
public final class MessageChecks {
    private MessageChecks() {}

    /** A refused string: where ({@code snapshot.dataset_name}, {@code samples[3].label}) and why. */
    public record Violation(String field, String reason) {
        /** {@code field: reason}, for a status description. */
        public String describe() {
            return field + ": " + reason;
        }
    }

    /** The first refused string of {@code message}, or {@code null} when every string is acceptable. */
    public static Violation check(Object message, int maxLength) {
        return message instanceof MessageOrBuilder m ? walk(m, "", maxLength, 0) : null;
    }

    private static Violation walk(MessageOrBuilder message, String prefix, int maxLength, int depth) {
        if (depth > 100) {
            return new Violation(prefix.isEmpty() ? "message" : prefix, "nested too deeply");
        }
        for (Map.Entry<FieldDescriptor, Object> e : message.getAllFields().entrySet()) {
            FieldDescriptor fd = e.getKey();
            String name = prefix.isEmpty() ? fd.getName() : prefix + "." + fd.getName();
            Object value = e.getValue();
            if (fd.isMapField()) {
                Violation v = walkMap(name, (List<?>) value, maxLength, depth);
                if (v != null) {
                    return v;
                }
            } else if (fd.isRepeated()) {
                if (!carriesText(fd)) {
                    // numeric and bytes arrays (tensor contents) have no strings: not walked element by element
                    continue;
                }
                List<?> items = (List<?>) value;
                for (int i = 0; i < items.size(); i++) {
                    Violation v = walkValue(fd, name + "[" + i + "]", items.get(i), maxLength, depth);
                    if (v != null) {
                        return v;
                    }
                }
            } else {
                Violation v = walkValue(fd, name, value, maxLength, depth);
                if (v != null) {
                    return v;
                }
            }
        }
        return null;
    }

    private static Violation walkMap(String name, List<?> entries, int maxLength, int depth) {
        for (Object o : entries) {
            if (!(o instanceof MessageOrBuilder entry)) {
                continue;
            }
            FieldDescriptor keyField = entry.getDescriptorForType().findFieldByNumber(1);
            FieldDescriptor valueField = entry.getDescriptorForType().findFieldByNumber(2);
            Object key = entry.getField(keyField);
            String keyText = String.valueOf(key);
            if (key instanceof String k) {
                String problem = InputRules.problem(k, maxLength);
                if (problem != null) {
                    return new Violation(name + " (a key)", "key " + problem);
                }
            }
            String at = name + "[" + InputRules.printable(keyText, 100) + "]";
            Violation v = walkValue(valueField, at, entry.getField(valueField), maxLength, depth);
            if (v != null) {
                return v;
            }
        }
        return null;
    }

    private static boolean carriesText(FieldDescriptor fd) {
        return fd.getJavaType() == FieldDescriptor.JavaType.STRING
                || fd.getJavaType() == FieldDescriptor.JavaType.MESSAGE;
    }

    private static Violation walkValue(FieldDescriptor fd, String name, Object value, int maxLength, int depth) {
        if (fd.getJavaType() == FieldDescriptor.JavaType.STRING && value instanceof String s) {
            String problem = InputRules.problem(s, maxLength);
            return problem == null ? null : new Violation(name, problem);
        }
        if (fd.getJavaType() == FieldDescriptor.JavaType.MESSAGE && value instanceof MessageOrBuilder m) {
            return walk(m, name, maxLength, depth + 1);
        }
        return null;
    }
}
