package io.edgeloop.agent.grpc;

import io.edgeloop.agent.config.AgentConfig;
import io.edgeloop.agent.domain.TelemetryAccumulator;
import io.edgeloop.proto.telemetry.v1.TelemetryAck;
import io.edgeloop.proto.telemetry.v1.TelemetryServiceGrpc;
import io.edgeloop.proto.telemetry.v1.TelemetryWindow;
import io.grpc.Channel;
import io.grpc.StatusRuntimeException;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * Every telemetry window: closes the current window (when it saw inferences) and sends every queued window to
 * TelemetryService.Report, oldest first. A failed send keeps that window and the later ones for the next tick; the
 * queue is bounded (edgeloop.agent.telemetry.max-pending-windows). Window ids are fixed when a window closes, so a
 * retried window is deduped by the server.
 */
@ApplicationScoped
public class TelemetryReporter {
    private static final Logger LOG = Logger.getLogger(TelemetryReporter.class);

    @Inject
    AgentConfig config;

    @Inject
    TelemetryAccumulator accumulator;

    @GrpcClient("telemetry")
    Channel telemetry;

    private final AtomicLong sent = new AtomicLong();
    private volatile double lastDriftScore = -1;
    private volatile boolean lastDriftDetected;
    private boolean failing;
    private ScheduledExecutorService executor;

    void onStart(@Observes StartupEvent event) {
        if (!config.telemetry().enabled()) {
            return;
        }
        executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "telemetry");
            t.setDaemon(true);
            return t;
        });
        long ms = config.telemetry().window().toMillis();
        executor.scheduleAtFixedRate(this::tick, ms, ms, TimeUnit.MILLISECONDS);
    }

    void onStop(@Observes ShutdownEvent event) {
        if (executor != null) {
            executor.shutdownNow();
        }
    }

    /** Windows delivered since start. */
    public long sentWindows() {
        return sent.get();
    }

    /** Drift score of the last acknowledged window (-1 before the monitoring service has a reference). */
    public double lastDriftScore() {
        return lastDriftScore;
    }

    /** Whether the monitoring service flagged drift on the last acknowledged window. */
    public boolean lastDriftDetected() {
        return lastDriftDetected;
    }

    private void tick() {
        try {
            accumulator.roll();
            for (TelemetryWindow w : accumulator.pending()) {
                TelemetryAck ack = TelemetryServiceGrpc.newBlockingStub(telemetry)
                        .withDeadlineAfter(config.sync().rpcTimeout().toMillis(), TimeUnit.MILLISECONDS)
                        .report(w);
                accumulator.acknowledge(w.getWindowId());
                sent.incrementAndGet();
                lastDriftScore = ack.getDriftScore();
                lastDriftDetected = ack.getDriftDetected();
                if (failing) {
                    LOG.info("telemetry delivery recovered");
                    failing = false;
                }
            }
        } catch (StatusRuntimeException e) {
            if (!failing) {
                LOG.warnf("telemetry report failed, keeping windows for the next attempt: %s", e.getStatus());
                failing = true;
            }
        } catch (RuntimeException e) {
            LOG.warnf("telemetry tick failed: %s", e.toString());
        }
    }
}
