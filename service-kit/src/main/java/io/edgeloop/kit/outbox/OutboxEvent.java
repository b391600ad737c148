package io.edgeloop.kit.outbox;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Index;
import jakarta.persistence.Table;
import java.time.Instant;

/** An event written in the same transaction as the state it announces, waiting to be published. */
@Entity
@Table(name = "outbox_event", indexes = @Index(name = "outbox_pending_idx", columnList = "published_at,id"))
public class OutboxEvent extends PanacheEntityBase {
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(nullable = false)
    public String topic;

    @Column(name = "record_key", nullable = false)
    public String recordKey;

    @Column(name = "event_type", nullable = false)
    public String eventType;

    @Column(name = "event_id", nullable = false, unique = true)
    public String eventId;

    @Column(nullable = false)
    public byte[] payload;

    /** W3C traceparent of the span that wrote the event; the relay continues this trace. */
    public String traceparent;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "published_at")
    public Instant publishedAt;

    public int attempts;

    /** Set when the broker kept refusing the row: it is no longer retried nor blocks its key (see the relay). */
    @Column(name = "parked_at")
    public Instant parkedAt;

    @Column(name = "last_error", length = 2000)
    public String lastError;
}
