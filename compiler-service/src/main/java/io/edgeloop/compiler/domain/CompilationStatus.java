package io.edgeloop.compiler.domain;

/** Outcome of a compilation. */
public enum CompilationStatus {
    /** At least one variant was accepted, registered and announced with ModelOptimized. */
    SUCCEEDED,
    /** Every variant exceeded the accuracy budget (or failed to load): nothing registered, no event. */
    REJECTED,
    /** The compilation could not run (see its failure reason): nothing registered, no event. */
    FAILED
}
