package io.edgeloop.testsupport;

import io.quarkus.arc.properties.IfBuildProperty;
import io.quarkus.scheduler.SkippedExecution;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts the runs the Quarkus scheduler skipped, per job (the {@link SkippedExecution} event it fires for each one it
 * skips, e.g. a run of an {@code io.edgeloop.kit.jobs.PeriodicJobs} job still going when the next is due). A bean only
 * where a service's tests ask for it with the build property {@value #ENABLED}{@code =true} (e.g. {@code
 * %test.edgeloop.test-support.skipped-runs=true}): the jar is indexed for every service's tests, and those without the
 * scheduler must not see an observer of its events. Tests inject it and await {@link #of}.
 */
@ApplicationScoped
@IfBuildProperty(name = SkippedRuns.ENABLED, stringValue = "true")
public class SkippedRuns {
    /** The build property that makes this a bean. */
    public static final String ENABLED = "edgeloop.test-support.skipped-runs";

    private final Map<String, AtomicInteger> skipped = new ConcurrentHashMap<>();

    void onSkipped(@Observes SkippedExecution event) {
        skipped.computeIfAbsent(event.getExecution().getTrigger().getId(), id -> new AtomicInteger())
                .incrementAndGet();
    }

    /** Runs of the job {@code identity} skipped so far. */
    public int of(String identity) {
        AtomicInteger n = skipped.get(identity);
        return n == null ? 0 : n.get();
    }
}
