package io.edgeloop.proto.compat;

import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorSet;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.TextFormat;
import io.edgeloop.proto.events.v1.Events;
import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The committed contract baseline ({@value #RELATIVE_PATH}, protobuf text format of a {@code FileDescriptorSet})
 * and the descriptors compiled from today's {@code .proto} files, read from the generated outer classes'
 * {@code getDescriptor()}.
 */
final class ProtoBaseline {
    /** Where the baseline lives, relative to the proto module. */
    static final String RELATIVE_PATH = "src/test/resources/proto-baseline.txtpb";

    /** System property that rewrites the baseline from the compiled descriptors instead of checking them. */
    static final String UPDATE_PROPERTY = "proto.baseline.update";

    /** The command that records the current contracts as the new baseline. */
    static final String UPDATE_COMMAND = "./mvnw -B verify -pl proto -D" + UPDATE_PROPERTY + "=true";

    private static final String HEADER =
            "# EdgeLoop proto contract baseline (google.protobuf.FileDescriptorSet, text format).\n"
                    + "# ProtoBaselineTest fails the build on any change that breaks it. Regenerate it only on purpose, with\n"
                    + "#   " + UPDATE_COMMAND + "\n";

    private ProtoBaseline() {}

    /** The baseline file of the proto module the tests run in. */
    static Path file() {
        return Path.of(System.getProperty("basedir", System.getProperty("user.dir")))
                .resolve(RELATIVE_PATH);
    }

    static FileDescriptorSet read(Path file) throws IOException {
        FileDescriptorSet.Builder set = FileDescriptorSet.newBuilder();
        TextFormat.getParser().merge(Files.readString(file, StandardCharsets.UTF_8), set);
        return set.build();
    }

    static void write(Path file, FileDescriptorSet set) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, HEADER + TextFormat.printer().printToString(set), StandardCharsets.UTF_8);
    }

    /**
     * The descriptors of every {@code .proto} file of this module, sorted by file name: one per generated outer
     * class (a top-level class with a static {@code getDescriptor()} returning a {@link FileDescriptor}) found
     * next to the generated {@link Events} class.
     */
    static FileDescriptorSet compiled() throws IOException, ReflectiveOperationException, URISyntaxException {
        Path root = Path.of(
                Events.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Map<String, FileDescriptorProto> files = new TreeMap<>();
        if (Files.isDirectory(root)) {
            collect(root, files);
        } else {
            try (FileSystem jar = FileSystems.newFileSystem(root)) {
                collect(jar.getPath("/"), files);
            }
        }
        return FileDescriptorSet.newBuilder().addAllFile(files.values()).build();
    }

    private static void collect(Path root, Map<String, FileDescriptorProto> files)
            throws IOException, ReflectiveOperationException {
        List<String> classNames;
        try (Stream<Path> paths = Files.walk(root)) {
            classNames = paths.map(path -> root.relativize(path).toString())
                    .filter(name -> name.endsWith(".class") && !name.contains("$"))
                    .map(name -> name.substring(0, name.length() - ".class".length())
                            .replace('/', '.')
                            .replace('\\', '.'))
                    .filter(name -> !name.startsWith("META-INF") && !name.endsWith("module-info"))
                    .sorted(Comparator.naturalOrder())
                    .toList();
        }
        ClassLoader loader = ProtoBaseline.class.getClassLoader();
        for (String className : classNames) {
            FileDescriptor file = fileDescriptorOf(Class.forName(className, false, loader));
            if (file != null) {
                files.put(file.getName(), file.toProto());
            }
        }
    }

    private static FileDescriptor fileDescriptorOf(Class<?> type) throws ReflectiveOperationException {
        Method getter;
        try {
            getter = type.getMethod("getDescriptor");
        } catch (NoSuchMethodException notGenerated) {
            return null;
        }
        if (!Modifier.isStatic(getter.getModifiers()) || getter.getReturnType() != FileDescriptor.class) {
            return null;
        }
        return (FileDescriptor) getter.invoke(null);
    }
}
