package io.edgeloop.console.events;

import io.edgeloop.console.config.ConsoleConfig;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.subscription.MultiEmitter;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The most recent events of the loop ({@code edgeloop.console.events.capacity}, oldest dropped first; an event id
 * seen twice is kept once) and their live fan-out: each stream gets the kept events after a sequence number, then
 * every new one, in arrival order, with nothing lost or repeated in between.
 */
@ApplicationScoped
public class EventFeed {
    /** Whether the feed is read from Kafka, and how that goes, for the overview. */
    public enum State {
        /** No {@code kafka.bootstrap.servers} (or events disabled): nothing is read. */
        OFF,
        /** Reading. */
        READING,
        /** The last poll failed; retrying. */
        FAILING
    }

    private final int capacity;
    private final ArrayDeque<LoopEvent> ring = new ArrayDeque<>();
    private final Set<String> ids = new HashSet<>();
    private final List<MultiEmitter<? super LoopEvent>> streams = new CopyOnWriteArrayList<>();
    private long seq;
    private volatile State state = State.OFF;
    private volatile String detail = "";

    @Inject
    EventFeed(ConsoleConfig config) {
        this(config.events().capacity());
    }

    /** A feed keeping at most {@code capacity} events. */
    EventFeed(int capacity) {
        this.capacity = capacity;
    }

    /** At most this many events are kept. */
    public int capacity() {
        return capacity;
    }

    /**
     * Keeps {@code event} (numbered next) and sends it to every open stream.
     *
     * @return false when an event with its id is kept already
     */
    public synchronized boolean add(LoopEvent event) {
        if (!ids.add(event.eventId())) {
            return false;
        }
        LoopEvent numbered = event.withSeq(++seq);
        ring.addLast(numbered);
        while (ring.size() > capacity) {
            ids.remove(ring.removeFirst().eventId());
        }
        for (MultiEmitter<? super LoopEvent> s : streams) {
            s.emit(numbered);
        }
        return true;
    }

    /** The kept events, the latest to occur first. */
    public synchronized List<LoopEvent> recent() {
        List<LoopEvent> out = new ArrayList<>(ring);
        out.sort(Comparator.comparing((LoopEvent e) -> Instant.parse(e.occurredAt()))
                .thenComparingLong(LoopEvent::seq)
                .reversed());
        return out;
    }

    /** The sequence number of the last event kept (0: none yet). */
    public synchronized long lastSeq() {
        return seq;
    }

    /**
     * The kept events numbered after {@code after} (every kept event when {@code after} is beyond the last number, as
     * after a restart of the console), then every new one.
     */
    public Multi<LoopEvent> stream(long after) {
        return Multi.createFrom().emitter(emitter -> {
            synchronized (this) {
                long from = after > seq ? 0 : after;
                for (LoopEvent e : ring) {
                    if (e.seq() > from) {
                        emitter.emit(e);
                    }
                }
                streams.add(emitter);
            }
            emitter.onTermination(() -> streams.remove(emitter));
        });
    }

    /** Open streams (tests, metrics). */
    public int streams() {
        return streams.size();
    }

    /** How reading goes. */
    public State state() {
        return state;
    }

    /** What the reader says about its state (servers and topics, or the last failure). */
    public String detail() {
        return detail;
    }

    void state(State s, String what) {
        state = s;
        detail = what;
    }

    /** Ends every open stream (the browsers reconnect to the next console). */
    @PreDestroy
    void close() {
        streams.forEach(MultiEmitter::complete);
        streams.clear();
    }
}
