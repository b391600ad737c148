package io.edgeloop.agent.grpc;

import io.edgeloop.agent.config.AgentConfig;
import io.edgeloop.agent.domain.TelemetryAccumulator;
import io.edgeloop.agent.domain.TelemetryRejectedException;
import io.edgeloop.agent.domain.TelemetryShipper;
import io.edgeloop.agent.domain.TelemetrySpool;
import io.edgeloop.proto.telemetry.v1.TelemetryAck;
import io.edgeloop.proto.telemetry.v1.TelemetryBatch;
import io.edgeloop.proto.telemetry.v1.TelemetryBatchAck;
import io.edgeloop.proto.telemetry.v1.TelemetryBatchResult;
import io.edgeloop.proto.telemetry.v1.TelemetryServiceGrpc;
import io.edgeloop.proto.telemetry.v1.TelemetryWindow;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * Every telemetry window: closes the current windows (one per model and source, those that saw an inference or an
 * error), appends closed windows to the on-disk
 * spool and sends the spool to TelemetryService.Report, oldest first, removing each window only after its ack. A
 * failed send keeps that window and the later ones (across restarts) for the next tick; the spool is bounded
 * (edgeloop.agent.telemetry.spool-max-windows). Window ids are fixed when a window closes, so a window re-sent after a
 * lost ack is deduped by the server.
 */
@ApplicationScoped
public class TelemetryReporter {
    /** Most spooled windows delivered in one ReportBatch call (the service takes up to 100). */
    static final int MAX_BATCH = 50;

    private static final Logger LOG = Logger.getLogger(TelemetryReporter.class);

    @Inject
    AgentConfig config;

    @Inject
    TelemetryAccumulator accumulator;

    @Inject
    TelemetrySpool spool;

    /** Created by the first call (on the telemetry thread), not at start. */
    @Inject
    FleetChannels channels;

    private final AtomicLong sent = new AtomicLong();
    private volatile double lastDriftScore = -1;
    private volatile boolean lastDriftDetected;
    private boolean failing;
    /** Set once the monitoring service answered ReportBatch with UNIMPLEMENTED. */
    private volatile boolean batchUnsupported;

    private ScheduledExecutorService executor;
    private volatile TelemetryShipper shipper;

    void onStart(@Observes StartupEvent event) {
        if (!config.telemetry().enabled()) {
            return;
        }
        shipper = new TelemetryShipper(accumulator, spool);
        executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "telemetry");
            t.setDaemon(true);
            return t;
        });
        long ms = config.telemetry().window().toMillis();
        executor.scheduleAtFixedRate(this::tick, ms, ms, TimeUnit.MILLISECONDS);
    }

    /** Stops sending and spools the window in progress, so a restart delivers it. */
    void onStop(@Observes ShutdownEvent event) {
        if (executor == null) {
            return;
        }
        executor.shutdownNow();
        try {
            if (executor.awaitTermination(2, TimeUnit.SECONDS)) {
                shipper.spoolClosedWindows();
            }
        } catch (IOException e) {
            LOG.warnf("cannot spool the last telemetry window: %s", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Windows delivered since start. */
    public long sentWindows() {
        return sent.get();
    }

    /** Windows the monitoring service refused for good and that were dropped, since start. */
    public long refusedWindows() {
        TelemetryShipper s = shipper;
        return s == null ? 0 : s.dropped();
    }

    /** Drift score of the last acknowledged window (-1 before the monitoring service has a reference). */
    public double lastDriftScore() {
        return lastDriftScore;
    }

    /** Whether the monitoring service flagged drift on the last acknowledged window. */
    public boolean lastDriftDetected() {
        return lastDriftDetected;
    }

    /** Windows waiting on disk for delivery. */
    public int spooledWindows() {
        return spool.size();
    }

    private TelemetryAck send(TelemetryWindow w) {
        try {
            return TelemetryServiceGrpc.newBlockingStub(channels.telemetry())
                    .withDeadlineAfter(config.sync().rpcTimeout().toMillis(), TimeUnit.MILLISECONDS)
                    .report(w);
        } catch (StatusRuntimeException e) {
            if (e.getStatus().getCode() == Status.Code.INVALID_ARGUMENT) {
                // invalid for good (e.g. out of the server's bounds): sending it again cannot succeed
                throw new TelemetryRejectedException(
                        String.valueOf(e.getStatus().getDescription()), e);
            }
            throw e;
        }
    }

    /**
     * Several spooled windows in one ReportBatch call; against a monitoring service without it (UNIMPLEMENTED), or
     * when the batch as a whole is refused, the windows go one by one.
     */
    private List<TelemetryBatchResult> sendBatch(List<TelemetryWindow> windows) {
        if (!batchUnsupported) {
            try {
                TelemetryBatchAck reply = TelemetryServiceGrpc.newBlockingStub(channels.telemetry())
                        .withDeadlineAfter(config.sync().rpcTimeout().toMillis(), TimeUnit.MILLISECONDS)
                        .reportBatch(TelemetryBatch.newBuilder()
                                .addAllWindows(windows)
                                .build());
                return reply.getResultsList(); // the shipper logs refusals
            } catch (StatusRuntimeException e) {
                Status.Code code = e.getStatus().getCode();
                if (code == Status.Code.UNIMPLEMENTED) {
                    LOG.info("the monitoring service has no ReportBatch: windows are sent one by one");
                    batchUnsupported = true;
                } else if (code != Status.Code.INVALID_ARGUMENT) {
                    throw e;
                }
            }
        }
        List<TelemetryBatchResult> out = new ArrayList<>(windows.size());
        for (TelemetryWindow w : windows) {
            TelemetryBatchResult.Builder r = TelemetryBatchResult.newBuilder().setWindowId(w.getWindowId());
            try {
                r.setAck(send(w));
            } catch (TelemetryRejectedException e) {
                r.setRefused(e.getMessage());
            }
            out.add(r.build());
        }
        return out;
    }

    private void acknowledged(TelemetryAck ack) {
        sent.incrementAndGet();
        lastDriftScore = ack.getDriftScore();
        lastDriftDetected = ack.getDriftDetected();
        if (failing) {
            LOG.info("telemetry delivery recovered");
            failing = false;
        }
    }

    private void tick() {
        try {
            shipper.ship(this::send, this::sendBatch, MAX_BATCH, this::acknowledged);
        } catch (StatusRuntimeException e) {
            if (!failing) {
                LOG.warnf(
                        "telemetry report failed, keeping %d windows on disk for the next attempt: %s",
                        spool.size(), e.getStatus());
                failing = true;
            }
        } catch (IOException | RuntimeException e) {
            LOG.warnf("telemetry tick failed: %s", e.toString());
        }
    }
}
