package io.edgeloop.data;

import static io.restassured.RestAssured.given;

import io.edgeloop.common.Hashing;
import io.edgeloop.embedded.quarkus.KafkaTestResource;
import io.restassured.http.ContentType;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Helpers shared by the tests: REST setup, independent re-computation of ids and splits, Kafka I/O. */
final class TestSupport {
    static final List<String> LABELS = List.of("normal", "imbalance", "bearing");

    private TestSupport() {}

    /** A generated sample. */
    record Gen(float[] features, String label) {
        Map<String, Object> json(String source) {
            List<Double> values = new ArrayList<>();
            for (float f : features) {
                values.add((double) f);
            }
            return Map.of("features", values, "label", label, "source", source);
        }
    }

    /** The data set's stored sample count, as {@code GET /datasets/{name}} reports it. */
    static long sampleCount(String dataset) {
        return given().get("/datasets/" + dataset)
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getLong("sampleCount");
    }

    /**
     * Creates a data set of features {@code f0..} and {@link #LABELS}, content-addressed ({@code duplicates: drop}):
     * the tests that recompute sample ids from content use it. {@link #createDataset(String, int, String)} chooses.
     */
    static void createDataset(String name, int features) {
        createDataset(name, features, "drop");
    }

    /** As {@link #createDataset(String, int)} with duplicate handling {@code keep} (the default) or {@code drop}. */
    static void createDataset(String name, int features, String duplicates) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < features; i++) {
            names.add("f" + i);
        }
        given().contentType(ContentType.JSON)
                .body(Map.of("featureNames", names, "labels", LABELS))
                .put("/datasets/" + name)
                .then()
                .statusCode(201);
        if (!duplicates.equals("keep")) {
            given().contentType(ContentType.JSON)
                    .body(Map.of("duplicates", duplicates))
                    .put("/datasets/" + name + "/settings")
                    .then()
                    .statusCode(200);
        }
    }

    /** {@code n} samples with features ~ N(label index, 1), reproducible from {@code seed}. */
    static List<Gen> generate(int n, int features, long seed) {
        Random r = new Random(seed);
        List<Gen> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int label = r.nextInt(LABELS.size());
            float[] f = new float[features];
            for (int j = 0; j < features; j++) {
                f[j] = (float) (label + r.nextGaussian());
            }
            out.add(new Gen(f, LABELS.get(label)));
        }
        return out;
    }

    static void ingest(String dataset, List<Gen> samples, int expectedAccepted) {
        List<Map<String, Object>> body =
                samples.stream().map(g -> g.json("test")).toList();
        given().contentType(ContentType.JSON)
                .body(Map.of("samples", body))
                .post("/datasets/" + dataset + "/samples")
                .then()
                .statusCode(expectedAccepted > 0 ? 201 : 200)
                .body("accepted", org.hamcrest.Matchers.equalTo(expectedAccepted));
    }

    /** The documented sample id, computed independently of the service code. */
    static String sampleId(String dataset, float[] features, String label) {
        MessageDigest md = Hashing.sha256();
        md.update(dataset.getBytes(StandardCharsets.UTF_8));
        md.update((byte) 0);
        for (float f : features) {
            md.update(ByteBuffer.allocate(4).putFloat(f == 0f ? 0f : f).array());
        }
        md.update((byte) 0);
        md.update(label.getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(md.digest());
    }

    /**
     * The documented stratified split (70/15/15), computed independently of the service code: per class, each new
     * sample goes to the split with the largest {@code target * (n + 1) - count} (ties train, validation, test), a
     * batch taken in the order of its samples' ids computed with an empty data set name. One instance per data set,
     * fed the batches in ingest order.
     */
    static final class StratifiedSplits {
        private static final String[] NAMES = {"train", "validation", "test"};
        private static final double[] TARGETS = {0.70, 0.15, 0.15};
        private final Map<String, long[]> counts = new java.util.HashMap<>();

        /** sample id in {@code dataset} -> split, for one ingested batch of new samples. */
        java.util.TreeMap<String, String> batch(String dataset, List<Gen> samples) {
            java.util.TreeMap<String, String> out = new java.util.TreeMap<>();
            samples.stream()
                    .sorted(java.util.Comparator.comparing(g -> sampleId("", g.features(), g.label())))
                    .forEach(g -> {
                        long[] n = counts.computeIfAbsent(g.label(), k -> new long[3]);
                        long total = n[0] + n[1] + n[2] + 1;
                        int best = 0;
                        for (int s = 1; s < 3; s++) {
                            if (TARGETS[s] * total - n[s] > TARGETS[best] * total - n[best] + 1e-9) {
                                best = s;
                            }
                        }
                        n[best]++;
                        out.put(sampleId(dataset, g.features(), g.label()), NAMES[best]);
                    });
            return out;
        }
    }

    static void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout + " waiting for " + what);
            }
            Thread.sleep(100);
        }
    }

    static KafkaProducer<String, byte[]> producer() {
        Properties p = new Properties();
        p.put(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                KafkaTestResource.broker().bootstrapServers());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        return new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
    }

    static void produce(String topic, String key, byte[] value) throws Exception {
        try (KafkaProducer<String, byte[]> producer = producer()) {
            producer.send(new ProducerRecord<>(topic, key, value)).get();
        }
    }

    /**
     * Reads {@code topic} from the beginning until {@code done} holds for the matching records seen so far, or the
     * timeout passes; returns the matching records.
     */
    static List<ConsumerRecord<String, byte[]>> consume(
            String topic,
            Predicate<ConsumerRecord<String, byte[]>> match,
            Predicate<List<ConsumerRecord<String, byte[]>>> done,
            Duration timeout) {
        return KafkaTestResource.broker()
                .read(topic, read -> done.test(read.stream().filter(match).toList()), timeout)
                .stream()
                .filter(match)
                .toList();
    }

    static String header(ConsumerRecord<String, byte[]> r, String name) {
        var h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
