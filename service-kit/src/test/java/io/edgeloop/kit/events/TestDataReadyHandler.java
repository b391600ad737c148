package io.edgeloop.kit.events;

import io.edgeloop.common.Events.PoisonEventException;
import io.edgeloop.common.events.EventContract;
import io.edgeloop.common.events.EventContracts;
import io.edgeloop.kit.jobs.Jobs;
import io.edgeloop.proto.events.v1.DataReady;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The test's handler: enqueues a job per event (its effect, in the inbox's transaction). A dataset named
 * {@code fail-N-...} fails N times first; {@code poison-...} is refused as poison by the handler.
 */
@ApplicationScoped
public class TestDataReadyHandler implements EventHandler<DataReady> {
    static final String JOB_KIND = "event-effect";

    @Inject
    Jobs jobs;

    private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();

    @Override
    public EventContract<DataReady> contract() {
        return EventContracts.DATA_READY;
    }

    @Override
    public void apply(DataReady event) {
        String name = event.getDatasetName();
        int call = calls.computeIfAbsent(event.getMeta().getEventId(), k -> new AtomicInteger())
                .incrementAndGet();
        jobs.enqueue(JOB_KIND, event.getMeta().getEventId(), new byte[0]); // rolled back if the apply fails
        if (name.startsWith("poison-")) {
            throw new PoisonEventException("this service cannot use dataset " + name);
        }
        if (name.startsWith("fail-") && call <= Integer.parseInt(name.split("-")[1])) {
            throw new IllegalStateException("database hiccup " + call);
        }
    }

    int callsOf(String eventId) {
        AtomicInteger n = calls.get(eventId);
        return n == null ? 0 : n.get();
    }
}
