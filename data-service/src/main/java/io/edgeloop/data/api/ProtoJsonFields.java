package io.edgeloop.data.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import io.edgeloop.kit.api.Problem.FieldError;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Copies JSON fields into a protobuf builder by the message's own field names (lowerCamelCase JSON names), so that a
 * request carries every field of an additive proto change without a hand-written case each. Nested messages are
 * walked field by field, so an unknown or mistyped field is reported with its full path ({@code
 * trainingSpec.impulse.bands}); messages name the expected JSON type, never a proto or Java type.
 */
final class ProtoJsonFields {
    private static final JsonFormat.Parser PARSER = JsonFormat.parser();

    private ProtoJsonFields() {}

    /** Merges field {@code name} = {@code value} into {@code builder}, or adds an error for {@code path.name}. */
    static void mergeField(String name, JsonNode value, Message.Builder builder, String path, List<FieldError> errors) {
        String field = path + "." + name;
        FieldDescriptor f = fieldByJsonName(builder.getDescriptorForType(), name);
        if (f == null) {
            errors.add(new FieldError(field, "unknown field"));
            return;
        }
        if (f.getJavaType() == FieldDescriptor.JavaType.MESSAGE && !f.isRepeated()) {
            if (!value.isObject()) {
                errors.add(new FieldError(field, "must be an object"));
                return;
            }
            Message.Builder nested = builder.getFieldBuilder(f);
            Iterator<Map.Entry<String, JsonNode>> fields = value.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> e = fields.next();
                mergeField(e.getKey(), e.getValue(), nested, field, errors);
            }
            return;
        }
        try {
            PARSER.merge("{" + quote(f.getJsonName()) + ":" + value + "}", builder);
        } catch (InvalidProtocolBufferException | RuntimeException e) {
            errors.add(new FieldError(field, "must be " + expected(f)));
        }
    }

    private static FieldDescriptor fieldByJsonName(Descriptor d, String name) {
        for (FieldDescriptor f : d.getFields()) {
            if (f.getJsonName().equals(name)) {
                return f;
            }
        }
        return null;
    }

    /** The JSON a field takes, in words. */
    private static String expected(FieldDescriptor f) {
        if (f.isMapField()) {
            FieldDescriptor value = f.getMessageType().findFieldByName("value");
            return "an object whose values are " + plural(value);
        }
        if (f.isRepeated()) {
            return "an array of " + plural(f);
        }
        return switch (f.getJavaType()) {
            case INT, LONG -> "an integer";
            case FLOAT, DOUBLE -> "a number";
            case BOOLEAN -> "true or false";
            default -> "a string";
        };
    }

    private static String plural(FieldDescriptor f) {
        return switch (f.getJavaType()) {
            case INT, LONG -> "integers";
            case FLOAT, DOUBLE -> "numbers";
            case BOOLEAN -> "booleans";
            default -> "strings";
        };
    }

    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
