package io.edgeloop.deploy.cli;

import java.util.List;

/**
 * A command that could not do its work: a service's error (its problem+json title, detail and field errors), a
 * server that does not answer, or a run that failed. Printed on stderr; the command exits with 1.
 */
public final class CliError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** HTTP status of the service's answer, 0 when there was none. */
    private final int status;

    private final transient List<String> details;

    CliError(String message) {
        this(0, message, List.of());
    }

    CliError(int status, String message, List<String> details) {
        super(message);
        this.status = status;
        this.details = List.copyOf(details);
    }

    /** HTTP status of the service's answer, 0 when there was none. */
    public int status() {
        return status;
    }

    /** The lines to print: {@code error: <message>}, then one indented line per field error. */
    List<String> lines() {
        List<String> out = new java.util.ArrayList<>();
        out.add("error: " + getMessage());
        details.forEach(d -> out.add("  " + d));
        return out;
    }
}
