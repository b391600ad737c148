package io.edgeloop.training.config;

import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * Warns at start-up when PyTorch's oneDNN may train recurrent layers wrongly: on a CPU with AVX-512 (measured on an
 * AMD EPYC with avx512_bf16, 2026-12-07) its fused LSTM gave chance-level accuracy and outputs 0.12 away from the ONNX
 * export, unless oneDNN is held to AVX2 with {@code DNNL_MAX_CPU_ISA=AVX2} (set by the launcher, the image and the
 * manifests; oneDNN reads it once, when the library loads, so it cannot be set from here).
 */
@Singleton
public class CpuCheck {
    private static final Logger LOG = Logger.getLogger(CpuCheck.class);
    private static final Set<String> SAFE = Set.of("SSE41", "AVX", "AVX2", "AVX2_VNNI", "AVX2_VNNI_2");

    void check(@Observes StartupEvent event) {
        String isa = System.getenv("DNNL_MAX_CPU_ISA");
        if (isa != null && SAFE.contains(isa.trim().toUpperCase(java.util.Locale.ROOT))) {
            return;
        }
        if (hasAvx512(Path.of("/proc/cpuinfo"))) {
            LOG.warn("this CPU has AVX-512 and DNNL_MAX_CPU_ISA is " + (isa == null ? "unset" : "'" + isa + "'")
                    + ": PyTorch's oneDNN LSTM computes wrong results there; set DNNL_MAX_CPU_ISA=AVX2 (see"
                    + " training-service/README.md, CPUs)");
        }
    }

    /** Whether {@code cpuinfo} (Linux's /proc/cpuinfo) lists the avx512f flag; false where it cannot be read. */
    static boolean hasAvx512(Path cpuinfo) {
        try (var lines = Files.lines(cpuinfo)) {
            return lines.filter(l -> l.startsWith("flags"))
                    .findFirst()
                    .map(l -> (" " + l.substring(l.indexOf(':') + 1) + " ").contains(" avx512f "))
                    .orElse(false);
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }
}
