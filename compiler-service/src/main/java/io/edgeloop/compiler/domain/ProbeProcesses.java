package io.edgeloop.compiler.domain;

import io.edgeloop.compiler.domain.SessionMemoryProbe.ProbeError;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Runs the child JVMs of {@link SessionMemoryProbe}: each in its own scratch folder under the work folder (working
 * directory, {@code java.io.tmpdir}, JVM error file, captured stdout and stderr), deleted afterwards; a child that
 * runs past the timeout is killed. {@link #close} kills the children still running and makes later runs fail.
 */
final class ProbeProcesses implements AutoCloseable {
    private final ProbeJvm jvm;
    private final Path scratchRoot;
    private final Duration timeout;
    private final Set<Process> running = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    /**
     * @param jvm how a child is started
     * @param scratchRoot folder for the children's scratch folders
     * @param timeout how long one child may run before it is killed
     */
    ProbeProcesses(ProbeJvm jvm, Path scratchRoot, Duration timeout) {
        this.jvm = jvm;
        this.scratchRoot = scratchRoot;
        this.timeout = timeout;
    }

    /** The child's command line up to the main class, with the scratch folder at the work folder (for errors). */
    String commandLine() {
        return String.join(" ", jvm.command(0, scratchRoot));
    }

    boolean closed() {
        return closed;
    }

    /**
     * Runs one child to its end or the timeout.
     *
     * @param args the child's arguments after the main class
     * @param inputBytes the bytes of the inputs the child feeds (sizes its direct memory)
     * @throws ProbeError when the child cannot be run, the thread is interrupted or the probe is closed meanwhile
     */
    ProbeChild run(List<String> args, long inputBytes) {
        Path scratch = null;
        Process p = null;
        try {
            scratch = Files.createTempDirectory(scratchRoot, "memory-probe-");
            List<String> cmd = jvm.command(Math.max(64L << 20, 2 * inputBytes + (16L << 20)), scratch);
            cmd.addAll(args);
            Path out = scratch.resolve("stdout.txt");
            Path err = scratch.resolve("stderr.txt");
            p = new ProcessBuilder(cmd)
                    .directory(scratch.toFile())
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile())
                    .start();
            running.add(p);
            p.getOutputStream().close();
            if (closed) {
                p.destroyForcibly();
            }
            boolean finished = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!finished) {
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
            }
            if (closed) {
                throw new ProbeError("the memory probe was closed (shutdown) while measuring", null);
            }
            return new ProbeChild(
                    finished ? p.exitValue() : -1,
                    !finished,
                    Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProbeError("interrupted while measuring", e);
        } catch (IOException e) {
            throw new ProbeError("cannot run the memory probe: " + e, e);
        } finally {
            if (p != null) {
                if (p.isAlive()) {
                    p.destroyForcibly();
                }
                running.remove(p);
            }
            CompilationService.deleteTree(scratch);
        }
    }

    /** Kills children still running; later runs fail. */
    @Override
    public void close() {
        closed = true;
        running.forEach(Process::destroyForcibly);
    }
}
