package io.edgeloop.deploy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A child JVM (or other process) whose output goes to a log file; stopping it also stops its descendants. */
final class ManagedProcess implements AutoCloseable {
    private final String name;
    private final Path logFile;
    private final Process process;

    private ManagedProcess(String name, Path logFile, Process process) {
        this.name = name;
        this.logFile = logFile;
        this.process = process;
    }

    static ManagedProcess start(String name, List<String> command, Path workDir, Path logFile) throws IOException {
        return start(name, command, workDir, logFile, java.util.Map.of());
    }

    /** Starts {@code command} with {@code env} added to this process's environment (secrets stay off the command line). */
    static ManagedProcess start(
            String name, List<String> command, Path workDir, Path logFile, java.util.Map<String, String> env)
            throws IOException {
        Files.createDirectories(logFile.getParent());
        Files.createDirectories(workDir);
        ProcessBuilder pb = new ProcessBuilder(command)
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(
                        ProcessBuilder.Redirect.appendTo(logFile.toFile())); // a restart keeps the log before it
        pb.environment().remove("JAVA_TOOL_OPTIONS");
        pb.environment().putAll(env);
        return new ManagedProcess(name, logFile, pb.start());
    }

    /** Starts {@code command} with exactly {@code env} as its environment (nothing inherited). */
    static ManagedProcess startClean(
            String name, List<String> command, Path workDir, Path logFile, java.util.Map<String, String> env)
            throws IOException {
        Files.createDirectories(logFile.getParent());
        Files.createDirectories(workDir);
        ProcessBuilder pb = new ProcessBuilder(command)
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
        pb.environment().clear();
        pb.environment().putAll(env);
        return new ManagedProcess(name, logFile, pb.start());
    }

    String name() {
        return name;
    }

    Path logFile() {
        return logFile;
    }

    boolean isAlive() {
        return process.isAlive();
    }

    long pid() {
        return process.pid();
    }

    /** The last {@code n} lines of the log, for error messages. */
    String tail(int n) {
        try {
            List<String> lines = Files.readAllLines(logFile, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - n), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /** Asks the process (and its descendants) to stop, then kills what is left after {@code grace}. */
    void stop(Duration grace) {
        List<ProcessHandle> all = new ArrayList<>(process.descendants().toList());
        all.add(process.toHandle());
        all.forEach(ProcessHandle::destroy);
        long deadline = System.nanoTime() + grace.toNanos();
        for (ProcessHandle h : all) {
            long left = Math.max(0, deadline - System.nanoTime());
            try {
                h.onExit().get(left, TimeUnit.NANOSECONDS);
            } catch (Exception e) {
                h.destroyForcibly();
            }
        }
    }

    /** The exit code once the process ended (after {@link #stop}), or -1 while it runs. */
    int exitCode() {
        return process.isAlive() ? -1 : process.exitValue();
    }

    /** Kills the process and its descendants at once (SIGKILL, like a crash), and waits for them to exit. */
    void kill() {
        List<ProcessHandle> all = new ArrayList<>(process.descendants().toList());
        all.add(process.toHandle());
        all.forEach(ProcessHandle::destroyForcibly);
        for (ProcessHandle h : all) {
            try {
                h.onExit().get(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for " + name + " to die", e);
            } catch (Exception e) {
                throw new IllegalStateException("process " + h.pid() + " of " + name + " did not die", e);
            }
        }
    }

    @Override
    public void close() {
        stop(Duration.ofSeconds(10));
    }
}
