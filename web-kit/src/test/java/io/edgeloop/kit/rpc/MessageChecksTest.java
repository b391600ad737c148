package io.edgeloop.kit.rpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.google.protobuf.ByteString;
import com.google.protobuf.BytesValue;
import com.google.protobuf.ListValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import org.junit.jupiter.api.Test;

class MessageChecksTest {
    private static Value text(String s) {
        return Value.newBuilder().setStringValue(s).build();
    }

    @Test
    void findsBadStringsInNestedRepeatedAndMapFields() {
        Struct ok = Struct.newBuilder()
                .putFields("a", text("fine\ttext"))
                .putFields(
                        "list",
                        Value.newBuilder()
                                .setListValue(ListValue.newBuilder().addValues(text("x")))
                                .build())
                .build();
        assertNull(MessageChecks.check(ok, 100));

        Struct nested = Struct.newBuilder()
                .putFields(
                        "list",
                        Value.newBuilder()
                                .setListValue(ListValue.newBuilder()
                                        .addValues(text("x"))
                                        .addValues(text("y\u0000")))
                                .build())
                .build();
        MessageChecks.Violation v = MessageChecks.check(nested, 100);
        assertEquals("fields[list].list_value.values[1].string_value", v.field());
        assertEquals("contains a NUL character", v.reason());

        Struct badKey = Struct.newBuilder().putFields("k\u0001", text("v")).build();
        assertEquals("fields (a key)", MessageChecks.check(badKey, 100).field());

        Struct tooLong =
                Struct.newBuilder().putFields("a", text("x".repeat(101))).build();
        assertEquals(
                "longer than 100 characters", MessageChecks.check(tooLong, 100).reason());
    }

    @Test
    void bytesAndNonMessagesAreNotLookedAt() {
        assertNull(MessageChecks.check(
                BytesValue.newBuilder()
                        .setValue(ByteString.copyFrom(new byte[] {0, 1, 2}))
                        .build(),
                1));
        assertNull(MessageChecks.check("not a message\u0000", 1));
    }
}
