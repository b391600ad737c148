package io.edgeloop.training.config;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The AVX-512 detection behind the oneDNN warning, on cpuinfo texts of both kinds and a missing file. */
class CpuCheckTest {
    @Test
    void findsTheAvx512FoundationFlagOnly(@TempDir Path dir) throws Exception {
        Path with = Files.writeString(
                dir.resolve("with"), "processor\t: 0\nflags\t\t: fpu sse4_2 avx avx2 avx512f avx512_bf16\n");
        Path without =
                Files.writeString(dir.resolve("without"), "processor\t: 0\nflags\t\t: fpu sse4_2 avx avx2 avx_vnni\n");
        Path lookalike = Files.writeString(dir.resolve("lookalike"), "flags\t\t: fpu avx512fx\n");
        assertTrue(CpuCheck.hasAvx512(with));
        assertFalse(CpuCheck.hasAvx512(without));
        assertFalse(CpuCheck.hasAvx512(lookalike));
        assertFalse(CpuCheck.hasAvx512(dir.resolve("missing")));
    }
}
