package io.edgeloop.agent.domain;

/**
 * The monitoring service refused a telemetry window for good (it is invalid, e.g. out of the accepted bounds): sending
 * it again would fail again, so the shipper drops it instead of blocking every later window behind it.
 */
public class TelemetryRejectedException extends RuntimeException {
    public TelemetryRejectedException(String reason, Throwable cause) {
        super(reason, cause);
    }
}
