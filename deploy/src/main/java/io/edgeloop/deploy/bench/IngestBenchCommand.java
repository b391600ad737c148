package io.edgeloop.deploy.bench;

import io.edgeloop.deploy.Json;
import io.edgeloop.deploy.LocalStack;
import io.edgeloop.deploy.LocalStackBuilder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code edgeloop bench-ingest}: sample ingest throughput against data-service as a data set grows. Starts the stack
 * (no agents, free ports), creates a data set of {@code --features} features and 3 classes (default outlier checks:
 * per class), sends JSON batches of {@code --batch} rows (uniform values, distinct rows, classes in turn) and measures
 * rows/s of {@code --measure} batches at 0 stored rows and again after filling the data set to {@code --stored} rows,
 * after {@code --warmup} batches into another data set (the service's JIT warmed up first).
 * Prints both, their ratio and the targets (>= 30,000 rows/s; ratio >= 0.8); exit code 0 when both are met.
 */
@Command(
        name = "bench-ingest",
        mixinStandardHelpOptions = true,
        description = "Sample ingest benchmark: rows/s of data-service at 0 and at --stored rows, next to the targets.")
public final class IngestBenchCommand implements Callable<Integer> {
    static final double TARGET_ROWS_PER_S = 30_000;
    static final double TARGET_RATIO = 0.8;
    private static final String DATASET = "ingest-bench";
    private static final List<String> LABELS = List.of("a", "b", "c");

    @Option(names = "--stored", defaultValue = "500000", description = "Rows stored before the second measurement.")
    int stored;

    @Option(names = "--batch", defaultValue = "10000", description = "Rows per batch (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--measure", defaultValue = "3", description = "Batches measured at each size.")
    int measure;

    @Option(names = "--features", defaultValue = "8", description = "Features per row (default: ${DEFAULT-VALUE}).")
    int features;

    @Option(
            names = "--warmup",
            defaultValue = "5",
            description = "Batches sent to a separate data set before the first measurement, so that it measures an"
                    + " empty data set on a warmed-up service, not the JIT (default: ${DEFAULT-VALUE}; 0 = none).")
    int warmup;

    @Option(names = "--home", description = "Repository root with the built services (default: detected).")
    Path home;

    @Option(names = "--work-dir", description = "Keep data and logs here instead of a temporary directory.")
    Path workDir;

    private final Random random = new Random(42);
    private long sent;

    @Override
    public Integer call() throws Exception {
        if (stored < batch * measure || batch < 1 || measure < 1 || features < 1) {
            System.err.println("need --batch, --measure, --features >= 1 and --stored >= batch * measure");
            return 2;
        }
        LocalStackBuilder b = LocalStack.builder()
                .home(home != null ? home : FleetBenchCommand.detectHome())
                .agents(0)
                .zipkin(false)
                .fixedPorts(false);
        if (workDir != null) {
            b.workDir(workDir);
        }
        try (LocalStack stack = b.build().start()) {
            Json.Client admin = new Json.Client(stack.adminToken(), Duration.ofSeconds(300));
            String data = stack.url("data-service") + "/datasets/" + DATASET;
            List<String> names = new ArrayList<>();
            for (int i = 0; i < features; i++) {
                names.add("f" + i);
            }
            admin.put(data, Map.of("featureNames", names, "labels", LABELS)).expect(201);
            if (warmup > 0) {
                String warm = data + "-warmup";
                admin.put(warm, Map.of("featureNames", names, "labels", LABELS)).expect(201);
                long t0 = System.nanoTime();
                for (int i = 0; i < warmup; i++) {
                    send(admin, warm);
                }
                System.out.printf(
                        Locale.ROOT,
                        "warm-up: %,d rows into %s-warmup in %.1f s%n",
                        sent,
                        DATASET,
                        (System.nanoTime() - t0) / 1e9);
                sent = 0;
            }
            double empty = measure(admin, data, "at 0 stored rows");
            long fill = System.nanoTime();
            while (sent < stored) {
                send(admin, data);
            }
            System.out.printf(Locale.ROOT, "filled to %,d rows in %.1f s%n", sent, (System.nanoTime() - fill) / 1e9);
            double full = measure(admin, data, "at " + String.format(Locale.ROOT, "%,d", sent) + " stored rows");
            double ratio = full / empty;
            System.out.printf(
                    Locale.ROOT,
                    "%n| metric | measured | target | ratio | |%n| --- | --- | --- | --- | --- |%n"
                            + "| rows/s, %d-row batches, 0 stored | %.0f | >= %.0f | %.2f | %s |%n"
                            + "| rows/s, %d-row batches, %,d stored | %.0f | >= %.0f | %.2f | %s |%n"
                            + "| large / empty | %.2f | >= %.2f | %.2f | %s |%n",
                    batch,
                    empty,
                    TARGET_ROWS_PER_S,
                    empty / TARGET_ROWS_PER_S,
                    empty >= TARGET_ROWS_PER_S ? "PASS" : "FAIL",
                    batch,
                    stored,
                    full,
                    TARGET_ROWS_PER_S,
                    full / TARGET_ROWS_PER_S,
                    full >= TARGET_ROWS_PER_S ? "PASS" : "FAIL",
                    ratio,
                    TARGET_RATIO,
                    ratio / TARGET_RATIO,
                    ratio >= TARGET_RATIO ? "PASS" : "FAIL");
            boolean ok = empty >= TARGET_ROWS_PER_S && full >= TARGET_ROWS_PER_S && ratio >= TARGET_RATIO;
            return ok ? 0 : 1;
        }
    }

    /** Rows/s over {@code measure} batches (the request round trip, JSON included). */
    private double measure(Json.Client admin, String data, String what) {
        long rows = 0;
        long nanos = 0;
        for (int i = 0; i < measure; i++) {
            long t0 = System.nanoTime();
            rows += send(admin, data);
            nanos += System.nanoTime() - t0;
        }
        double perS = rows / (nanos / 1e9);
        System.out.printf(Locale.ROOT, "%s: %d rows in %.2f s, %.0f rows/s%n", what, rows, nanos / 1e9, perS);
        return perS;
    }

    private int send(Json.Client admin, String data) {
        List<Map<String, Object>> samples = new ArrayList<>(batch);
        for (int i = 0; i < batch; i++) {
            float[] f = new float[features];
            int label = (int) (sent % LABELS.size());
            for (int j = 0; j < features; j++) {
                f[j] = label + random.nextFloat();
            }
            samples.add(Map.of("features", f, "label", LABELS.get(label)));
            sent++;
        }
        Json.Reply r = admin.post(data + "/samples", Map.of("samples", samples)).expect(201);
        return r.body().path("accepted").asInt();
    }
}
