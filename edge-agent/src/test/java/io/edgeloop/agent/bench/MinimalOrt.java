package io.edgeloop.agent.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * The floor the agent is compared with: a Java program that only loads ONNX Runtime, creates one session for the model
 * file given as its first argument (input {@code input} of shape {@code [1, features]}, the second argument) and runs
 * it in a loop for the number of milliseconds given as the third argument, then prints {@code ready} and waits (so its
 * RSS can be read) until stdin closes. Uses nothing but the JDK and ONNX Runtime, so it runs on
 * {@code -cp test-classes:onnxruntime.jar}.
 */
public final class MinimalOrt {
    private MinimalOrt() {}

    public static void main(String[] args) throws Exception {
        String model = args[0];
        int features = Integer.parseInt(args[1]);
        long runMillis = Long.parseLong(args[2]);
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(1);
            options.setInterOpNumThreads(1);
            try (OrtSession session = env.createSession(model, options)) {
                float[] x = new float[features];
                long end = System.nanoTime() + runMillis * 1_000_000L;
                long runs = 0;
                while (System.nanoTime() < end) {
                    try (OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(x), new long[] {1, features});
                            OrtSession.Result r = session.run(Map.of("input", t))) {
                        runs += r.size();
                    }
                }
                System.out.println("ready " + runs);
                System.out.flush();
                CountDownLatch eof = new CountDownLatch(1);
                Thread reader = new Thread(() -> {
                    try {
                        while (System.in.read() >= 0) {
                            // wait for stdin to close
                        }
                    } catch (java.io.IOException e) {
                        // closed
                    }
                    eof.countDown();
                });
                reader.setDaemon(true);
                reader.start();
                eof.await();
            }
        }
    }
}
