package io.edgeloop.kit.outbox;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** An event a consumer has processed; the key is {@code consumer + '/' + eventId}. */
@Entity
@Table(name = "inbox_event")
public class ProcessedEvent extends PanacheEntityBase {
    @Id
    public String id;

    @Column(name = "processed_at", nullable = false)
    public Instant processedAt;
}
