package io.edgeloop.embedded.containers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.edgeloop.embedded.EmbeddedPostgresServer.Credentials;
import io.edgeloop.embedded.quarkus.TestInfra;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testcontainers.DockerClientFactory;

/**
 * The container servers themselves (run by {@code -Pcontainers}; skipped otherwise, and where no engine answers):
 * a record round trip through the broker reached at its advertised address, a service database whose role is no
 * superuser, and no container left after close.
 */
class ContainerServersTest {

    @BeforeAll
    static void onlyInTheContainerLayer() {
        assumeTrue(TestInfra.containers(), "the container layer runs with -Pcontainers");
        assumeTrue(
                ContainerEngine.unavailable().isEmpty(),
                () -> ContainerEngine.unavailable().orElse(""));
    }

    @Test
    void kafkaInAContainerRoundTripsARecordAtItsAdvertisedAddress() throws Exception {
        String id;
        try (KafkaContainer kafka = KafkaContainer.start()) {
            id = runningIds().stream()
                    .filter(i -> kafka.logs().length() > 0)
                    .findFirst()
                    .orElseThrow();
            kafka.createTopics(List.of("probe"));
            try (var producer = new KafkaProducer<>(
                    Map.<String, Object>of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
                    new StringSerializer(),
                    new ByteArraySerializer())) {
                producer.send(new ProducerRecord<>("probe", "k", "hello".getBytes()))
                        .get();
            }
            var read = kafka.read("probe", r -> !r.isEmpty(), Duration.ofSeconds(30));
            assertEquals(1, read.size());
            assertEquals("hello", new String(read.get(0).value()));
        }
        assertFalse(runningIds().contains(id), "the broker's container is still running after close");
    }

    @Test
    void postgresInAContainerGivesAServiceItsOwnDatabaseAndNoSuperuser() throws SQLException {
        try (PostgresContainer postgres = PostgresContainer.start()) {
            Credentials db = postgres.createServiceDatabase("orders");
            try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
                    Statement s = c.createStatement()) {
                s.execute("create table t (id int primary key)");
                s.execute("insert into t values (1)");
                try (ResultSet rs =
                        s.executeQuery("select rolsuper, rolcreatedb from pg_roles where rolname = current_user")) {
                    assertTrue(rs.next());
                    assertFalse(rs.getBoolean(1), "superuser");
                    assertFalse(rs.getBoolean(2), "createdb");
                }
            }
            assertThrows(SQLException.class, () -> DriverManager.getConnection(db.jdbcUrl(), db.user(), "wrong"));
        }
    }

    private static List<String> runningIds() {
        return DockerClientFactory.instance().client().listContainersCmd().exec().stream()
                .map(c -> c.getId())
                .toList();
    }
}
