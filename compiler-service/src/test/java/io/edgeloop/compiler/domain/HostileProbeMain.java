package io.edgeloop.compiler.domain;

import java.lang.reflect.Field;

/**
 * A stand-in for {@link SessionMemoryProbeMain} in a child JVM that misbehaves according to the model's file name:
 * {@code segv} dereferences address 0 while "loading" (the JVM's fatal error handler reports a SIGSEGV, as for a crash
 * inside ONNX Runtime), {@code abort} dies with exit code 134 while "running" (SIGABRT), {@code hang} never finishes,
 * {@code quiet} exits 0 without figures, and the static int8 variant {@code model.int8.onnx} crashes like {@code segv};
 * any other model is measured by the real main.
 */
final class HostileProbeMain {
    private HostileProbeMain() {}

    public static void main(String[] args) throws Exception {
        String model = "";
        for (String a : args) {
            if (a.startsWith("model=")) {
                model = a.substring("model=".length());
            }
        }
        String name = model.substring(model.lastIndexOf('/') + 1);
        if (name.contains("segv") || name.equals("model.int8.onnx")) {
            System.err.println("stage=loading");
            Field f = sun.misc.Unsafe.class.getDeclaredField("theUnsafe");
            f.setAccessible(true);
            ((sun.misc.Unsafe) f.get(null)).putAddress(0L, 42L);
        } else if (name.contains("abort")) {
            System.err.println("stage=loading");
            System.err.println("stage=running");
            Runtime.getRuntime().halt(134);
        } else if (name.contains("hang")) {
            System.err.println("stage=loading");
            Thread.sleep(Long.MAX_VALUE);
        } else if (!name.contains("quiet")) {
            SessionMemoryProbeMain.main(args);
        }
    }
}
