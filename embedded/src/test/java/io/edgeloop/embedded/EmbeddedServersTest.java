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
    void postgresGivesEachServiceItsOwnPasswordProtectedDatabaseAndRole() throws Exception {
        try (EmbeddedPostgresServer pg =
                EmbeddedPostgresServer.builder().build().start()) {
            EmbeddedPostgresServer.Credentials a = pg.createServiceDatabase("svc_a");
            EmbeddedPostgresServer.Credentials again = pg.createServiceDatabase("svc_a"); // idempotent, new password
            EmbeddedPostgresServer.Credentials b = pg.createServiceDatabase("svc_b");
            try (var c = DriverManager.getConnection(again.jdbcUrl(), again.user(), again.password());
                    var rs = c.createStatement()
                            .executeQuery("select current_database(), current_user,"
                                    + " (select rolsuper from pg_roles where rolname = current_user)")) {
                rs.next();
                assertEquals("svc_a", rs.getString(1));
                assertEquals("svc_a", rs.getString(2));
                assertEquals(false, rs.getBoolean(3), "a service role is no superuser");
                c.createStatement().execute("create table t (id int)"); // owns its database
            }
            assertRefused(a.jdbcUrl(), a.user(), a.password()); // the old password no longer works
            assertRefused(a.jdbcUrl(), a.user(), ""); // no login without the password
            assertRefused(a.jdbcUrl(), EmbeddedPostgresServer.USER, ""); // nor for the superuser
            assertRefused(a.jdbcUrl(), b.user(), b.password()); // svc_b cannot open svc_a's database
        }
    }

    private static void assertRefused(String url, String user, String password) {
        java.sql.SQLException e = org.junit.jupiter.api.Assertions.assertThrows(
                java.sql.SQLException.class,
                () -> DriverManager.getConnection(url, user, password).close());
        org.junit.jupiter.api.Assertions.assertNotNull(e.getSQLState(), e.toString());
    }
}
