package io.edgeloop.console.events;

import java.util.List;

/**
 * One event of the loop as the overview shows it and its stream sends it (JSON).
 *
 * @param seq the console's own sequence number of the event (1, 2, ... in arrival order; the stream's event id)
 * @param eventId the event's {@code meta.event_id}
 * @param type the event's type, e.g. {@code DataReady}
 * @param topic the topic it was read from
 * @param occurredAt when it occurred ({@code meta.occurred_at}, else the record's time), ISO-8601
 * @param time {@link #occurredAt} for people
 * @param producer the service that published it
 * @param correlationId the loop iteration it belongs to
 * @param traceId the trace of the span that published it, or empty
 * @param traceUrl the trace in the trace UI ({@code edgeloop.console.trace-url}), or null
 * @param links the objects it is about, the main one first, each with the console page that shows it
 * @param summary what happened, in words
 */
public record LoopEvent(
        long seq,
        String eventId,
        String type,
        String topic,
        String occurredAt,
        String time,
        String producer,
        String correlationId,
        String traceId,
        String traceUrl,
        List<Link> links,
        String summary) {

    /**
     * An object an event is about.
     *
     * @param label e.g. {@code model motion v2}
     * @param href its console page (a local path), or null where the console has none or the name is not one
     */
    public record Link(String label, String href) {}

    /** The same event with the console's sequence number. */
    public LoopEvent withSeq(long n) {
        return new LoopEvent(
                n, eventId, type, topic, occurredAt, time, producer, correlationId, traceId, traceUrl, links, summary);
    }
}
