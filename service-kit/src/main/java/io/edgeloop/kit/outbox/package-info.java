/**
 * Transactional outbox and inbox. A service writes its state and the event announcing it in one database
 * transaction ({@link io.edgeloop.kit.outbox.Outbox}); the {@link io.edgeloop.kit.outbox.OutboxRelay} publishes pending rows
 * to Kafka in order, continuing the trace stored with each row. Consumers record each event id they processed in the
 * same transaction as their effects ({@link io.edgeloop.kit.outbox.Inbox}), so redelivered events are skipped.
 */
package io.edgeloop.kit.outbox;
