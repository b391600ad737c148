package io.edgeloop.agent.domain;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.util.ArrayList;
import java.util.List;

/**
 * The ONNX Runtime resources one model's session may use, applied to every session the agent creates
 * ({@code edgeloop.agent.runtime.*}): intra-op threads (the calling thread counts as one: 1 = no pool threads),
 * inter-op threads (used only by the parallel execution mode; 1 = none), the CPU arena allocator (on: tensors reuse
 * memory from an arena that only grows, fastest; off: every run allocates and frees, the least resident memory) and
 * memory pattern optimization (on: the run's allocations are planned once per input shape and pre-allocated).
 *
 * @param intraOpThreads threads per operator, 1 to 64
 * @param interOpThreads threads across operators, 1 to 64
 * @param arenaAllocator whether the CPU arena allocator is used
 * @param memoryPattern whether memory pattern optimization is on
 */
public record SessionSettings(int intraOpThreads, int interOpThreads, boolean arenaAllocator, boolean memoryPattern) {
    /** Most threads of either kind accepted. */
    public static final int MAX_THREADS = 64;

    /** One thread each, ONNX Runtime's allocator defaults (arena and memory pattern on). */
    public static final SessionSettings DEFAULT = new SessionSettings(1, 1, true, true);

    /** @throws IllegalArgumentException when a thread count is outside 1..{@value #MAX_THREADS} */
    public SessionSettings {
        List<String> problems = new ArrayList<>();
        if (intraOpThreads < 1 || intraOpThreads > MAX_THREADS) {
            problems.add("intra-op-threads must be 1 to " + MAX_THREADS + ", was " + intraOpThreads);
        }
        if (interOpThreads < 1 || interOpThreads > MAX_THREADS) {
            problems.add("inter-op-threads must be 1 to " + MAX_THREADS + ", was " + interOpThreads);
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("edgeloop.agent.runtime: " + String.join("; ", problems));
        }
    }

    /** The defaults with {@code threads} intra-op threads. */
    public static SessionSettings withThreads(int threads) {
        return new SessionSettings(Math.max(1, threads), 1, true, true);
    }

    /** New session options carrying these settings; the caller closes them. */
    public OrtSession.SessionOptions options() throws OrtException {
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        try {
            options.setIntraOpNumThreads(intraOpThreads);
            options.setInterOpNumThreads(interOpThreads);
            options.setCPUArenaAllocator(arenaAllocator);
            options.setMemoryPatternOptimization(memoryPattern);
            return options;
        } catch (OrtException | RuntimeException e) {
            options.close();
            throw e;
        }
    }

    @Override
    public String toString() {
        return "intra-op-threads=" + intraOpThreads + ", inter-op-threads=" + interOpThreads + ", arena-allocator="
                + arenaAllocator + ", memory-pattern=" + memoryPattern;
    }
}
