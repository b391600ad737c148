package io.edgeloop.compiler.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession.SessionOptions.OptLevel;
import io.edgeloop.compiler.config.CompilerConfig;
import io.edgeloop.compiler.testing.TestGraphs;
import io.edgeloop.compiler.testing.TestModels;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How the engine measures peak memory: isolated (with a variant that crashes the runtime), in process, or not. */
class PeakMemoryTest {
    static final OrtEnvironment ENV = OrtEnvironment.getEnvironment();

    @TempDir
    static Path work;

    @TempDir
    Path dir;

    /** Measures like the real probe, but {@code model.int8.onnx} and {@code segv*} models crash the child. */
    static SessionMemoryProbe hostile;

    @BeforeAll
    static void probe() throws Exception {
        hostile = SessionMemoryProbe.create(work, "32m", Duration.ofSeconds(60), 2, HostileProbeMain.class);
    }

    @AfterAll
    static void close() {
        hostile.close();
    }

    static CompilationEngine isolated(CompilerOptions options) {
        return new CompilationEngine(
                new OnnxOptimizer(ENV, OptLevel.EXTENDED_OPT, 1),
                new ModelEvaluator(ENV, 1, 128, 5, 50, false),
                new VariantValidator(1.0),
                options,
                ENV,
                hostile);
    }

    @Test
    void everyVariantIsMeasuredInItsOwnProcessAndOneThatCrashesTheRuntimeIsRejected() throws Exception {
        ValidationSet train = TestModels.data(3, 1000);
        ValidationSet validation = TestModels.data(4, 400);
        Path floatModel = dir.resolve("float.onnx");
        Files.write(floatModel, TestGraphs.mlp(train, 32, TestModels.CLASSES, 5).toByteArray());
        Path out = Files.createDirectory(dir.resolve("out"));
        CompilationEngine engine = isolated(CompilerOptions.all());

        EngineResult r = engine.run(floatModel, validation, train, out);

        assertEquals(MemoryProbeMode.ISOLATED, engine.memoryProbeMode());
        assertTrue(r.reference().peakMemoryBytes() > 0);
        for (VariantTarget t : List.of(VariantTarget.CPU_INT8, VariantTarget.EDGE_ARM64_INT8, VariantTarget.MCU_INT8)) {
            VariantOutcome o = QuantizedVariantsTest.of(r, t);
            assertFalse(o.accepted());
            assertTrue(
                    o.verdict()
                            .reason()
                            .matches("ONNX Runtime crashed \\(exit \\d+\\) loading model\\.int8\\.onnx: SIGSEGV.*"),
                    o.verdict().reason());
            assertEquals(0, o.peakMemoryBytes());
        }
        for (VariantTarget t :
                List.of(VariantTarget.CPU_FP32_ORTOPT, VariantTarget.CPU_ORT_FORMAT, VariantTarget.CPU_INT8_DYNAMIC)) {
            VariantOutcome o = QuantizedVariantsTest.of(r, t);
            assertTrue(o.accepted(), t + ": " + o.verdict().reason());
            assertEquals("session (isolated process)", o.settings().get("peak_memory_scope"));
            assertTrue(o.peakMemoryBytes() > 0, t + " peak " + o.peakMemoryBytes());
            assertEquals((double) o.peakMemoryBytes(), o.extraMetrics().get("peak_memory_bytes"));
            double load = o.extraMetrics().get("session_load_bytes");
            assertTrue(load > 0 && load <= o.peakMemoryBytes(), t + " load " + load);
        }
        try (Stream<Path> left = Files.list(out)) {
            Set<String> files = left.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
            assertFalse(files.contains("model.int8.onnx"), "the crashing variant's file is deleted: " + files);
        }
    }

    @Test
    void aFloatModelThatCrashesTheRuntimeIsInvalidAndNeverLoadedHere() throws Exception {
        Path floatModel = dir.resolve("segv-float.onnx");
        Files.write(floatModel, TestModels.gemmSoftmax(TestModels.fit(1, 500)));
        Path out = Files.createDirectory(dir.resolve("out"));

        InvalidModelException e = assertThrows(
                InvalidModelException.class,
                () -> isolated(CompilerOptions.fp32Only()).run(floatModel, TestModels.data(2, 100), out));

        assertTrue(e.getMessage().startsWith("ONNX Runtime crashed (exit "), e.getMessage());
        assertTrue(e.getMessage().contains("loading segv-float.onnx"), e.getMessage());
        try (Stream<Path> left = Files.list(out)) {
            assertEquals(0, left.count());
        }
    }

    static CompilerConfig config(String memoryProbe) {
        Map<String, String> props = new HashMap<>(Map.of("edgeloop.compiler.targets", "cpu-fp32-ortopt"));
        if (memoryProbe != null) {
            props.put("edgeloop.compiler.validation.memory-probe", memoryProbe);
        }
        return new SmallRyeConfigBuilder()
                .withMapping(CompilerConfig.class)
                .withConverter(Duration.class, 100, new DurationConverter())
                .withSources(new PropertiesConfigSource(props, "test", 100))
                .build()
                .getConfigMapping(CompilerConfig.class);
    }

    @Test
    void inProcessAndOffAreConfigurableAndRecordedWithEachVariant() throws Exception {
        Path floatModel = dir.resolve("float.onnx");
        Files.write(floatModel, TestModels.gemmSoftmax(TestModels.fit(1, 500)));
        ValidationSet data = TestModels.data(2, 200);
        for (String mode : List.of("in-process", "off")) {
            CompilerConfig config = config(mode);
            assertNull(CompilationService.memoryProbe(config, dir), mode);
            CompilationEngine engine = CompilationService.engine(config, null);
            Path out = Files.createDirectory(dir.resolve("out-" + mode));

            VariantOutcome o = engine.run(floatModel, data, out).variants().get(0);

            assertTrue(o.accepted(), o.verdict().reason());
            if (mode.equals("off")) {
                assertEquals(MemoryProbeMode.OFF, engine.memoryProbeMode());
                assertEquals("not measured", o.settings().get("peak_memory_scope"));
                assertEquals(0, o.peakMemoryBytes());
            } else {
                assertEquals(MemoryProbeMode.IN_PROCESS, engine.memoryProbeMode());
                assertEquals("process", o.settings().get("peak_memory_scope"));
                assertTrue(o.peakMemoryBytes() >= 0);
            }
        }
        CompilerConfig defaults = config(null);
        assertEquals(MemoryProbeMode.ISOLATED, defaults.validation().memoryProbe());
        assertEquals(Duration.ofSeconds(30), defaults.validation().memoryProbeTimeout());
        try (SessionMemoryProbe probe = CompilationService.memoryProbe(defaults, work)) {
            assertNotNull(probe, "isolated by default where a JVM can be started");
            assertEquals(2, probe.parallelism());
        }
    }
}
