package io.edgeloop.deployment.grpc;

import io.edgeloop.deployment.config.DeploymentConfig;
import io.edgeloop.deployment.domain.AssignmentPush;
import io.edgeloop.deployment.domain.DeviceIssuer;
import io.edgeloop.proto.deployment.v1.Assignment;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;

/**
 * The live WatchAssignments streams, one per device. A stream is only an observer held in a map (no thread waits
 * on it); pushes are sent from whichever thread committed the change. A newer stream of the same device replaces
 * (and ends with ABORTED) the older one. Pushes carry the device's desired-state revision; per model, a stream never
 * goes back to a lower revision nor repeats one (a push for model B is never suppressed by a newer one of model A).
 * Each assignment sent carries a fresh download grant for its device ({@link DeviceIssuer#withGrant}); large changes
 * are sent by a small pool in parallel.
 *
 * <p>With replicas, a device's stream lives on one instance while the change may be decided on another: pushes for
 * devices not connected here are announced to every instance through the {@link FleetChannel}, whose holder of the
 * stream reads the device's assignments and sends them; revocations likewise.
 */
@ApplicationScoped
public class WatchHub {
    private static final Logger LOG = Logger.getLogger(WatchHub.class);

    @Inject
    DeploymentConfig config;

    @Inject
    DeviceIssuer issuer;

    @Inject
    FleetChannel channel;

    private final ConcurrentMap<String, LiveStream> streams = new ConcurrentHashMap<>();
    private ExecutorService pushers;
    private int pushThreads;

    /**
     * Registers a stream for {@code deviceId}, replacing an older one.
     *
     * @return the stream, or null when the hub is full (the observer was already failed with RESOURCE_EXHAUSTED)
     */
    LiveStream open(String deviceId, StreamObserver<Assignment> observer) {
        if (!streams.containsKey(deviceId) && streams.size() >= config.maxWatchStreams()) {
            observer.onError(Status.RESOURCE_EXHAUSTED
                    .withDescription("too many watch streams (" + config.maxWatchStreams() + ")")
                    .asRuntimeException());
            return null;
        }
        LiveStream stream = new LiveStream(deviceId, observer);
        if (observer instanceof ServerCallStreamObserver<Assignment> call) {
            call.setOnCancelHandler(() -> {
                stream.close();
                streams.remove(deviceId, stream);
            });
        }
        LiveStream old = streams.put(deviceId, stream);
        if (old != null) {
            LOG.infof("device %s opened a new watch stream; ending the older one", deviceId);
            old.abort("replaced by a newer WatchAssignments stream of the same device");
        }
        return stream;
    }

