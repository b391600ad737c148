package io.edgeloop.proto.compat;

import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.EnumDescriptorProto;
import com.google.protobuf.DescriptorProtos.EnumValueDescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorSet;
import com.google.protobuf.DescriptorProtos.MethodDescriptorProto;
import com.google.protobuf.DescriptorProtos.ServiceDescriptorProto;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Compares two sets of proto descriptors and lists every change that breaks existing producers or consumers.
 *
 * <p>Breaking: a message, enum or service removed or renamed; a field removed without reserving both its number
 * and its name, renumbered, renamed, retyped, switched between singular and repeated, or moved in or out of a
 * {@code oneof}; an enum value removed (by number, unless its number and name are reserved), renumbered or
 * renamed; an RPC removed, or its request type, response type or streaming mode changed. Everything added is
 * compatible. Types are matched by fully-qualified name across all files, so moving a type between files of the
 * same package is not a change.
 */
final class ProtoCompatibility {
    private final List<String> problems = new ArrayList<>();

    private ProtoCompatibility() {}

    /**
     * Returns the breaking changes from {@code baseline} to {@code current}, one human-readable line each,
     * empty when {@code current} is compatible.
     */
    static List<String> breakingChanges(FileDescriptorSet baseline, FileDescriptorSet current) {
        ProtoCompatibility check = new ProtoCompatibility();
        Index before = Index.of(baseline);
        Index after = Index.of(current);
        before.messages.forEach((name, old) -> check.compareMessage(name, old, after.messages.get(name)));
        before.enums.forEach((name, old) -> check.compareEnum(name, old, after.enums.get(name)));
        before.services.forEach((name, old) -> check.compareService(name, old, after.services.get(name)));
        return List.copyOf(check.problems);
    }

    private void compareMessage(String message, DescriptorProto old, DescriptorProto now) {
        if (now == null) {
            problems.add("message " + message + " removed or renamed");
            return;
        }
        Map<Integer, FieldDescriptorProto> byNumber = new TreeMap<>();
        Map<String, FieldDescriptorProto> byName = new TreeMap<>();
        for (FieldDescriptorProto field : now.getFieldList()) {
            byNumber.put(field.getNumber(), field);
            byName.put(field.getName(), field);
        }
        for (FieldDescriptorProto field : old.getFieldList()) {
            FieldDescriptorProto same = byNumber.get(field.getNumber());
            if (same != null) {
                compareField(message, old, field, now, same);
                continue;
            }
            FieldDescriptorProto moved = byName.get(field.getName());
            String what = message + ": field '" + field.getName() + "' = " + field.getNumber();
            if (moved != null) {
                problems.add(what + " renumbered to " + moved.getNumber());
            } else if (!reservedFieldNumber(now, field.getNumber())) {
                problems.add(what + " removed without reserving it (add: reserved " + field.getNumber()
                        + "; reserved \"" + field.getName() + "\";)");
            } else if (!now.getReservedNameList().contains(field.getName())) {
                problems.add(what + " removed; its number is reserved but its name is not (add: reserved \""
                        + field.getName() + "\";)");
            }
        }
    }

    private void compareField(
            String message,
            DescriptorProto oldMessage,
            FieldDescriptorProto old,
            DescriptorProto now,
            FieldDescriptorProto same) {
        String what = message + ": field '" + old.getName() + "' = " + old.getNumber();
        if (!old.getName().equals(same.getName())) {
            problems.add(what + " renamed to '" + same.getName() + "'");
        }
        if (!typeOf(old).equals(typeOf(same))) {
            problems.add(what + " changed type from " + typeOf(old) + " to " + typeOf(same));
        }
        if (repeated(old) != repeated(same)) {
            problems.add(what + " changed from " + cardinality(old) + " to " + cardinality(same));
        }
        String oldOneof = oneofOf(oldMessage, old);
        String newOneof = oneofOf(now, same);
        if (!Objects.equals(oldOneof, newOneof)) {
            problems.add(what + " moved from " + oneofLabel(oldOneof) + " to " + oneofLabel(newOneof));
        }
    }

    private void compareEnum(String name, EnumDescriptorProto old, EnumDescriptorProto now) {
        if (now == null) {
            problems.add("enum " + name + " removed or renamed");
            return;
        }
        Map<Integer, TreeSet<String>> namesByNumber = new TreeMap<>();
        Map<String, Integer> numberByName = new TreeMap<>();
        for (EnumValueDescriptorProto value : now.getValueList()) {
            namesByNumber
                    .computeIfAbsent(value.getNumber(), n -> new TreeSet<>())
                    .add(value.getName());
            numberByName.put(value.getName(), value.getNumber());
        }
        for (EnumValueDescriptorProto value : old.getValueList()) {
            TreeSet<String> names = namesByNumber.get(value.getNumber());
            String what = name + ": enum value " + value.getName() + " = " + value.getNumber();
            Integer moved = numberByName.get(value.getName());
            if (names != null && names.contains(value.getName())) {
                continue;
            } else if (names != null) {
                problems.add(what + " renamed to " + String.join("/", names));
            } else if (moved != null) {
                problems.add(what + " renumbered to " + moved);
            } else if (!reservedEnumNumber(now, value.getNumber())
                    || !now.getReservedNameList().contains(value.getName())) {
                problems.add(what + " removed without reserving its number and name (add: reserved " + value.getNumber()
                        + "; reserved \"" + value.getName() + "\";)");
            }
        }
    }

