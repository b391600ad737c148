package io.edgeloop.kit.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgeloop.common.EventHeaders;
import io.edgeloop.common.Events;
import io.edgeloop.common.Events.PoisonEventException;
import io.edgeloop.embedded.quarkus.PostgresTestResource;
import io.edgeloop.kit.jobs.Jobs;
import io.edgeloop.kit.outbox.Inbox;
import io.edgeloop.proto.events.v1.DataReady;
import io.edgeloop.proto.events.v1.ModelTrained;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(PostgresTestResource.class)
class EventConsumerTest {
    @Inject
    EventConsumer consumer;

    @Inject
    TestDataReadyHandler handler;

    @Inject
    Jobs jobs;

    @Inject
    Inbox inbox;

    @Inject
    MeterRegistry registry;

    private double consumed(String outcome) {
        Counter c = registry.find("edgeloop.events.consumed")
                .tags("event", "DataReady", "outcome", outcome)
                .counter();
        return c == null ? 0 : c.count();
    }

    private static DataReady event(String dataset) {
        return DataReady.newBuilder()
                .setMeta(Events.newMeta("test", null, null))
                .setDatasetName(dataset)
                .setDatasetVersion(1)
                .setSnapshotId(dataset + "@v1")
                .build();
    }

    private static ConsumerRecord<String, byte[]> record(String type, byte[] value) {
        ConsumerRecord<String, byte[]> r = new ConsumerRecord<>("data-ready", 0, 0L, "k", value);
        r.headers().add(EventHeaders.EVENT_TYPE, type.getBytes(StandardCharsets.UTF_8));
        return r;
    }

    private boolean effectExists(DataReady e) {
        return jobs.find(TestDataReadyHandler.JOB_KIND, e.getMeta().getEventId())
                .isPresent();
    }

    @Test
    void anEventIsAppliedOnceUnderTheConventionalConsumerId() {
        DataReady e = event("d-" + UUID.randomUUID().toString().substring(0, 8));
        var rec = record(DataReady.getDescriptor().getFullName(), e.toByteArray());
        assertTrue(consumer.accept(rec, handler));
        assertFalse(consumer.accept(rec, handler)); // redelivery
        assertEquals(1, handler.callsOf(e.getMeta().getEventId()));
        assertTrue(effectExists(e));
        assertEquals("kit-test/DataReady", consumer.consumerId(handler));
        assertTrue(inbox.seen("kit-test/DataReady", e.getMeta().getEventId()));
    }

    @Test
    void aRecordOfAnotherTypeIsPoisonAndChangesNothing() {
        DataReady e = event("d-" + UUID.randomUUID().toString().substring(0, 8));
        var rec = record(ModelTrained.getDescriptor().getFullName(), e.toByteArray());
        PoisonEventException x = assertThrows(PoisonEventException.class, () -> consumer.accept(rec, handler));
        assertTrue(x.getMessage().contains("edgeloop.events.v1.ModelTrained"), x.getMessage());
        assertEquals(0, handler.callsOf(e.getMeta().getEventId()));
        assertFalse(inbox.seen("kit-test/DataReady", e.getMeta().getEventId()));
    }

    @Test
    void anInvalidEventIsPoisonNamingTheField() {
        DataReady e =
                event("d").toBuilder().setDatasetVersion(0).clearSnapshotId().build();
        PoisonEventException x =
                assertThrows(PoisonEventException.class, () -> consumer.accept(e.toByteArray(), handler));
        assertTrue(x.getMessage().contains("dataset_version must be >= 1"), x.getMessage());
        assertTrue(x.getMessage().contains("snapshot_id is blank"), x.getMessage());
        assertThrows(
                PoisonEventException.class,
                () -> consumer.accept("not protobuf at all".getBytes(StandardCharsets.UTF_8), handler));
    }

    @Test
    void aHandlerRefusingTheEventRollsBackItsEffectsAndIsNotRetried() {
        DataReady e = event("poison-" + UUID.randomUUID().toString().substring(0, 8));
        assertThrows(PoisonEventException.class, () -> consumer.accept(e.toByteArray(), handler));
        assertEquals(1, handler.callsOf(e.getMeta().getEventId()));
        assertFalse(effectExists(e));
        assertFalse(inbox.seen("kit-test/DataReady", e.getMeta().getEventId()));
    }

    @Test
    void transientFailuresAreRetriedAndTheEventIsAppliedOnce() {
        DataReady e = event("fail-2-" + UUID.randomUUID().toString().substring(0, 8));
        assertTrue(consumer.accept(e.toByteArray(), handler));
        assertEquals(3, handler.callsOf(e.getMeta().getEventId()));
        assertTrue(effectExists(e));
    }

    @Test
    void whenRetriesAreSpentTheRecordFailsAsTransientWithNothingHalfWritten() {
        DataReady e = event("fail-3-" + UUID.randomUUID().toString().substring(0, 8));
        TransientEventException x =
                assertThrows(TransientEventException.class, () -> consumer.accept(e.toByteArray(), handler));
        assertTrue(x.getMessage().contains("failed 3 times"), x.getMessage());
        assertEquals(3, handler.callsOf(e.getMeta().getEventId()));
        assertFalse(effectExists(e));
        assertFalse(inbox.seen("kit-test/DataReady", e.getMeta().getEventId()));
        // replayed after the cause went away, it is applied once
        assertTrue(consumer.accept(e.toByteArray(), handler)
                || handler.callsOf(e.getMeta().getEventId()) > 3);
    }

    @Test
    void everyOutcomeIsCountedInTheConsumedSeries() {
        double applied = consumed("applied");
        double duplicate = consumed("duplicate");
        double poison = consumed("poison");
        double failed = consumed("failed");
        DataReady ok = event("d-" + UUID.randomUUID().toString().substring(0, 8));
        consumer.accept(ok.toByteArray(), handler);
        consumer.accept(ok.toByteArray(), handler);
        assertThrows(
                PoisonEventException.class,
                () -> consumer.accept(record(ModelTrained.getDescriptor().getFullName(), ok.toByteArray()), handler));
        assertThrows(PoisonEventException.class, () -> consumer.accept(new byte[] {1, 2, 3}, handler));
        DataReady spent = event("fail-3-" + UUID.randomUUID().toString().substring(0, 8));
        assertThrows(TransientEventException.class, () -> consumer.accept(spent.toByteArray(), handler));
        assertEquals(applied + 1, consumed("applied"));
        assertEquals(duplicate + 1, consumed("duplicate"));
        assertEquals(poison + 2, consumed("poison"));
        assertEquals(failed + 1, consumed("failed"));
    }
}
