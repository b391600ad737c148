package io.edgeloop.deployment.domain;

import io.quarkus.scheduler.SkippedExecution;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** Counts the runs the Quarkus scheduler skipped, per job (the event it fires for each one it skips). */
@ApplicationScoped
public class SkippedRuns {
    private final Map<String, AtomicInteger> skipped = new ConcurrentHashMap<>();

    void onSkipped(@Observes SkippedExecution event) {
        skipped.computeIfAbsent(event.getExecution().getTrigger().getId(), id -> new AtomicInteger())
                .incrementAndGet();
    }

    /** Runs of the job {@code identity} skipped so far. */
    int of(String identity) {
        AtomicInteger n = skipped.get(identity);
        return n == null ? 0 : n.get();
    }
}
