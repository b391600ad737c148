package io.edgeloop.kit.outbox;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Collection;
import java.util.HashSet;
import java.util.Set;
import org.hibernate.Session;

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
        requireId(eventId);
        int inserted = em.createNativeQuery(
                        "insert into inbox_event (id, processed_at) values (?1, ?2) on conflict (id) do nothing")
                .setParameter(1, consumer + "/" + eventId)
                .setParameter(2, Instant.now())
                .executeUpdate();
        return inserted == 1;
    }

    /**
     * Records that {@code consumer} processes each of {@code eventIds}, in one statement: {@link #firstDelivery} for
     * many events. An id given twice is new at most once.
     *
     * @return the ids processed for the first time
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public Set<String> firstDeliveries(String consumer, Collection<String> eventIds) {
        eventIds.forEach(Inbox::requireId);
        if (eventIds.isEmpty()) {
            return Set.of();
        }
        String prefix = consumer + "/";
        String[] keys = eventIds.stream().map(id -> prefix + id).toArray(String[]::new);
        Instant now = Instant.now();
        em.flush(); // the statement below runs outside Hibernate's view of the session
        return em.unwrap(Session.class).doReturningWork(connection -> {
            Set<String> fresh = new HashSet<>();
            try (PreparedStatement insert = connection.prepareStatement("insert into inbox_event (id, processed_at)"
                    + " select k, ? from unnest(?) as k on conflict (id) do nothing returning id")) {
                insert.setTimestamp(1, Timestamp.from(now));
                insert.setArray(2, connection.createArrayOf("text", keys));
                try (ResultSet rs = insert.executeQuery()) {
                    while (rs.next()) {
                        fresh.add(rs.getString(1).substring(prefix.length()));
                    }
                }
            }
            return fresh;
        });
    }

    private static void requireId(String eventId) {
        if (eventId == null || eventId.isBlank()) {
            throw new IllegalArgumentException("event has no event_id");
        }
    }
}
