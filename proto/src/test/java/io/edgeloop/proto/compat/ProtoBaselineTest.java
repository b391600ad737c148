package io.edgeloop.proto.compat;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorSet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The build's proto compatibility check: the contracts compiled from today's {@code .proto} files must not break
 * the committed baseline. With {@code -Dproto.baseline.update=true} it records them as the new baseline instead.
 */
class ProtoBaselineTest {

    @Test
    void compiledContractsAreCompatibleWithTheCommittedBaseline() throws Exception {
        FileDescriptorSet current = ProtoBaseline.compiled();
        List<String> files =
                current.getFileList().stream().map(FileDescriptorProto::getName).toList();
        assertTrue(
                files.contains("edgeloop/events/v1/events.proto"),
                "the generated descriptors were not found, got " + files);

        Path baseline = ProtoBaseline.file();
        if (Boolean.getBoolean(ProtoBaseline.UPDATE_PROPERTY)) {
            ProtoBaseline.write(baseline, current);
            System.out.println("proto baseline updated: " + baseline + " (" + files.size() + " files)");
            return;
        }
        assertTrue(
                Files.isRegularFile(baseline),
                "no proto baseline at " + baseline + "; create it with: " + ProtoBaseline.UPDATE_COMMAND);

        List<String> breaking = ProtoCompatibility.breakingChanges(ProtoBaseline.read(baseline), current);
        if (!breaking.isEmpty()) {
            fail(breaking.size() + " breaking proto change(s) against " + ProtoBaseline.RELATIVE_PATH + ":\n  - "
                    + String.join("\n  - ", breaking)
                    + "\nKeep old fields (or remove them with `reserved <number>; reserved \"<name>\";`) and add new"
                    + " ones under new numbers. If the break is intended and every producer and consumer changes"
                    + " with it, record the new contracts as the baseline:\n  " + ProtoBaseline.UPDATE_COMMAND);
        }
    }
}
