package io.edgeloop.kit.outbox;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.time.Instant;

/** Remembers consumed event ids so that redelivered events are processed once. */
@ApplicationScoped
public class Inbox {
    @Inject
    EntityManager em;

    /**
     * Whether {@code consumer} already processed {@code eventId}: a cheap early check before expensive work. The
     * authoritative check is {@link #firstDelivery} in the transaction that commits the work.
     */
    @Transactional
    public boolean seen(String consumer, String eventId) {
        return ProcessedEvent.findById(consumer + "/" + eventId) != null;
    }

    /**
     * Records that {@code consumer} processes {@code eventId}. Call it inside the transaction that applies the
     * event's effects: if that transaction rolls back, the event counts as unprocessed.
     *
     * @return true the first time, false when the event was processed before (skip it)
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public boolean firstDelivery(String consumer, String eventId) {
        if (eventId == null || eventId.isBlank()) {
            throw new IllegalArgumentException("event has no event_id");
        }
        int inserted = em.createNativeQuery(
                        "insert into inbox_event (id, processed_at) values (?1, ?2) on conflict (id) do nothing")
                .setParameter(1, consumer + "/" + eventId)
                .setParameter(2, Instant.now())
                .executeUpdate();
        return inserted == 1;
    }
}
