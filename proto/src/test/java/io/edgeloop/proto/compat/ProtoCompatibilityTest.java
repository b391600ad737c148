package io.edgeloop.proto.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.EnumDescriptorProto;
import com.google.protobuf.DescriptorProtos.EnumValueDescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto.Label;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto.Type;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorSet;
import com.google.protobuf.DescriptorProtos.MethodDescriptorProto;
import com.google.protobuf.DescriptorProtos.OneofDescriptorProto;
import com.google.protobuf.DescriptorProtos.ServiceDescriptorProto;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class ProtoCompatibilityTest {
    private static final FileDescriptorSet BASELINE = shop(file -> {});

    @Test
    void identicalContractsAreCompatible() {
        assertEquals(List.of(), ProtoCompatibility.breakingChanges(BASELINE, shop(file -> {})));
    }

    @Test
    void addedFieldMessageEnumValueAndRpcAreCompatible() {
        FileDescriptorSet current = shop(file -> {
            order(file).addField(field("note", 9, Type.TYPE_STRING));
            file.addMessageType(DescriptorProto.newBuilder().setName("Refund"));
            file.getEnumTypeBuilder(0).addValue(value("STATUS_SHIPPED", 2));
            file.getServiceBuilder(0).addMethod(rpc("Cancel", ".test.v1.Order", ".test.v1.Order", false));
        });
        assertEquals(List.of(), ProtoCompatibility.breakingChanges(BASELINE, current));
    }

    @Test
    void removedFieldWithItsNumberAndNameReservedIsCompatible() {
        FileDescriptorSet current = shop(file -> {
            removeField(order(file), "amount");
            order(file)
                    .addReservedRange(DescriptorProto.ReservedRange.newBuilder()
                            .setStart(2)
                            .setEnd(3))
                    .addReservedName("amount");
        });
        assertEquals(List.of(), ProtoCompatibility.breakingChanges(BASELINE, current));
    }

    @Test
    void removedFieldIsBreaking() {
        FileDescriptorSet current = shop(file -> removeField(order(file), "amount"));
        assertEquals(
                List.of("test.v1.Order: field 'amount' = 2 removed without reserving it (add: reserved 2; reserved"
                        + " \"amount\";)"),
                ProtoCompatibility.breakingChanges(BASELINE, current));
    }

    @Test
    void removedFieldWithOnlyItsNumberReservedIsBreaking() {
        FileDescriptorSet current = shop(file -> {
            removeField(order(file), "amount");
            order(file)
                    .addReservedRange(DescriptorProto.ReservedRange.newBuilder()
                            .setStart(2)
                            .setEnd(3));
        });
        assertEquals(
                List.of("test.v1.Order: field 'amount' = 2 removed; its number is reserved but its name is not (add:"
                        + " reserved \"amount\";)"),
                ProtoCompatibility.breakingChanges(BASELINE, current));
    }

    @Test
    void renumberedFieldIsBreaking() {
        FileDescriptorSet current = shop(file -> order(file).getFieldBuilder(1).setNumber(7));
        assertEquals(
                List.of("test.v1.Order: field 'amount' = 2 renumbered to 7"),
                ProtoCompatibility.breakingChanges(BASELINE, current));
    }

    @Test
    void retypedFieldIsBreaking() {
        FileDescriptorSet current = shop(file -> order(file).getFieldBuilder(1).setType(Type.TYPE_STRING));
        assertEquals(
                List.of("test.v1.Order: field 'amount' = 2 changed type from int64 to string"),
                ProtoCompatibility.breakingChanges(BASELINE, current));
    }

    @Test
    void fieldChangedToAnotherMessageTypeIsBreaking() {
        FileDescriptorSet current = shop(
                file -> order(file).getFieldBuilder(1).setType(Type.TYPE_ENUM).setTypeName(".test.v1.Status"));
        assertEquals(
                List.of("test.v1.Order: field 'amount' = 2 changed type from int64 to enum test.v1.Status"),
                ProtoCompatibility.breakingChanges(BASELINE, current));
    }

    @Test
    void renamedRepeatedOrOneofChangedFieldsAreBreaking() {
        FileDescriptorSet current = shop(file -> {
            order(file).getFieldBuilder(0).setName("order_id");
            order(file).getFieldBuilder(2).setLabel(Label.LABEL_OPTIONAL);
            order(file).getFieldBuilder(3).clearOneofIndex();
        });
        assertEquals(
                List.of(
                        "test.v1.Order: field 'id' = 1 renamed to 'order_id'",
                        "test.v1.Order: field 'tags' = 3 changed from repeated to singular",
                        "test.v1.Order: field 'card' = 4 moved from oneof payment to no oneof"),
                ProtoCompatibility.breakingChanges(BASELINE, current));
    }

    @Test
    void removedMessageAndEnumValueAreBreakingUnlessTheValueIsReserved() {
        FileDescriptorSet current = shop(file -> {
            file.removeMessageType(1);
            file.getEnumTypeBuilder(0).removeValue(1);
        });
        assertEquals(
                List.of(
                        "message test.v1.Receipt removed or renamed",
                        "test.v1.Status: enum value STATUS_OPEN = 1 removed without reserving its number and name"
                                + " (add: reserved 1; reserved \"STATUS_OPEN\";)"),
                ProtoCompatibility.breakingChanges(BASELINE, current));

        FileDescriptorSet reserved = shop(file -> file.getEnumTypeBuilder(0)
                .removeValue(1)
                .addReservedRange(EnumDescriptorProto.EnumReservedRange.newBuilder()
                        .setStart(1)
                        .setEnd(1))
                .addReservedName("STATUS_OPEN"));
        assertEquals(List.of(), ProtoCompatibility.breakingChanges(BASELINE, reserved));
    }

    @Test
    void removedRpcIsBreaking() {
        FileDescriptorSet current = shop(file -> file.getServiceBuilder(0).removeMethod(1));
        assertEquals(
                List.of("rpc test.v1.Shop/Watch removed or renamed"),
                ProtoCompatibility.breakingChanges(BASELINE, current));
    }

    @Test
    void rpcWithAnotherRequestResponseOrStreamingModeIsBreaking() {
        FileDescriptorSet current = shop(file -> {
            file.getServiceBuilder(0).getMethodBuilder(0).setInputType(".test.v1.Receipt");
            file.getServiceBuilder(0).getMethodBuilder(0).setOutputType(".test.v1.Order");
            file.getServiceBuilder(0).getMethodBuilder(1).setServerStreaming(false);
        });
        assertEquals(
                List.of(
                        "rpc test.v1.Shop/Place changed request type from test.v1.Order to test.v1.Receipt",
                        "rpc test.v1.Shop/Place changed response type from test.v1.Receipt to test.v1.Order",
                        "rpc test.v1.Shop/Watch changed from server-streaming to unary"),
                ProtoCompatibility.breakingChanges(BASELINE, current));
    }

    @Test
    void aFieldRemovedFromTheCompiledContractsFailsTheCheck() throws Exception {
        FileDescriptorSet compiled = ProtoBaseline.compiled();
        FileDescriptorSet.Builder changed = compiled.toBuilder();
        for (FileDescriptorProto.Builder file : changed.getFileBuilderList()) {
            for (DescriptorProto.Builder message : file.getMessageTypeBuilderList()) {
                if (message.getName().equals("DataReady")) {
                    removeField(message, "snapshot_id");
                }
            }
        }
        assertEquals(List.of(), ProtoCompatibility.breakingChanges(compiled, compiled));
        List<String> breaking = ProtoCompatibility.breakingChanges(compiled, changed.build());
        assertEquals(1, breaking.size(), breaking::toString);
        assertTrue(breaking.get(0).startsWith("edgeloop.events.v1.DataReady: field 'snapshot_id' = 4 removed"));
    }

    /**
     * test/v1/shop.proto: {@code Order {id = 1; amount = 2 (int64); repeated tags = 3; oneof payment {card = 4;
     * iban = 5}}}, {@code Receipt}, {@code enum Status}, {@code service Shop {Place (unary), Watch (server
     * stream)}}, changed by {@code edit}.
     */
    private static FileDescriptorSet shop(Consumer<FileDescriptorProto.Builder> edit) {
        DescriptorProto.Builder order = DescriptorProto.newBuilder()
                .setName("Order")
                .addField(field("id", 1, Type.TYPE_STRING))
                .addField(field("amount", 2, Type.TYPE_INT64))
                .addField(field("tags", 3, Type.TYPE_STRING).setLabel(Label.LABEL_REPEATED))
                .addField(field("card", 4, Type.TYPE_STRING).setOneofIndex(0))
                .addField(field("iban", 5, Type.TYPE_STRING).setOneofIndex(0))
                .addOneofDecl(OneofDescriptorProto.newBuilder().setName("payment"));
        FileDescriptorProto.Builder file = FileDescriptorProto.newBuilder()
                .setName("test/v1/shop.proto")
                .setPackage("test.v1")
                .setSyntax("proto3")
                .addMessageType(order)
                .addMessageType(DescriptorProto.newBuilder()
                        .setName("Receipt")
                        .addField(field("order_id", 1, Type.TYPE_STRING)))
                .addEnumType(EnumDescriptorProto.newBuilder()
                        .setName("Status")
                        .addValue(value("STATUS_UNSPECIFIED", 0))
                        .addValue(value("STATUS_OPEN", 1)))
                .addService(ServiceDescriptorProto.newBuilder()
                        .setName("Shop")
                        .addMethod(rpc("Place", ".test.v1.Order", ".test.v1.Receipt", false))
                        .addMethod(rpc("Watch", ".test.v1.Order", ".test.v1.Order", true)));
        edit.accept(file);
        return FileDescriptorSet.newBuilder().addFile(file).build();
    }

    private static DescriptorProto.Builder order(FileDescriptorProto.Builder file) {
        return file.getMessageTypeBuilder(0);
    }

    private static void removeField(DescriptorProto.Builder message, String name) {
        for (int i = 0; i < message.getFieldCount(); i++) {
            if (message.getField(i).getName().equals(name)) {
                message.removeField(i);
                return;
            }
        }
        throw new IllegalArgumentException("no field " + name + " in " + message.getName());
    }

    private static FieldDescriptorProto.Builder field(String name, int number, Type type) {
        return FieldDescriptorProto.newBuilder()
                .setName(name)
                .setNumber(number)
                .setType(type)
                .setLabel(Label.LABEL_OPTIONAL);
    }

    private static EnumValueDescriptorProto value(String name, int number) {
        return EnumValueDescriptorProto.newBuilder()
                .setName(name)
                .setNumber(number)
                .build();
    }

    private static MethodDescriptorProto rpc(String name, String input, String output, boolean serverStreaming) {
        return MethodDescriptorProto.newBuilder()
                .setName(name)
                .setInputType(input)
                .setOutputType(output)
                .setServerStreaming(serverStreaming)
                .build();
    }
}
