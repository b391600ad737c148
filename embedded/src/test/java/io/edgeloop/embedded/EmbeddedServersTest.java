package io.edgeloop.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

class EmbeddedServersTest {

    @Test
    void kafkaRoundTripsARecordAndCleansUp() throws Exception {
        Path dir = Path.of(System.getProperty("java.io.tmpdir"));
        // brokers of other processes (or one killed earlier) may have left theirs: only this broker's must go
        java.util.Set<Path> before = brokerDirs(dir);
        try (EmbeddedKafka kafka = EmbeddedKafka.builder().build().start()) {
            kafka.createTopics(List.of("probe"));
            try (var producer = new KafkaProducer<>(
                    Map.<String, Object>of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
                    new StringSerializer(),
                    new StringSerializer())) {
                producer.send(new ProducerRecord<>("probe", "k", "hello")).get();
            }
            try (var consumer = new KafkaConsumer<>(
                    Map.<String, Object>of(
                            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                            ConsumerConfig.GROUP_ID_CONFIG, "probe",
                            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                    new StringDeserializer(),
                    new StringDeserializer())) {
                consumer.subscribe(List.of("probe"));
                String value = null;
                long deadline = System.currentTimeMillis() + 30_000;
                while (value == null && System.currentTimeMillis() < deadline) {
                    for (var r : consumer.poll(Duration.ofMillis(500))) {
                        value = r.value();
                    }
                }
                assertEquals("hello", value);
            }
        }
        java.util.Set<Path> left = brokerDirs(dir);
        left.removeAll(before);
        assertEquals(java.util.Set.of(), left, "log directories the broker left behind");
    }

    /** Broker log directories (with a {@code meta.properties}) under {@code dir}. */
    private static java.util.Set<Path> brokerDirs(Path dir) throws java.io.IOException {
        try (var files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().startsWith("edgeloop-kafka-")
                            && Files.exists(p.resolve("meta.properties")))
                    .collect(java.util.stream.Collectors.toCollection(java.util.HashSet::new));
        }
    }

    @Test
    void postgresCreatesDatabasesAndAnswersQueries() throws Exception {
        try (EmbeddedPostgresServer pg =
                EmbeddedPostgresServer.builder().build().start()) {
            pg.createDatabase("svc_a");
            pg.createDatabase("svc_a"); // idempotent
            try (var c = DriverManager.getConnection(pg.jdbcUrl("svc_a"), EmbeddedPostgresServer.USER, "");
                    var rs = c.createStatement().executeQuery("select current_database()")) {
                rs.next();
                assertEquals("svc_a", rs.getString(1));
            }
        }
    }
}
