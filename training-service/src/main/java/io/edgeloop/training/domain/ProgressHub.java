package io.edgeloop.training.domain;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.subscription.MultiEmitter;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Fans training progress out to server-sent-event subscribers, per run id. Subscribers get the run's current state
 * first, then live events; the stream completes after the terminal event. The last terminal events are remembered, so
 * a subscriber that arrives just after a run ended still completes.
 */
@ApplicationScoped
public class ProgressHub {
    private static final int REMEMBERED_TERMINAL = 256;

    private final Map<String, List<MultiEmitter<? super ProgressEvent>>> subscribers = new ConcurrentHashMap<>();
    private final Map<String, ProgressEvent> terminal = new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, ProgressEvent> eldest) {
            return size() > REMEMBERED_TERMINAL;
        }
    };

    /**
     * One progress event of a run.
     *
     * @param type {@code status} (QUEUED/RUNNING), {@code epoch}, {@code succeeded} or {@code failed}
     * @param runId the run
     * @param status the run's status
     * @param epoch figures of the finished epoch ({@code epoch} events and a running run's current state)
     * @param phase which training the epoch belongs to in a distilling run: {@code teacher}, {@code student-alone}
     *     or {@code student} (the distilled student, the model the run ships); null for a plain run
     * @param failureReason why the run failed ({@code failed})
     * @param testAccuracy test accuracy ({@code succeeded})
     * @param modelVersion registered version ({@code succeeded})
     */
    public record ProgressEvent(
            String type,
            String runId,
            String status,
            EpochStats epoch,
            String phase,
            String failureReason,
            Double testAccuracy,
            Integer modelVersion) {
        /** Whether the run ended with this event. */
        public boolean isTerminal() {
            return "succeeded".equals(type) || "failed".equals(type);
        }
    }

    /**
     * Events of {@code runId}: {@code current} first (the state read before subscribing), then live ones. Completes
     * after a terminal event.
     */
    public Multi<ProgressEvent> stream(String runId, ProgressEvent current) {
        return Multi.createFrom().emitter(emitter -> {
            List<MultiEmitter<? super ProgressEvent>> list =
                    subscribers.computeIfAbsent(runId, k -> new CopyOnWriteArrayList<>());
            list.add(emitter);
            emitter.onTermination(() -> list.remove(emitter));
            emitter.emit(current);
            ProgressEvent end;
            synchronized (terminal) {
                end = terminal.get(runId);
            }
            if (current.isTerminal()) {
                emitter.complete();
            } else if (end != null) {
                emitter.emit(end);
                emitter.complete();
            }
        });
    }

    /** Sends {@code event} to the run's subscribers (completing their streams when it is terminal). */
    public void publish(ProgressEvent event) {
        if (event.isTerminal()) {
            synchronized (terminal) {
                terminal.put(event.runId(), event);
            }
        }
        List<MultiEmitter<? super ProgressEvent>> list = subscribers.get(event.runId());
        if (list == null) {
            return;
        }
        for (MultiEmitter<? super ProgressEvent> e : list) {
            e.emit(event);
            if (event.isTerminal()) {
                e.complete();
            }
        }
        if (event.isTerminal()) {
            subscribers.remove(event.runId());
        }
    }
}
