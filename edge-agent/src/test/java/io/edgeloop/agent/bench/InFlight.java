package io.edgeloop.agent.bench;

import io.edgeloop.agent.bench.InferenceBenchmark.Result;
import io.edgeloop.proto.inference.GRPCInferenceServiceGrpc;
import io.edgeloop.proto.inference.ModelInferResponse;
import io.grpc.Channel;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Throughput with several calls in flight per client thread: each client thread keeps {@code depth} calls started
 * and starts the next one as soon as one completes, gRPC through the async stub (calls multiplexed on one HTTP/2
 * connection per client thread) and HTTP/1.1 through pipelining (requests written ahead on one keep-alive connection,
 * responses read in order). Latency is from a call's start to its completion as seen by the client thread, so it
 * includes the wait behind the calls ahead of it.
 */
final class InFlight {
    private InFlight() {}

    /** One client thread's connection: starts calls and waits for the next completion. */
    interface Pipeline extends AutoCloseable {
        /** Starts call {@code id} on {@code x}. */
        void send(int id, float[] x) throws Exception;

        /** Waits for a call to complete; returns its id. */
        int receive() throws Exception;
    }

    /** Opens one client thread's pipeline. */
    @FunctionalInterface
    interface Connector {
        Pipeline open() throws Exception;
    }

    /** {@code requests} calls over {@code threads} client threads with {@code depth} in flight on each. */
    static Result measure(String mode, Connector connector, float[][] inputs, InferenceBenchmark.Sizes n)
            throws Exception {
        int warmup = n.warmup();
        int requests = n.requests();
        int threads = n.threads();
        int depth = n.depth();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            int each = requests / threads;
            List<Future<long[]>> futures = new ArrayList<>();
            long[] start = new long[1];
            double[] cpu = new double[1];
            // every thread warms up, then all start the measured calls together
            CyclicBarrier warmedUp = new CyclicBarrier(threads, () -> {
                cpu[0] = InferenceBenchmark.agentCpuUs();
                start[0] = System.nanoTime();
            });
            for (int t = 0; t < threads; t++) {
                int id = t;
                futures.add(pool.submit(() -> {
                    try (Pipeline p = connector.open()) {
                        drive(p, inputs, id, warmup / threads, depth);
                        warmedUp.await();
                        return drive(p, inputs, id, each, depth);
                    }
                }));
            }
            List<long[]> perThread = new ArrayList<>();
            for (Future<long[]> f : futures) {
                perThread.add(f.get());
            }
            double seconds = (System.nanoTime() - start[0]) / 1e9;
            long[] all =
                    perThread.stream().flatMapToLong(Arrays::stream).sorted().toArray();
            return new Result(
                    mode,
                    threads,
                    depth,
                    all.length,
                    seconds,
                    InferenceBenchmark.percentile(all, 0.50),
                    InferenceBenchmark.percentile(all, 0.99),
                    InferenceBenchmark.agentCpuPerRequest(mode, cpu[0], all.length));
        } finally {
            pool.shutdownNow();
        }
    }

    /** {@code n} calls with {@code depth} in flight; the latency of each. */
    private static long[] drive(Pipeline p, float[][] inputs, int thread, int n, int depth) throws Exception {
        long[] startedAt = new long[n];
        long[] latencies = new long[n];
        int sent = 0;
        for (; sent < Math.min(depth, n); sent++) {
            startedAt[sent] = System.nanoTime();
            p.send(sent, inputs[(thread * 31 + sent) % inputs.length]);
        }
        for (int done = 0; done < n; done++) {
            int id = p.receive();
            long now = System.nanoTime();
            latencies[id] = now - startedAt[id];
            if (sent < n) {
                startedAt[sent] = now;
                p.send(sent, inputs[(thread * 31 + sent) % inputs.length]);
                sent++;
            }
        }
        return latencies;
    }

    /** Async-stub gRPC ModelInfer calls multiplexed on {@code channel}. */
    static Pipeline grpc(Channel channel) {
        var stub = GRPCInferenceServiceGrpc.newStub(channel);
        BlockingQueue<Integer> completed = new LinkedBlockingQueue<>();
        List<Throwable> errors = new java.util.concurrent.CopyOnWriteArrayList<>();
        return new Pipeline() {
            @Override
            public void send(int id, float[] x) {
                stub.withDeadlineAfter(5, TimeUnit.SECONDS).modelInfer(Payloads.modelInfer(x), new StreamObserver<>() {
                    @Override
                    public void onNext(ModelInferResponse r) {
                        Payloads.check(r);
                    }

                    @Override
                    public void onError(Throwable t) {
                        errors.add(t);
                        completed.add(-1);
                    }

                    @Override
                    public void onCompleted() {
                        completed.add(id);
                    }
                });
            }

            @Override
            public int receive() throws InterruptedException {
                int id = completed.take();
                if (id < 0) {
                    throw new IllegalStateException("ModelInfer failed", errors.get(0));
                }
                return id;
            }

            @Override
            public void close() {}
        };
    }

    /** HTTP/1.1 pipelined POSTs of {@code body(x)} to {@code path} on one keep-alive connection. */
    static Pipeline http(int port, String path, java.util.function.Function<float[], String> body) throws IOException {
        RawHttpClient client = new RawHttpClient("127.0.0.1", port);
        ArrayDeque<Integer> pending = new ArrayDeque<>();
        return new Pipeline() {
            @Override
            public void send(int id, float[] x) throws IOException {
                pending.add(id);
                client.send(path, body.apply(x));
            }

            @Override
            public int receive() throws IOException {
                int status = client.readResponse();
                if (status != 200) {
                    throw new IllegalStateException(path + " " + status);
                }
                return pending.remove();
            }

            @Override
            public void close() throws IOException {
                client.close();
            }
        };
    }
}
