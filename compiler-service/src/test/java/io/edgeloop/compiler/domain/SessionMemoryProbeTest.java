package io.edgeloop.compiler.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession.SessionOptions.OptLevel;
import io.edgeloop.compiler.testing.TestGraphs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The isolated memory probe with real child JVMs and ONNX Runtime. */
class SessionMemoryProbeTest {
    static final long MIB = 1 << 20;

    @TempDir
    Path dir;

    Path write(String name, byte[] bytes) throws Exception {
        Path p = dir.resolve(name);
        Files.write(p, bytes);
        return p;
    }

    static SessionMemoryProbe.Request request(Path model, long... shape) {
        return new SessionMemoryProbe.Request(model, shape, OptLevel.NO_OPT, 1, 64);
    }

    /** What the children left in the work folder, besides the extracted native libraries. */
    static List<String> leftovers(Path work) throws Exception {
        try (Stream<Path> files = Files.walk(work)) {
            return files.filter(p -> !p.equals(work))
                    .map(p -> work.relativize(p).toString())
                    .filter(p -> !p.startsWith("onnxruntime-native-"))
                    .toList();
        }
    }

    @Test
    void aSessionWithTenTimesTheWeightsCostsMoreAndNothingIsLeftBehind() throws Exception {
        Path small = write("small.onnx", TestGraphs.gemm(100, 100, 1).toByteArray()); // 40 KiB of weights
        Path big = write("big.onnx", TestGraphs.gemm(1024, 1024, 2).toByteArray()); // 4 MiB of weights
        Path work = Files.createDirectory(dir.resolve("work"));

        List<SessionMemoryProbe.Outcome> outcomes;
        try (SessionMemoryProbe probe = SessionMemoryProbe.create(work, "32m", Duration.ofSeconds(60), 2)) {
            outcomes = probe.measureAll(List.of(request(small, -1, 100), request(big, -1, 1024)));
        }

        SessionMemoryProbe.Measurement s = outcomes.get(0).measurement();
        SessionMemoryProbe.Measurement b = outcomes.get(1).measurement();
        assertNull(outcomes.get(0).failure());
        assertNull(outcomes.get(1).failure());
        String version = OrtEnvironment.getEnvironment().getVersion();
        for (SessionMemoryProbe.Measurement m : List.of(s, b)) {
            assertEquals(version, m.ortVersion());
            assertTrue(m.peakBytes() > 0 && m.loadBytes() > 0 && m.loadBytes() <= m.peakBytes(), m.toString());
        }
        if (s.hwmReset()) {
            assertTrue(b.peakBytes() - s.peakBytes() >= 3 * MIB, "big " + b + " vs small " + s);
        }
        assertTrue(b.loadBytes() - s.loadBytes() >= 3 * MIB, "big " + b + " vs small " + s);
        assertEquals(List.of(), leftovers(work), "scratch folders are deleted");
        Path natives = work.resolve("onnxruntime-native-" + version + "-" + SessionMemoryProbe.platform());
        assertTrue(Files.isRegularFile(natives.resolve(System.mapLibraryName("onnxruntime"))));
    }

    @Test
    void childrenThatCrashHangOrSayNothingGiveClearFailuresAndLeaveNothingBehind() throws Exception {
        Path work = Files.createDirectory(dir.resolve("work"));
        byte[] model = TestGraphs.gemm(8, 4, 1).toByteArray();
        List<SessionMemoryProbe.Request> requests = List.of(
                request(write("segv.onnx", model), -1, 8),
                request(write("abort.onnx", model), -1, 8),
                request(write("hang.onnx", model), -1, 8),
                request(write("quiet.onnx", model), -1, 8));

        List<SessionMemoryProbe.Outcome> outcomes;
        try (SessionMemoryProbe probe =
                SessionMemoryProbe.create(work, "32m", Duration.ofMillis(2500), 2, HostileProbeMain.class)) {
            outcomes = probe.measureAll(requests);
        }

        var segv = assertInstanceOf(
                SessionMemoryProbe.ModelFailure.class, outcomes.get(0).failure());
        assertTrue(segv.crashed());
        assertTrue(segv.getMessage().startsWith("ONNX Runtime crashed (exit "), segv.getMessage());
        assertTrue(segv.getMessage().contains(") loading segv.onnx: SIGSEGV"), segv.getMessage());
        var abort = assertInstanceOf(
                SessionMemoryProbe.ModelFailure.class, outcomes.get(1).failure());
        assertTrue(abort.crashed());
        assertTrue(
                abort.getMessage().startsWith("ONNX Runtime crashed (exit 134) running abort.onnx: signal 6"),
                abort.getMessage());
        var hang = assertInstanceOf(
                SessionMemoryProbe.ModelFailure.class, outcomes.get(2).failure());
        assertFalse(hang.crashed());
        assertEquals(
                "ONNX Runtime did not finish loading hang.onnx within 2500 ms (memory probe timeout)",
                hang.getMessage());
        var quiet = assertInstanceOf(
                SessionMemoryProbe.ProbeError.class, outcomes.get(3).failure());
        assertTrue(quiet.getMessage().contains("printed no figures"), quiet.getMessage());
        // a model failure is an invalid model for the float model (the caller throws it)
        assertInstanceOf(InvalidModelException.class, segv);
        assertEquals(List.of(), leftovers(work), "no scratch folder, JVM error report or temp file is left");
    }

    @Test
    void aModelOnnxRuntimeRefusesIsAModelFailureWithItsMessage() throws Exception {
        Path work = Files.createDirectory(dir.resolve("work"));
        Path garbage = write("garbage.onnx", "not a model".getBytes());
        try (SessionMemoryProbe probe = SessionMemoryProbe.create(work, "32m", Duration.ofSeconds(60), 1)) {
            var e = assertThrows(
                    SessionMemoryProbe.ModelFailure.class, () -> probe.measure(request(garbage, (long[]) null)));
            assertFalse(e.crashed());
            assertTrue(
                    e.getMessage().startsWith("garbage.onnx is not a model ONNX Runtime can load: "), e.getMessage());
        }
    }

    @Test
    void withoutAClassFolderOrJarTheProbeIsUnavailableAndSaysWhy() {
        var e = assertThrows(
                SessionMemoryProbe.UnavailableException.class,
                () -> SessionMemoryProbe.create(dir, "32m", Duration.ofSeconds(5), 1, String.class));
        assertTrue(e.getMessage().contains("cannot find the jar or folder of java.lang.String"), e.getMessage());
        assertThrows(
                IllegalArgumentException.class, () -> SessionMemoryProbe.create(dir, "lots", Duration.ofSeconds(5), 1));
        assertTrue(SessionMemoryProbe.javaLauncher().isPresent());
    }
}
