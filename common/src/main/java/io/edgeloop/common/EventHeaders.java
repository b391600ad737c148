package io.edgeloop.common;

/** Kafka record header names and values used on every event record. */
public final class EventHeaders {
    /** Media type of the record value. */
    public static final String CONTENT_TYPE = "content-type";
    /** Fully qualified protobuf message name of the value, e.g. {@code edgeloop.events.v1.DataReady}. */
    public static final String EVENT_TYPE = "event-type";
    /** The event's {@code meta.event_id}. */
    public static final String EVENT_ID = "event-id";
    /** W3C trace context header. */
    public static final String TRACEPARENT = "traceparent";

    /** Content type of protobuf-binary event values. */
    public static final String PROTOBUF = "application/x-protobuf";

    private EventHeaders() {}
}
