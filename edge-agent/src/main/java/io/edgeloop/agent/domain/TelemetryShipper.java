package io.edgeloop.agent.domain;

import io.edgeloop.proto.telemetry.v1.TelemetryAck;
import io.edgeloop.proto.telemetry.v1.TelemetryBatchResult;
import io.edgeloop.proto.telemetry.v1.TelemetryWindow;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * Moves closed telemetry windows from the {@link TelemetryAccumulator} into the on-disk {@link TelemetrySpool} and
 * delivers the spool oldest first: one window at a time (or a batch of the oldest when several wait), removed only
 * after the server acknowledged it, stopping at
 * the first failure (the same window, with the same {@code window_id}, is sent again next time). A window the server
 * refuses for good ({@link TelemetryRejectedException}) is dropped and counted instead, so it cannot hold back the
 * windows after it. Call from one thread.
 */
public final class TelemetryShipper {
    private static final Logger LOG = Logger.getLogger(TelemetryShipper.class);

    /** Sends one window to the monitoring service (TelemetryService.Report). */
    @FunctionalInterface
    public interface Sender {
        /**
         * @throws TelemetryRejectedException when the server refused the window for good
         * @throws RuntimeException (e.g. a gRPC status) when the window was not delivered and may be sent again
         */
        TelemetryAck send(TelemetryWindow window);
    }

    /** Sends several windows in one call (TelemetryService.ReportBatch). */
    @FunctionalInterface
    public interface BatchSender {
        /**
         * @return one result per window, in order: its acknowledgement, or the reason the server refused it for good
         * @throws RuntimeException (e.g. a gRPC status) when the windows were not all delivered; they may be sent again
         */
        List<TelemetryBatchResult> send(List<TelemetryWindow> windows);
    }

    private final TelemetryAccumulator accumulator;
    private final TelemetrySpool spool;
    private long dropped;

    public TelemetryShipper(TelemetryAccumulator accumulator, TelemetrySpool spool) {
        this.accumulator = accumulator;
        this.spool = spool;
    }

    /**
     * Closes the current window, spools every closed window, then delivers the spool until it is empty or a send
     * fails.
     *
     * @param onAck called with each acknowledgement, in order
     * @throws RuntimeException the send failure (delivered windows stay delivered)
     * @throws IOException when the spool cannot be read or written (closed windows then stay in memory)
     */
    public int ship(Sender sender, Consumer<TelemetryAck> onAck) throws IOException {
        return ship(sender, null, 1, onAck);
    }

    /**
     * As {@link #ship(Sender, Consumer)}, delivering up to {@code maxBatch} of the oldest windows per call with
     * {@code batch} while more than one waits (after an outage, say), and with {@code sender} when one waits.
     */
    public int ship(Sender sender, BatchSender batch, int maxBatch, Consumer<TelemetryAck> onAck) throws IOException {
        spoolClosedWindows();
        int delivered = 0;
        while (batch != null && maxBatch > 1 && spool.size() > 1) {
            List<TelemetryWindow> windows = spool.peek(maxBatch);
            List<TelemetryBatchResult> outcomes = batch.send(windows);
            if (outcomes.size() != windows.size()) {
                throw new IllegalStateException(outcomes.size() + " outcomes for " + windows.size() + " windows");
            }
            for (int i = 0; i < windows.size(); i++) {
                spool.acknowledge(windows.get(i).getWindowId());
                TelemetryBatchResult outcome = outcomes.get(i);
                if (outcome.hasAck()) {
                    delivered++;
                    onAck.accept(outcome.getAck());
                } else {
                    dropped++;
                    LOG.warnf(
                            "telemetry window %s refused, dropped: %s",
                            windows.get(i).getWindowId(), outcome.getRefused());
                }
            }
        }
        while (true) {
            Optional<TelemetryWindow> next = spool.peek();
            if (next.isEmpty()) {
                return delivered;
            }
            TelemetryAck ack;
            try {
                ack = sender.send(next.get());
            } catch (TelemetryRejectedException e) {
                dropped++;
                LOG.warnf("telemetry window %s refused, dropped: %s", next.get().getWindowId(), e.getMessage());
                spool.acknowledge(next.get().getWindowId());
                continue;
            }
            if (!spool.acknowledge(next.get().getWindowId())) {
                LOG.warnf(
                        "telemetry window %s was delivered but is no longer the oldest",
                        next.get().getWindowId());
            }
            delivered++;
            onAck.accept(ack);
        }
    }

    /** Closes the current window (if it saw inferences) and moves every closed window to the spool. */
    public void spoolClosedWindows() throws IOException {
        accumulator.roll();
        for (TelemetryWindow w : accumulator.pending()) {
            spool.append(w);
            accumulator.acknowledge(w.getWindowId());
        }
    }

    /** Windows the server refused for good and that were dropped, since this shipper was made. */
    public long dropped() {
        return dropped;
    }

    /** Windows waiting on disk. */
    public int spooled() {
        return spool.size();
    }
}