    @PostConstruct
    void start() {
        pushThreads = Math.max(1, config.push().threads());
        AtomicInteger n = new AtomicInteger();
        pushers = Executors.newFixedThreadPool(pushThreads, r -> {
            Thread t = new Thread(r, "assignment-push-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    @PreDestroy
    void stop() {
        pushers.shutdownNow();
    }

    /**
     * Sends each assignment to its device's live stream when the device is connected to this instance, and announces
     * the others' devices to the other replicas. A change of more than {@code push.inline-max} devices here is sent
     * by the push pool in parallel chunks and this method returns at once; per device and model, a later revision is
     * never overtaken by an earlier one ({@link LiveStream#send} drops stale revisions).
     */
    public void pushAll(Collection<AssignmentPush> pushes) {
        Set<String> elsewhere = new LinkedHashSet<>();
        List<AssignmentPush> here = new ArrayList<>();
        for (AssignmentPush p : pushes) {
            if (streams.containsKey(p.deviceId())) {
                here.add(p);
            } else {
                elsewhere.add(p.deviceId());
            }
        }
        channel.announce(elsewhere);
        if (here.size() <= config.push().inlineMax()) {
            here.forEach(this::push);
            return;
        }
        int chunk = Math.max(1, (here.size() + pushThreads * 4 - 1) / (pushThreads * 4)); // a few chunks per thread
        for (int from = 0; from < here.size(); from += chunk) {
            List<AssignmentPush> part = here.subList(from, Math.min(here.size(), from + chunk));
            pushers.execute(() -> part.forEach(this::push));
        }
    }

    /**
     * Sends an assignment to the device's live stream on this instance, if it has one.
     *
     * @return whether the device has a live stream here
     */
    public boolean push(AssignmentPush push) {
        LiveStream stream = streams.get(push.deviceId());
        if (stream == null) {
            return false;
        }
        if (!stream.isNewer(push.assignment().getModelName(), push.revision())) {
            return true; // sent already (a reconcile and a wave's push crossing): no grant signed in vain
        }
        if (!stream.send(issuer.withGrant(push.deviceId(), push.assignment()), push.revision())) {
            streams.remove(push.deviceId(), stream);
        }
        return true;
    }

    /** Sends a device's current assignments to its live stream here (a replica announced a change, or reconcile). */
    void deliver(String deviceId, Collection<AssignmentPush> current) {
        current.forEach(this::push);
    }

    /** How many devices have a live stream on this instance (the metrics' devices connected). */
    public int connectedCount() {
        return streams.size();
    }

    /** Ids of the devices with a live stream on this instance. */
    List<String> connectedDevices() {
        return List.copyOf(streams.keySet());
    }

    /** The highest revision sent on the device's live stream here (-1 when none, or no stream). */
    long sentRevision(String deviceId) {
        LiveStream stream = streams.get(deviceId);
        return stream == null ? -1 : stream.maxRevision();
    }

    /**
     * Ends the device's live stream, if any, with {@code PERMISSION_DENIED} (the device was revoked), on whichever
     * replica holds it.
     *
     * @return whether a stream was ended on this instance
     */
    public boolean cutOff(String deviceId, String why) {
        channel.announceRevoked(deviceId); // its stream may be on another replica
        return endLocal(deviceId, why);
    }

    /** {@link #cutOff} on this instance only. */
    boolean endLocal(String deviceId, String why) {
        LiveStream stream = streams.remove(deviceId);
        if (stream == null) {
            return false;
        }
        stream.fail(Status.PERMISSION_DENIED.withDescription(why));
        LOG.infof("ended the watch stream of %s: %s", deviceId, why);
        return true;
    }

    /** Ends {@code stream} with {@code status} and forgets it (unless a newer stream replaced it already). */
    void end(LiveStream stream, Status status) {
        streams.remove(stream.deviceId, stream);
        stream.fail(status);
    }

    /** Whether the device has a live watch stream. */
    public boolean isConnected(String deviceId) {
        return streams.containsKey(deviceId);
    }

    /** Number of live streams. */
    public int liveStreams() {
        return streams.size();
    }

    /** Serialized access to one observer (gRPC observers are not thread-safe). */
    static final class LiveStream {
        private final String deviceId;
        private final StreamObserver<Assignment> observer;
        private boolean closed;
        private final Map<String, Long> lastRevision = new HashMap<>();

        LiveStream(String deviceId, StreamObserver<Assignment> observer) {
            this.deviceId = deviceId;
            this.observer = observer;
        }

        /**
         * Sends {@code assignment} unless its revision is not newer than the last one sent for the same model (a stale
         * read racing a newer push, or the same assignment again). A rollback is a newer revision that points back at
         * an older deployment, so it is sent.
         *
         * @return false when the stream is closed or broken
         */
        synchronized boolean send(Assignment assignment, long revision) {
            if (closed) {
                return false;
            }
            String model = assignment.getModelName();
            if (!isNewer(model, revision)) {
                return true;
            }
            try {
                observer.onNext(assignment);
                lastRevision.put(model, revision);
                return true;
            } catch (RuntimeException e) {
                LOG.debugf("watch stream of %s is gone: %s", deviceId, e.toString());
                closed = true;
                return false;
            }
        }

        /** Whether {@code revision} is newer than the last one sent for {@code model} (a send would not drop it). */
        synchronized boolean isNewer(String model, long revision) {
            return revision > lastRevision.getOrDefault(model, -1L);
        }

        synchronized long maxRevision() {
            return lastRevision.values().stream()
                    .mapToLong(Long::longValue)
                    .max()
                    .orElse(-1L);
        }

        synchronized void abort(String why) {
            fail(Status.ABORTED.withDescription(why));
        }

        /** Ends the stream with {@code status} unless it already ended. */
        synchronized void fail(Status status) {
            if (closed) {
                return;
            }
            closed = true;
            try {
                observer.onError(status.asRuntimeException());
            } catch (RuntimeException e) {
                LOG.debugf("watch stream of %s already gone: %s", deviceId, e.toString());
            }
        }

        synchronized void close() {
            closed = true;
        }
    }
}
