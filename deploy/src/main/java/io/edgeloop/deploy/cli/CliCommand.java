package io.edgeloop.deploy.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.edgeloop.deploy.Json;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * Base of every CLI leaf command: the shared {@link Connection} options, output to the command line's writers, and
 * errors as a message on stderr with exit code 1 ({@link CliError}); picocli's usage errors keep exit code 2.
 */
public abstract class CliCommand implements Callable<Integer> {
    @Mixin
    Connection connection;

    @Spec
    CommandSpec spec;

    @picocli.CommandLine.Option(
            names = {"-h", "--help"},
            usageHelp = true,
            description = "Show this help message and exit.")
    boolean help;

    private Api api;

    @Override
    public final Integer call() {
        try {
            return run();
        } catch (CliError e) {
            e.lines().forEach(err()::println);
            return 1;
        } finally {
            out().flush();
            err().flush();
        }
    }

    /** The command's work; its exit code. */
    protected abstract int run();

    Api api() {
        if (api == null) {
            api = new Api(connection);
        }
        return api;
    }

    boolean json() {
        return connection.json();
    }

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }

    /** Prints {@code node} as pretty JSON. */
    void printJson(JsonNode node) {
        out().println(pretty(node));
    }

    /** With {@code --output json} prints {@code node}, otherwise runs {@code text}; returns 0 (success). */
    int emit(JsonNode node, Runnable text) {
        if (json()) {
            printJson(node);
        } else {
            text.run();
        }
        return 0;
    }

    /** A usage error (exit code 2, with the usage help). */
    picocli.CommandLine.ParameterException usage(String message) {
        return new picocli.CommandLine.ParameterException(spec.commandLine(), message);
    }

    static String pretty(JsonNode node) {
        try {
            return Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
