package io.edgeloop.compiler.domain;

import ai.onnxruntime.OrtEnvironment;
import io.edgeloop.compiler.domain.SessionMemoryProbe.UnavailableException;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * How the children of {@link SessionMemoryProbe} are started: the java launcher, heap, class path, main class and
 * ONNX Runtime's extracted native library folder, and the command line built from them. Also finds these in this
 * process: the launcher ({@code ProcessHandle} command, else {@code java.home}), the jars or class folders of classes
 * (their code sources) and ONNX Runtime's native libraries (extracted once into the work folder).
 */
final class ProbeJvm {
    private final Path launcher;
    private final String classPath;
    private final String mainClass;
    private final Path nativeDir;
    private final String heap;

    /**
     * @param launcher the java executable
     * @param classPath entries of the child's class path, in order
     * @param mainClass the child's main class
     * @param nativeDir ONNX Runtime's extracted native libraries; null when the child loads them its own way
     * @param heap the child's {@code -Xmx}
     */
    ProbeJvm(Path launcher, Set<String> classPath, String mainClass, Path nativeDir, String heap) {
        this.launcher = launcher;
        this.classPath = String.join(File.pathSeparator, classPath);
        this.mainClass = mainClass;
        this.nativeDir = nativeDir;
        this.heap = heap;
    }

    /** Launcher, heap, class path, main class and native library folder (for the log). */
    String describe() {
        return launcher + " -Xmx" + heap + " -cp " + classPath + " " + mainClass
                + (nativeDir == null ? "" : " (native libraries in " + nativeDir + ")");
    }

    /** The child's command line up to the main class. */
    List<String> command(long directMemoryBytes, Path scratch) {
        List<String> cmd = new ArrayList<>();
        cmd.add(launcher.toString());
        cmd.add("-Xmx" + heap);
        cmd.add("-XX:MaxDirectMemorySize=" + directMemoryBytes);
        cmd.add("-XX:+UseSerialGC");
        cmd.add("-XX:TieredStopAtLevel=1");
        cmd.add("-XX:-UsePerfData"); // no hsperfdata file in /tmp
        cmd.add("-XX:-CreateCoredumpOnCrash");
        cmd.add("-XX:ErrorFile=" + scratch.resolve("hs_err_pid%p.log"));
        cmd.add("-Djava.io.tmpdir=" + scratch);
        if (nativeDir != null) {
            cmd.add("-Donnxruntime.native.path=" + nativeDir);
        }
        cmd.add("-cp");
        cmd.add(classPath);
        cmd.add(mainClass);
        return cmd;
    }

    /** This JVM's java launcher: the running process's command when it is {@code java}, else under java.home. */
    static Optional<Path> javaLauncher() {
        Optional<Path> command = ProcessHandle.current()
                .info()
                .command()
                .map(Path::of)
                .filter(p -> {
                    String f = p.getFileName().toString();
                    return f.equals("java") || f.equals("java.exe");
                });
        if (command.isPresent() && Files.isExecutable(command.get())) {
            return command;
        }
        String home = System.getProperty("java.home");
        if (home == null || home.isBlank()) {
            return Optional.empty();
        }
        for (String f : List.of("java", "java.exe")) {
            Path p = Path.of(home, "bin", f);
            if (Files.isExecutable(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /**
     * The jar or class folder {@code type} was loaded from: its code source, else derived from the URL of its class
     * file ({@code jar:file:/x.jar!/...} or {@code file:/classes/...}).
     */
    static Path codeSource(Class<?> type) throws UnavailableException {
        try {
            CodeSource cs = type.getProtectionDomain() == null
                    ? null
                    : type.getProtectionDomain().getCodeSource();
            if (cs != null
                    && cs.getLocation() != null
                    && "file".equals(cs.getLocation().getProtocol())) {
                Path p = Path.of(cs.getLocation().toURI());
                if (Files.exists(p)) {
                    return p;
                }
            }
            String resource = type.getName().replace('.', '/') + ".class";
            URL url =
                    type.getClassLoader() == null ? null : type.getClassLoader().getResource(resource);
            if (url != null) {
                String s = url.toString();
                if (s.startsWith("jar:file:") && s.contains("!/")) {
                    Path p = Path.of(new java.net.URI(s.substring(4, s.indexOf("!/"))));
                    if (Files.isRegularFile(p)) {
                        return p;
                    }
                } else if (s.startsWith("file:") && s.endsWith(resource)) {
                    Path p = Path.of(new java.net.URI(s.substring(0, s.length() - resource.length())));
                    if (Files.isDirectory(p)) {
                        return p;
                    }
                }
            }
            throw new UnavailableException(
                    "cannot find the jar or folder of " + type.getName() + " (code source "
                            + (cs == null ? null : cs.getLocation()) + ", class file " + url + ")",
                    null);
        } catch (URISyntaxException | IllegalArgumentException e) {
            throw new UnavailableException("cannot locate " + type.getName() + ": " + e, e);
        }
    }

    /**
     * Extracts ONNX Runtime's native libraries for this platform from its jar into {@code workDir} once (reused while
     * the sizes match); null when the jar carries none for this platform (the child then loads them its own way).
     */
    static Path extractNativeLibraries(Path workDir, String version) throws IOException {
        String platform = platform();
        List<String> libs = List.of(
                System.mapLibraryName("onnxruntime").replace("jnilib", "dylib"),
                System.mapLibraryName("onnxruntime4j_jni").replace("jnilib", "dylib"));
        Path dir = workDir.resolve("onnxruntime-native-" + version + "-" + platform);
        for (String lib : libs) {
            URL url = OrtEnvironment.class.getResource("/ai/onnxruntime/native/" + platform + "/" + lib);
            if (url == null) {
                return null;
            }
            Path target = dir.resolve(lib);
            URLConnection connection = url.openConnection();
            long size = connection.getContentLengthLong();
            if (Files.isRegularFile(target) && size > 0 && Files.size(target) == size) {
                continue;
            }
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, lib, ".part");
            try (InputStream in = connection.getInputStream()) {
                Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException | UncheckedIOException e) {
                Files.deleteIfExists(tmp);
                throw e;
            }
        }
        return dir;
    }

    /** ONNX Runtime's name for this platform's native folder, e.g. {@code linux-x64}. */
    static String platform() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        String o = os.contains("mac") || os.contains("darwin") ? "osx" : os.contains("win") ? "win" : "linux";
        String a = arch.startsWith("amd64") || arch.startsWith("x86_64")
                ? "x64"
                : arch.equals("aarch64") || arch.equals("arm64") ? "aarch64" : arch;
        return o + "-" + a;
    }
}
