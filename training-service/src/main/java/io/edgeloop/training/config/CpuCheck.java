package io.edgeloop.training.config;

import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jboss.logging.Logger;

/**
 * Warns at start-up on a CPU with AVX-512, where PyTorch's oneDNN trained recurrent layers wrongly (measured on an AMD
 * EPYC with avx512_bf16, 2026-12-07: a fused LSTM trained to chance accuracy and its outputs were 0.12 away from the
 * ONNX export's). Holding oneDNN to AVX2 ({@code DNNL_MAX_CPU_ISA=AVX2}, read once when the library loads) fixed the
 * LSTM there but broke the 1D convolutions' parity with ONNX Runtime instead, so nothing is set by default: the warning
 * names the trade-off.
 */
@Singleton
public class CpuCheck {
    private static final Logger LOG = Logger.getLogger(CpuCheck.class);

    void check(@Observes StartupEvent event) {
        if (hasAvx512(Path.of("/proc/cpuinfo"))) {
            String isa = System.getenv("DNNL_MAX_CPU_ISA");
            LOG.warn("this CPU has AVX-512 (DNNL_MAX_CPU_ISA " + (isa == null ? "unset" : "'" + isa + "'")
                    + "): PyTorch's oneDNN trained LSTMs wrongly on such CPUs unless held to AVX2, which broke 1D"
                    + " convolutions instead; check lstm models' test accuracy (training-service/README.md, CPUs)");
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
