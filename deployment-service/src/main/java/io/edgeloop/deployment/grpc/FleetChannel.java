package io.edgeloop.deployment.grpc;

import io.edgeloop.deployment.config.DeploymentConfig;
import io.edgeloop.deployment.domain.FleetService;
import io.edgeloop.kit.jobs.PeriodicJobs;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import javax.sql.DataSource;
import org.jboss.logging.Logger;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * Delivers assignment changes to devices connected to any replica of the deployment service, through PostgreSQL
 * LISTEN/NOTIFY on channel {@value #CHANNEL}. An instance that decided a change for a device without a live stream
 * here announces the device id ({@code a:<id>}; {@code r:<id>} for a revocation); every instance listens, and the one
 * holding the device's stream reads its current assignments from the database and sends them (the stream drops
 * revisions it already sent, so a repeat is harmless). Notifications are only a wake-up: a lost one (listener
 * reconnecting, an instance dying between commit and announce) is caught by the reconcile, which compares each live
 * stream's last revision with the device's revision in the database: every {@code watch-reconcile} as the Quarkus
 * scheduler job {@value #RECONCILE_JOB} ({@link PeriodicJobs}; 0 = off), and whenever the listener (re)connects. The
 * listener and the sender are long-lived loops on threads of their own, not periodic work.
 */
@ApplicationScoped
public class FleetChannel {
    /** The PostgreSQL notification channel. */
    static final String CHANNEL = "edgeloop_fleet";

    /** The identity of the periodic reconcile in the Quarkus scheduler. */
    public static final String RECONCILE_JOB = "fleet-channel-reconcile";

    private static final Logger LOG = Logger.getLogger(FleetChannel.class);
    /** PostgreSQL refuses payloads of 8000 bytes and more. */
    private static final int MAX_PAYLOAD = 7000;

    private static final int RECONCILE_BATCH = 1000;

    @Inject
    DataSource dataSource;

    @Inject
    WatchHub hub;

    @Inject
    FleetService fleet;

    @Inject
    DeploymentConfig config;

    @Inject
    PeriodicJobs jobs;

    private final BlockingQueue<String> outgoing = new LinkedBlockingQueue<>();
    private volatile boolean running;
    private Thread listener;
    private Thread sender;

    void onStart(@Observes StartupEvent event) {
        running = true;
        listener = daemon("fleet-channel-listen", this::listenLoop);
        sender = daemon("fleet-channel-notify", this::sendLoop);
        if (!jobs.schedule(
                RECONCILE_JOB, config.watchReconcile(), "the fleet channel's reconcile", this::reconcileLogged)) {
            LOG.warn("fleet channel: the periodic reconcile is off (edgeloop.deployment.watch-reconcile = 0): a lost"
                    + " notification waits for the listener's next reconnect");
        }
    }

    void onStop(@Observes ShutdownEvent event) {
        running = false;
        jobs.stop(RECONCILE_JOB, Duration.ZERO);
        if (sender != null) {
            sender.interrupt();
        }
        if (listener != null) {
            listener.interrupt();
        }
    }

    /** Announces to every replica that these devices' desired state changed. */
    void announce(Collection<String> deviceIds) {
        deviceIds.forEach(id -> outgoing.add("a:" + id));
    }

    /** Announces to every replica that this device was revoked (its stream, wherever it is, must end). */
    void announceRevoked(String deviceId) {
        outgoing.add("r:" + deviceId);
    }

    // ---- receiving ----

    private void listenLoop() {
        long backoff = 500;
        while (running) {
            try (Connection c = dataSource.getConnection()) {
                c.setAutoCommit(true);
                try (Statement s = c.createStatement()) {
                    s.execute("LISTEN " + CHANNEL);
                }
                PGConnection pg = c.unwrap(PGConnection.class);
                backoff = 500;
                reconcileQuietly(); // what was announced while not listening
                while (running) {
                    PGNotification[] notes = pg.getNotifications(1000);
                    if (notes != null) {
                        for (PGNotification n : notes) {
                            handle(n.getParameter());
                        }
                    }
                }
            } catch (SQLException | RuntimeException e) {
                if (!running) {
                    return;
                }
                LOG.warnf("fleet channel: listening failed (%s); reconnecting in %d ms", e.toString(), backoff);
                if (!pause(backoff)) {
                    return;
                }
                backoff = Math.min(backoff * 2, 10_000);
            }
        }
    }

    /** Handles one notification payload: lines {@code a:<device>} or {@code r:<device>}. */
    void handle(String payload) {
        for (String line : payload.split("\n")) {
            if (line.length() < 3 || line.charAt(1) != ':') {
                continue;
            }
            String deviceId = line.substring(2);
            if (!hub.isConnected(deviceId)) {
                continue; // its stream is on another instance (or none)
            }
            try {
                if (line.charAt(0) == 'r') {
                    hub.endLocal(deviceId, "device '" + deviceId + "' was revoked");
                } else {
                    hub.deliver(deviceId, fleet.currentAssignments(deviceId));
                }
            } catch (RuntimeException e) {
                LOG.warnf("fleet channel: delivering to %s failed (reconcile retries): %s", deviceId, e.toString());
            }
        }
    }

    /**
     * Sends what the database holds and the live streams here have not seen: newer revisions, and revocations.
     *
     * @return how many devices got something
     */
    public int reconcile() {
        List<String> connected = hub.connectedDevices();
        int fixed = 0;
        for (int i = 0; i < connected.size(); i += RECONCILE_BATCH) {
            List<String> batch = connected.subList(i, Math.min(connected.size(), i + RECONCILE_BATCH));
            for (Map.Entry<String, Long> e : fleet.revisions(batch).entrySet()) {
                String id = e.getKey();
                if (e.getValue() < 0) {
                    fixed += hub.endLocal(id, "device '" + id + "' was revoked") ? 1 : 0;
                } else if (e.getValue() > Math.max(0, hub.sentRevision(id))) {
                    hub.deliver(id, fleet.currentAssignments(id));
                    fixed++;
                }
            }
        }
        return fixed;
    }

    /** {@link #reconcile()}, logging what it fixed (the periodic job; a failure is logged by {@link PeriodicJobs}). */
    private void reconcileLogged() {
        int n = reconcile();
        if (n > 0) {
            LOG.infof("fleet channel: reconcile sent missed changes to %d device(s)", n);
        }
    }

    private void reconcileQuietly() {
        try {
            reconcileLogged();
        } catch (RuntimeException e) {
            LOG.warnf("fleet channel: reconcile failed: %s", e.toString());
        }
    }

    // ---- sending ----

    private void sendLoop() {
        while (running) {
            List<String> lines = new ArrayList<>();
            try {
                lines.add(outgoing.take());
            } catch (InterruptedException e) {
                return;
            }
            outgoing.drainTo(lines);
            try {
                send(lines);
            } catch (SQLException | RuntimeException e) {
                // the reconcile of the instance holding each stream delivers what this announcement would have
                LOG.warnf("fleet channel: announcing %d change(s) failed: %s", lines.size(), e.toString());
                if (!pause(1000)) {
                    return;
                }
            }
        }
    }

    private void send(List<String> lines) throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("select pg_notify(?, ?)")) {
            c.setAutoCommit(true);
            for (String payload : payloads(lines)) {
                ps.setString(1, CHANNEL);
                ps.setString(2, payload);
                ps.execute();
            }
        }
    }

    /** Joins lines into payloads under PostgreSQL's limit. */
    static List<String> payloads(List<String> lines) {
        List<String> out = new ArrayList<>();
        StringBuilder b = new StringBuilder();
        int bytes = 0;
        for (String line : lines) {
            int size = line.getBytes(StandardCharsets.UTF_8).length;
            if (bytes > 0 && bytes + 1 + size > MAX_PAYLOAD) {
                out.add(b.toString());
                b.setLength(0);
                bytes = 0;
            }
            if (bytes > 0) {
                b.append('\n');
                bytes++;
            }
            b.append(line);
            bytes += size;
        }
        if (bytes > 0) {
            out.add(b.toString());
        }
        return out;
    }

    private static Thread daemon(String name, Runnable body) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static boolean pause(long millis) {
        try {
            Thread.sleep(millis);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
