package io.edgeloop.kit.events;

import com.google.protobuf.Message;
import dev.failsafe.Failsafe;
import dev.failsafe.RetryPolicy;
import io.edgeloop.common.EventHeaders;
import io.edgeloop.common.Events.PoisonEventException;
import io.edgeloop.common.events.EventContract;
import io.edgeloop.kit.metrics.KitMetrics;
import io.edgeloop.kit.metrics.KitMetrics.Consumed;
import io.edgeloop.kit.outbox.Inbox;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Consumes one event record for an {@link EventHandler}, the same way in every service:
 *
 * <ol>
 *   <li>a record whose {@code event-type} header names another type is poison;
 *   <li>the value is parsed and validated with the type's {@link EventContract} (poison when unusable);
 *   <li>in one transaction the event id is recorded in the inbox under the consumer id {@code
 *       <application>/<EventType>} (a redelivered event stops here) and the handler applies it;
 *   <li>a failure other than poison rolls back and is retried with exponential backoff; when the attempts are spent
 *       a {@link TransientEventException} sends the record to the dead-letter topic, marked as replayable.
 * </ol>
 *
 * Poison records are never retried. The dead-letter topic is the channel's ({@code failure-strategy=dead-letter-queue}).
 */
@ApplicationScoped
public class EventConsumer {
    /**
     * Header SmallRye puts on dead-lettered records with the failure's class; {@link TransientEventException} marks
     * a replayable failure, {@link PoisonEventException} one that is not.
     */
    public static final String FAILURE_CLASS_HEADER = "dead-letter-exception-class-name";

    private static final Logger LOG = Logger.getLogger(EventConsumer.class);

    @Inject
    Inbox inbox;

    @Inject
    EventsConfig config;

    @Inject
    KitMetrics metrics;

    @ConfigProperty(name = "quarkus.application.name", defaultValue = "edgeloop")
    String applicationName;

    private final AtomicLong applied = new AtomicLong();
    private final AtomicLong duplicates = new AtomicLong();

    /** The inbox consumer id of {@code handler} in this service: {@code <application>/<EventType>}. */
    public String consumerId(EventHandler<?> handler) {
        return applicationName + "/" + handler.contract().simpleName();
    }

    /**
     * Processes one record.
     *
     * @return true when the handler applied the event, false when it was a redelivery
     * @throws PoisonEventException when the record can never be processed
     * @throws TransientEventException when processing kept failing
     */
    public <E extends Message> boolean accept(ConsumerRecord<String, byte[]> record, EventHandler<E> handler) {
        return counted(handler.contract(), () -> {
            checkType(record.headers(), handler.contract());
            return apply(record.value(), handler, handler.contract());
        });
    }

    /** Processes one record value (no headers to check); see {@link #accept(ConsumerRecord, EventHandler)}. */
    public <E extends Message> boolean accept(byte[] value, EventHandler<E> handler) {
        return counted(handler.contract(), () -> apply(value, handler, handler.contract()));
    }

    /** Runs {@code processing} and counts how it ended in {@code edgeloop_events_consumed_total}. */
    private boolean counted(EventContract<?> contract, Supplier<Boolean> processing) {
        try {
            boolean first = processing.get();
            metrics.consumed(contract.simpleName(), first ? Consumed.APPLIED : Consumed.DUPLICATE);
            return first;
        } catch (PoisonEventException e) {
            metrics.consumed(contract.simpleName(), Consumed.POISON);
            throw e;
        } catch (TransientEventException e) {
            metrics.consumed(contract.simpleName(), Consumed.FAILED);
            throw e;
        }
    }

    private <E extends Message> boolean apply(byte[] value, EventHandler<E> handler, EventContract<E> contract) {
        E event = contract.parse(value);
        String eventId = contract.meta(event).getEventId();
        String consumer = consumerId(handler);
        RetryPolicy<Boolean> retry = RetryPolicy.<Boolean>builder()
                .handleIf(e -> !(e instanceof PoisonEventException))
                .withBackoff(config.initialBackoff(), config.maxBackoff())
                .withMaxAttempts(Math.max(1, config.maxAttempts()))
                .onRetry(e -> LOG.warnf(
                        "%s %s failed (attempt %d), retrying: %s",
                        contract.simpleName(), eventId, e.getAttemptCount(), e.getLastException()))
                .build();
        try {
            boolean first = Failsafe.with(retry)
                    .get(() -> QuarkusTransaction.requiringNew().call(() -> {
                        if (!inbox.firstDelivery(consumer, eventId)) {
                            return false;
                        }
                        handler.apply(event);
                        return true;
                    }));
            (first ? applied : duplicates).incrementAndGet();
            if (!first) {
                LOG.debugf("%s %s already processed by %s", contract.simpleName(), eventId, consumer);
            }
            return first;
        } catch (PoisonEventException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new TransientEventException(
                    contract.simpleName() + " " + eventId + " failed " + config.maxAttempts() + " times: " + e, e);
        }
    }

    /** Events applied by this process. */
    public long appliedCount() {
        return applied.get();
    }

    /** Redelivered events skipped by this process. */
    public long duplicateCount() {
        return duplicates.get();
    }

    private static void checkType(Headers headers, EventContract<?> contract) {
        if (headers == null) {
            return;
        }
        Header type = headers.lastHeader(EventHeaders.EVENT_TYPE);
        if (type == null) {
            return; // producers older than the header
        }
        String name = new String(type.value(), StandardCharsets.UTF_8);
        if (!name.equals(contract.typeName())) {
            throw new PoisonEventException("record of type '" + (name.length() > 80 ? name.substring(0, 80) : name)
                    + "' where " + contract.typeName() + " was expected");
        }
    }
}
