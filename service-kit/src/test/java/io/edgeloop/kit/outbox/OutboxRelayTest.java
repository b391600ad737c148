package io.edgeloop.kit.outbox;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgeloop.common.Events;
import io.edgeloop.embedded.quarkus.KafkaTestResource;
import io.edgeloop.embedded.quarkus.PostgresTestResource;
import io.edgeloop.proto.events.v1.DataReady;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/** The relay against a real broker: per-key order, parking of a record the broker refuses, replay, retention. */
@QuarkusTest
@TestProfile(OutboxRelayTest.RelayOn.class)
@QuarkusTestResource(value = KafkaTestResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = PostgresTestResource.class, restrictToAnnotatedClass = true)
class OutboxRelayTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    /** The relay on, a few attempts before parking. */
    public static class RelayOn implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "edgeloop.outbox.enabled", "true",
                    "edgeloop.outbox.max-attempts", "3",
                    "edgeloop.outbox.poll-interval", "50ms");
        }
    }

    @Inject
    Outbox outbox;

    @Inject
    OutboxRelay relay;

    @Inject
    MeterRegistry registry;

    private static DataReady event(String dataset, int payloadBytes) {
        return DataReady.newBuilder()
                .setMeta(Events.newMeta("test", null, null))
                .setDatasetName(dataset)
                .setDatasetVersion(1)
                .setSnapshotId("x".repeat(payloadBytes)) // a record above the producer's 1 MiB limit is refused
                .build();
    }

    private static OutboxEvent row(String eventId) {
        return QuarkusTransaction.requiringNew()
                .call(() -> OutboxEvent.<OutboxEvent>find("eventId", eventId).firstResult());
    }

    @Test
    void aRefusedRecordIsParkedWithoutHoldingBackOtherKeysAndItsKeyKeepsItsOrder() {
        String topic = "outbox-test-" + UUID.randomUUID().toString().substring(0, 8);
        KafkaTestResource.broker().createTopics(List.of(topic));
        DataReady tooBig = event("a", 2 * 1024 * 1024);
        DataReady afterTooBig = event("a", 10);
        List<DataReady> others = List.of(event("b", 10), event("b", 10), event("b", 10));
        QuarkusTransaction.requiringNew().run(() -> {
            outbox.enqueue(topic, "key-a", tooBig.getMeta(), tooBig);
            outbox.enqueue(topic, "key-a", afterTooBig.getMeta(), afterTooBig);
            others.forEach(e -> outbox.enqueue(topic, "key-b", e.getMeta(), e));
        });

        List<ConsumerRecord<String, byte[]>> records =
                KafkaTestResource.broker().read(topic, r -> r.size() >= 4, WAIT);
        // key-b flowed while key-a waited, in its order
        List<String> bIds = records.stream()
                .filter(r -> r.key().equals("key-b"))
                .map(r -> parse(r).getMeta().getEventId())
                .toList();
        assertEquals(others.stream().map(e -> e.getMeta().getEventId()).toList(), bIds);
        // the refused row was parked after 3 attempts, and only then did the row after it on key-a go out
        OutboxEvent parked = row(tooBig.getMeta().getEventId());
        assertNotNull(parked.parkedAt);
        assertNull(parked.publishedAt);
        assertEquals(3, parked.attempts);
        assertTrue(parked.lastError.contains("RecordTooLarge"), parked.lastError);
        OutboxEvent next = row(afterTooBig.getMeta().getEventId());
        assertNotNull(next.publishedAt);
        assertFalse(next.publishedAt.isBefore(parked.parkedAt), "key-a's order: the later row waited");
        assertTrue(relay.parkedCount() >= 1);
        // the metrics: four rows of this topic published, the parked one in the backlog gauges
        Counter published =
                registry.find("edgeloop.events.published").tags("topic", topic).counter();
        assertNotNull(published, "no edgeloop.events.published series for " + topic);
        assertEquals(4, published.count());
        relay.measureBacklog();
        assertTrue(registry.get("edgeloop.outbox.parked").gauge().value() >= 1);
        assertNotNull(registry.find("edgeloop.outbox.pending").gauge());
        assertNotNull(registry.find("edgeloop.outbox.oldest.pending").gauge());

        // an operator's replay retries it; the broker still refuses, so it parks again after 3 more attempts
        assertTrue(relay.unpark(parked.id));
        await().atMost(WAIT)
                .until(() -> row(tooBig.getMeta().getEventId()).parkedAt != null
                        && row(tooBig.getMeta().getEventId()).attempts == 3
                        && !row(tooBig.getMeta().getEventId()).parkedAt.equals(parked.parkedAt));
        assertFalse(relay.unpark(next.id), "a published row is not parked");
    }

    @Test
    void retentionTrimsPublishedRowsAndOldInboxRowsOnly() {
        String topic = "outbox-trim-" + UUID.randomUUID().toString().substring(0, 8);
        KafkaTestResource.broker().createTopics(List.of(topic));
        DataReady old = event("c", 10);
        DataReady recent = event("c", 10);
        QuarkusTransaction.requiringNew().run(() -> {
            outbox.enqueue(topic, "key-c", old.getMeta(), old);
            outbox.enqueue(topic, "key-c", recent.getMeta(), recent);
        });
        await().atMost(WAIT).until(() -> row(recent.getMeta().getEventId()).publishedAt != null);
        QuarkusTransaction.requiringNew().run(() -> {
            OutboxEvent.update(
                    "publishedAt = ?1 where eventId = ?2",
                    Instant.now().minus(Duration.ofDays(8)),
                    old.getMeta().getEventId());
            ProcessedEvent stale = new ProcessedEvent();
            stale.id = "trim-test/stale-" + UUID.randomUUID();
            stale.processedAt = Instant.now().minus(Duration.ofDays(31));
            stale.persist();
            ProcessedEvent fresh = new ProcessedEvent();
            fresh.id = "trim-test/fresh-" + UUID.randomUUID();
            fresh.processedAt = Instant.now().minus(Duration.ofDays(1));
            fresh.persist();
        });
        assertTrue(relay.trimNow() >= 2);
        assertNull(row(old.getMeta().getEventId()));
        assertNotNull(row(recent.getMeta().getEventId()));
        long left = QuarkusTransaction.requiringNew().call(() -> ProcessedEvent.count("id like 'trim-test/%'"));
        assertEquals(1, left);
    }

    private static DataReady parse(ConsumerRecord<String, byte[]> r) {
        return Events.parse(r.value(), DataReady.parser(), DataReady::getMeta);
    }
}
