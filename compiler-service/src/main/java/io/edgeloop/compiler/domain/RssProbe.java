package io.edgeloop.compiler.domain;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Measures the growth of this process's resident memory (Linux {@code /proc/self/status}) over a window: the RSS
 * high-water mark after resetting it (writing 5 to {@code /proc/self/clear_refs}), or the largest sampled RSS where
 * the reset is refused. Reads 0 where {@code /proc} is unavailable.
 */
final class RssProbe {
    private static final Path STATUS = Path.of("/proc/self/status");
    private static final Path CLEAR_REFS = Path.of("/proc/self/clear_refs");

    private final long before;
    private final boolean hwmReset;
    private long maxSampled;

    private RssProbe(long before, boolean hwmReset) {
        this.before = before;
        this.hwmReset = hwmReset;
        this.maxSampled = before;
    }

    /** Starts a window: records the current RSS and resets the high-water mark if allowed. */
    static RssProbe start() {
        boolean reset;
        try {
            Files.writeString(CLEAR_REFS, "5");
            reset = true;
        } catch (IOException | RuntimeException e) {
            reset = false;
        }
        return new RssProbe(read("VmRSS:"), reset);
    }

    /** Takes an RSS sample. */
    void sample() {
        maxSampled = Math.max(maxSampled, read("VmRSS:"));
    }

    /** Peak RSS minus the RSS at the start, in bytes (never negative). */
    long peakGrowthBytes() {
        sample();
        long peak = hwmReset ? Math.max(read("VmHWM:"), maxSampled) : maxSampled;
        return Math.max(0, peak - before);
    }

    /** A {@code kB} field of /proc/self/status in bytes, 0 when unreadable. */
    static long read(String field) {
        try {
            for (String line : Files.readAllLines(STATUS)) {
                if (line.startsWith(field)) {
                    String[] parts = line.substring(field.length()).trim().split("\\s+");
                    return Long.parseLong(parts[0]) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            return 0;
        }
        return 0;
    }
}
