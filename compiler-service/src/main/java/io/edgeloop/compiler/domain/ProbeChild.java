package io.edgeloop.compiler.domain;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What one child JVM of {@link SessionMemoryProbe} did: its exit status, whether it timed out, and its output, read
 * for the figures, the stage it reached, ONNX Runtime's message and the JVM's crash report.
 */
record ProbeChild(int exit, boolean timedOut, String stdout, String stderr) {
    private static final Pattern LONG_FIELD = Pattern.compile("\"(\\w+)\":(-?\\d+)");
    private static final Pattern VERSION_FIELD = Pattern.compile("\"ort_version\":\"([^\"]*)\"");
    /** The first line of the JVM's fatal error report. */
    static final String FATAL_BANNER = "A fatal error has been detected by the Java Runtime Environment";

    /** A JVM crash (fatal error handler) or death by a signal. */
    boolean crashed() {
        return !timedOut && exit != 0 && (exit >= 128 || stdout.contains(FATAL_BANNER));
    }

    String stage() {
        if (stderr.contains("stage=running")) {
            return "running";
        }
        return stderr.contains("stage=loading") ? "loading" : "before loading";
    }

    /** {@code : SIGSEGV, problematic frame C [libonnxruntime.so+0x...]} from the JVM's report, when present. */
    String crashDetail() {
        List<String> parts = new ArrayList<>();
        Matcher signal = Pattern.compile("#\\s+(SIG[A-Z]+)").matcher(stdout);
        if (signal.find()) {
            parts.add(signal.group(1));
        } else if (exit > 128) {
            parts.add("signal " + (exit - 128));
        }
        int frame = stdout.indexOf("# Problematic frame:");
        if (frame >= 0) {
            String[] lines = stdout.substring(frame).split("\n", 3);
            if (lines.length > 1) {
                parts.add("problematic frame "
                        + lines[1].replaceFirst("^#\\s*", "").trim());
            }
        }
        return parts.isEmpty() ? "" : ": " + String.join(", ", parts);
    }

    String ortMessage() {
        for (String line : stderr.split("\n")) {
            if (line.startsWith("onnxruntime: ")) {
                return line.substring("onnxruntime: ".length()).trim();
            }
        }
        return tail(stderr);
    }

    String tail(String s) {
        String t = s.strip();
        return t.length() <= 500 ? t : "..." + t.substring(t.length() - 500);
    }

    Optional<SessionMemoryProbe.Measurement> measurement() {
        String json = null;
        for (String line : stdout.split("\n")) {
            if (line.startsWith("{")) {
                json = line;
            }
        }
        if (json == null) {
            return Optional.empty();
        }
        Long peak = null;
        Long load = null;
        Matcher m = LONG_FIELD.matcher(json);
        while (m.find()) {
            switch (m.group(1)) {
                case "peak_bytes" -> peak = Long.parseLong(m.group(2));
                case "load_bytes" -> load = Long.parseLong(m.group(2));
                default -> {}
            }
        }
        Matcher v = VERSION_FIELD.matcher(json);
        if (peak == null || load == null || !v.find()) {
            return Optional.empty();
        }
        return Optional.of(
                new SessionMemoryProbe.Measurement(peak, load, json.contains("\"hwm_reset\":true"), v.group(1)));
    }
}
