package io.edgeloop.deploy.compose;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a command of the Compose test (the image script, docker, docker-compose, the launcher jar) in the repository
 * root, with a time limit, appending its output to a log file and returning it.
 */
final class Shell {
    private final Path root;
    private final Path log;

    /**
     * A shell.
     *
     * @param root working directory of every command (the repository root)
     * @param log where every command and its output are appended
     */
    Shell(Path root, Path log) {
        this.root = root;
        this.log = log;
    }

    /** What a command did: its exit status and its output (stdout and stderr together). */
    record Result(int exit, String output) {
        boolean ok() {
            return exit == 0;
        }

        /** The last {@code lines} lines of the output, for messages. */
        String tail(int lines) {
            List<String> all = output.lines().toList();
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        }
    }

    /** Runs {@code command}; a command still running after {@code limit} is killed (exit 124). */
    Result run(Duration limit, String... command) {
        return run(limit, Map.of(), command);
    }

    /** Runs {@code command} with {@code env} added to the environment. */
    Result run(Duration limit, Map<String, String> env, String... command) {
        try {
            Path out = Files.createTempFile(log.getParent(), "cmd", ".out");
            try {
                ProcessBuilder pb = new ProcessBuilder(command)
                        .directory(root.toFile())
                        .redirectErrorStream(true)
                        .redirectOutput(out.toFile());
                pb.environment().putAll(env);
                Process p = pb.start();
                int exit;
                if (p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
                    exit = p.exitValue();
                } else {
                    p.descendants().forEach(ProcessHandle::destroyForcibly);
                    p.destroyForcibly().waitFor();
                    exit = 124;
                }
                String output = Files.readString(out, StandardCharsets.UTF_8);
                Files.writeString(
                        log,
                        "$ " + String.join(" ", command) + "\n" + output + "[exit " + exit + "]\n",
                        StandardOpenOption.CREATE,
                        StandardOpenOption.APPEND);
                return new Result(exit, output);
            } finally {
                Files.deleteIfExists(out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted running " + String.join(" ", command), e);
        }
    }

    /** Runs {@code command} and fails with its output unless it exits with 0. */
    Result check(Duration limit, String... command) {
        Result r = run(limit, command);
        if (!r.ok()) {
            throw new IllegalStateException(
                    String.join(" ", command) + " exited with " + r.exit() + ":\n" + r.tail(40));
        }
        return r;
    }
}
