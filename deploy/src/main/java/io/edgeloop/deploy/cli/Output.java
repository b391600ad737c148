package io.edgeloop.deploy.cli;

/** How a command prints: {@code text} for people, {@code json} for scripts. */
public enum Output {
    /** Tables and key-value lines. */
    text,
    /** The service's JSON (or a stable JSON of what text shows), pretty-printed. */
    json
}
