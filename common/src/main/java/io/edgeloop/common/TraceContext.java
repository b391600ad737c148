package io.edgeloop.common;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Context;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * W3C {@code traceparent} strings for trace context that travels inside payloads (outbox rows, event metadata,
 * device assignments) rather than in transport headers.
 */
public final class TraceContext {
    private static final Pattern TRACEPARENT = Pattern.compile("00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})");

    private TraceContext() {}

    /** traceparent of the current span, or empty string when there is no valid span. */
    public static String currentTraceparent() {
        return format(Span.current().getSpanContext());
    }

    /** traceparent of {@code ctx}, or empty string when it is not valid. */
    public static String format(SpanContext ctx) {
        if (ctx == null || !ctx.isValid()) {
            return "";
        }
        return "00-" + ctx.getTraceId() + "-" + ctx.getSpanId() + "-"
                + ctx.getTraceFlags().asHex();
    }

    /** Parses a traceparent into a remote span context. */
    public static Optional<SpanContext> parse(String traceparent) {
        if (traceparent == null) {
            return Optional.empty();
        }
        var m = TRACEPARENT.matcher(traceparent.trim());
        if (!m.matches()) {
            return Optional.empty();
        }
        SpanContext sc = SpanContext.createFromRemoteParent(
                m.group(1), m.group(2), TraceFlags.fromHex(m.group(3), 0), TraceState.getDefault());
        return sc.isValid() ? Optional.of(sc) : Optional.empty();
    }

    /** A context whose parent span is {@code traceparent}, or the root context when it cannot be parsed. */
    public static Context contextOf(String traceparent) {
        return parse(traceparent).map(sc -> Context.root().with(Span.wrap(sc))).orElse(Context.root());
    }

    /** Trace id of a traceparent, or empty string. */
    public static String traceId(String traceparent) {
        return parse(traceparent).map(SpanContext::getTraceId).orElse("");
    }
}
