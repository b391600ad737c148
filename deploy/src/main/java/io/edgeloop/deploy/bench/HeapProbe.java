package io.edgeloop.deploy.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Live heap of a service JVM, read with {@code jcmd <pid> GC.class_histogram}: the histogram is taken after a full
 * GC, so its total is the bytes of reachable objects; it also counts the instances of one class (the deployment
 * service's live WatchAssignments streams, {@code WatchHub$LiveStream}).
 */
final class HeapProbe {
    /** The deployment service's per-stream object: one per open WatchAssignments stream. */
    static final String LIVE_STREAM = "io.edgeloop.deployment.grpc.WatchHub$LiveStream";

    /** Reachable bytes after a full GC, and the instances of the class asked for. */
    record Sample(long liveBytes, long instances) {}

    private HeapProbe() {}

    /** Forces a full GC in {@code pid} and returns its live bytes and instances of {@code className}. */
    static Sample sample(long pid, String className) {
        String out = jcmd(pid, "GC.class_histogram");
        long total = -1;
        long instances = 0;
        for (String line : out.split("\n")) {
            String[] cols = line.trim().split("\\s+");
            if (cols.length >= 3 && cols[0].equals("Total")) {
                total = Long.parseLong(cols[2]);
            } else if (cols.length >= 4 && cols[3].equals(className)) {
                instances = Long.parseLong(cols[1]);
            }
        }
        if (total < 0) {
            throw new IllegalStateException("no Total line in the class histogram of " + pid + ": "
                    + out.substring(0, Math.min(300, out.length())));
        }
        return new Sample(total, instances);
    }

    /** The JVM's -Xmx in bytes ({@code jcmd <pid> VM.flags}), or -1 when not shown. */
    static long maxHeap(long pid) {
        for (String flag : jcmd(pid, "VM.flags").split("\\s+")) {
            if (flag.startsWith("-XX:MaxHeapSize=")) {
                return Long.parseLong(flag.substring("-XX:MaxHeapSize=".length()));
            }
        }
        return -1;
    }

    private static String jcmd(long pid, String command) {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        try {
            Process p = new ProcessBuilder(jcmd.toString(), Long.toString(pid), command)
                    .redirectErrorStream(true)
                    .start();
            byte[] bytes = p.getInputStream().readAllBytes();
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException(
                        "jcmd " + pid + " " + command + " failed: " + new String(bytes, StandardCharsets.UTF_8));
            }
            return new String(bytes, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + jcmd + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
