package io.edgeloop.compiler.domain;

/**
 * How the peak memory of a model's session is measured ({@code edgeloop.compiler.validation.memory-probe}); the
 * {@link #scope()} is recorded with every variant as {@code peak_memory_scope}.
 */
public enum MemoryProbeMode {
    /** In a dedicated child JVM per model ({@link SessionMemoryProbe}), before the model is loaded in the service. */
    ISOLATED("session (isolated process)"),
    /** As the growth of the service's own resident set while the session is created and run. */
    IN_PROCESS("process"),
    /** Not measured ({@code peak_memory_bytes} is 0). */
    OFF("not measured");

    private final String scope;

    MemoryProbeMode(String scope) {
        this.scope = scope;
    }

    /** What a figure measured this way covers, e.g. {@code session (isolated process)}. */
    public String scope() {
        return scope;
    }
}