    private void compareService(String service, ServiceDescriptorProto old, ServiceDescriptorProto now) {
        if (now == null) {
            problems.add("service " + service + " removed or renamed");
            return;
        }
        Map<String, MethodDescriptorProto> methods = new TreeMap<>();
        now.getMethodList().forEach(method -> methods.put(method.getName(), method));
        for (MethodDescriptorProto method : old.getMethodList()) {
            MethodDescriptorProto same = methods.get(method.getName());
            String what = "rpc " + service + "/" + method.getName();
            if (same == null) {
                problems.add(what + " removed or renamed");
                continue;
            }
            if (!method.getInputType().equals(same.getInputType())) {
                problems.add(what + " changed request type from " + strip(method.getInputType()) + " to "
                        + strip(same.getInputType()));
            }
            if (!method.getOutputType().equals(same.getOutputType())) {
                problems.add(what + " changed response type from " + strip(method.getOutputType()) + " to "
                        + strip(same.getOutputType()));
            }
            if (!streaming(method).equals(streaming(same))) {
                problems.add(what + " changed from " + streaming(method) + " to " + streaming(same));
            }
        }
    }

    /** Descriptor reserved ranges are end-exclusive. */
    private static boolean reservedFieldNumber(DescriptorProto message, int number) {
        return message.getReservedRangeList().stream()
                .anyMatch(range -> number >= range.getStart() && number < range.getEnd());
    }

    /** Enum reserved ranges are end-inclusive. */
    private static boolean reservedEnumNumber(EnumDescriptorProto enumType, int number) {
        return enumType.getReservedRangeList().stream()
                .anyMatch(range -> number >= range.getStart() && number <= range.getEnd());
    }

    private static String typeOf(FieldDescriptorProto field) {
        return switch (field.getType()) {
            case TYPE_MESSAGE, TYPE_GROUP -> "message " + strip(field.getTypeName());
            case TYPE_ENUM -> "enum " + strip(field.getTypeName());
            default -> field.getType().name().substring("TYPE_".length()).toLowerCase(Locale.ROOT);
        };
    }

    private static boolean repeated(FieldDescriptorProto field) {
        return field.getLabel() == FieldDescriptorProto.Label.LABEL_REPEATED;
    }

    private static String cardinality(FieldDescriptorProto field) {
        return repeated(field) ? "repeated" : "singular";
    }

    /** The real (not proto3-optional synthetic) oneof a field belongs to, or null. */
    private static String oneofOf(DescriptorProto message, FieldDescriptorProto field) {
        if (!field.hasOneofIndex() || field.getProto3Optional()) {
            return null;
        }
        return message.getOneofDecl(field.getOneofIndex()).getName();
    }

    private static String oneofLabel(String oneof) {
        return oneof == null ? "no oneof" : "oneof " + oneof;
    }

    private static String streaming(MethodDescriptorProto method) {
        if (method.getClientStreaming() && method.getServerStreaming()) {
            return "bidi-streaming";
        }
        if (method.getClientStreaming()) {
            return "client-streaming";
        }
        return method.getServerStreaming() ? "server-streaming" : "unary";
    }

    private static String strip(String typeName) {
        return typeName.startsWith(".") ? typeName.substring(1) : typeName;
    }

    /** Every message (nested included), enum and service of a descriptor set, by fully-qualified name. */
    private static final class Index {
        final Map<String, DescriptorProto> messages = new TreeMap<>();
        final Map<String, EnumDescriptorProto> enums = new TreeMap<>();
        final Map<String, ServiceDescriptorProto> services = new TreeMap<>();

        static Index of(FileDescriptorSet set) {
            Index index = new Index();
            for (FileDescriptorProto file : set.getFileList()) {
                String prefix = file.getPackage().isEmpty() ? "" : file.getPackage() + ".";
                file.getMessageTypeList().forEach(message -> index.addMessage(prefix, message));
                file.getEnumTypeList().forEach(e -> index.enums.put(prefix + e.getName(), e));
                file.getServiceList().forEach(s -> index.services.put(prefix + s.getName(), s));
            }
            return index;
        }

        private void addMessage(String prefix, DescriptorProto message) {
            String name = prefix + message.getName();
            messages.put(name, message);
            message.getNestedTypeList().forEach(nested -> addMessage(name + ".", nested));
            message.getEnumTypeList().forEach(e -> enums.put(name + "." + e.getName(), e));
        }
    }
}
